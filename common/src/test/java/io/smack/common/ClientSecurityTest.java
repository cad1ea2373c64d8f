package io.smack.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientSecurityTest {

  @Test
  void should_talk_plaintext_without_credentials_by_default() {
    // when
    KafkaSettings kafka = KafkaSettings.from(Settings.load(Map.of()));
    CassandraSettings cassandra = CassandraSettings.from(Settings.load(Map.of()));

    // then
    assertThat(kafka.clientProperties())
        .containsExactly(
            Map.entry("bootstrap.servers", "127.0.0.1:9092"),
            Map.entry("security.protocol", "PLAINTEXT"));
    assertThat(cassandra.sparkConnectorSettings())
        .doesNotContainKeys(
            "spark.cassandra.auth.username", "spark.cassandra.connection.ssl.enabled");
    assertThat(cassandra.security().sslContext()).isEmpty();
  }

  @Test
  void should_log_kafka_clients_in_with_scram_over_tls_from_the_environment() {
    // given
    Map<String, String> marathonEnv =
        Map.of(
            "KAFKA_USERNAME", "smack",
            "KAFKA_PASSWORD", "p\"w\\d",
            "KAFKA_TLS_TRUSTSTORE", "/secrets/kafka-ca.p12",
            "KAFKA_TLS_TRUSTSTORE_PASSWORD", "changeit");

    // when
    KafkaSettings kafka = KafkaSettings.from(Settings.load(marathonEnv));

    // then
    assertThat(kafka.securityProtocol()).isEqualTo("SASL_SSL");
    assertThat(kafka.clientProperties())
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"smack\" password=\"p\\\"w\\\\d\";")
        .containsEntry("ssl.truststore.location", "/secrets/kafka-ca.p12")
        .containsEntry("ssl.truststore.password", "changeit")
        .containsEntry("ssl.truststore.type", "PKCS12");
    assertThat(kafka.sparkOptions())
        .containsEntry("kafka.security.protocol", "SASL_SSL")
        .containsEntry("kafka.bootstrap.servers", "127.0.0.1:9092");
  }

  @Test
  void should_choose_the_protocol_from_the_user_and_tls() {
    assertThat(protocol(Map.of("KAFKA_USERNAME", "u", "KAFKA_PASSWORD", "p")))
        .isEqualTo("SASL_PLAINTEXT");
    assertThat(protocol(Map.of("KAFKA_TLS", "true"))).isEqualTo("SSL");
    assertThat(protocol(Map.of())).isEqualTo("PLAINTEXT");
  }

  @Test
  void should_give_the_spark_connector_the_credentials_and_the_truststore() {
    // given
    Map<String, String> marathonEnv =
        Map.of(
            "CASSANDRA_USERNAME", "smack",
            "CASSANDRA_PASSWORD", "secret",
            "CASSANDRA_TLS_TRUSTSTORE", "/secrets/cassandra-ca.p12",
            "CASSANDRA_TLS_TRUSTSTORE_PASSWORD", "changeit");

    // when
    CassandraSettings cassandra = CassandraSettings.from(Settings.load(marathonEnv));

    // then
    assertThat(cassandra.sparkConnectorSettings())
        .containsEntry("spark.cassandra.auth.username", "smack")
        .containsEntry("spark.cassandra.auth.password", "secret")
        .containsEntry("spark.cassandra.connection.ssl.enabled", "true")
        .containsEntry(
            "spark.cassandra.connection.ssl.trustStore.path", "/secrets/cassandra-ca.p12")
        .containsEntry("spark.cassandra.connection.ssl.trustStore.password", "changeit")
        .containsEntry("spark.cassandra.connection.ssl.trustStore.type", "PKCS12");
  }

  @Test
  void should_never_print_a_password() {
    // given
    CassandraSettings cassandra =
        CassandraSettings.from(
            Settings.load(Map.of("CASSANDRA_USERNAME", "smack", "CASSANDRA_PASSWORD", "s3cr3t")));

    // when / then
    assertThat(cassandra.toString()).contains("user=smack").doesNotContain("s3cr3t");
  }

  @Test
  void should_name_the_setting_when_a_user_has_no_password() {
    assertThatThrownBy(
            () -> CassandraSettings.from(Settings.load(Map.of("CASSANDRA_USERNAME", "smack"))))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.cassandra.security.password")
        .hasMessageContaining("CASSANDRA_PASSWORD is empty");
  }

  @Test
  void should_name_the_setting_when_the_truststore_cannot_be_read() {
    // given
    CassandraSettings cassandra =
        CassandraSettings.from(
            Settings.load(Map.of("CASSANDRA_TLS_TRUSTSTORE", "/nonexistent/ca.p12")));

    // when / then
    assertThatThrownBy(() -> cassandra.security().sslContext())
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.cassandra.security.tls.truststore")
        .hasMessageContaining("/nonexistent/ca.p12")
        .hasMessageContaining("CASSANDRA_TLS_TRUSTSTORE");
  }

  @Test
  void should_name_the_setting_when_the_sasl_mechanism_is_unknown() {
    assertThatThrownBy(
            () -> KafkaSettings.from(Settings.load(Map.of("KAFKA_SASL_MECHANISM", "GSSAPI"))))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.kafka.security.sasl-mechanism");
  }

  private static String protocol(Map<String, String> env) {
    return KafkaSettings.from(Settings.load(env)).securityProtocol();
  }
}
