package io.smack.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void should_default_to_a_local_single_node_stack() {
    // when
    Config config = Settings.load(Map.of());

    // then
    assertThat(KafkaSettings.from(config))
        .isEqualTo(new KafkaSettings("127.0.0.1:9092", "quotes", "quotes.dlq"));
    assertThat(CassandraSettings.from(config))
        .isEqualTo(
            new CassandraSettings(
                List.of(InetSocketAddress.createUnresolved("127.0.0.1", 9042)),
                "datacenter1",
                "smack",
                "{'class': 'SimpleStrategy', 'replication_factor': 1}",
                "LOCAL_ONE"));
  }

  @Test
  void should_take_overrides_from_the_environment() {
    // given
    Map<String, String> marathonEnv =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "kafka-0.broker:9092,kafka-1.broker:9092",
            "CASSANDRA_CONTACT_POINTS", "cass-0:9042, cass-1:9042",
            "CASSANDRA_LOCAL_DC", "eu-west",
            "CASSANDRA_REPLICATION_STRATEGY", "NetworkTopologyStrategy",
            "CASSANDRA_REPLICATION_DATA_CENTERS", "eu-west:3,us-east:2",
            "CASSANDRA_CONSISTENCY", "LOCAL_QUORUM");

    // when
    Config config = Settings.load(marathonEnv);

    // then
    assertThat(KafkaSettings.from(config).bootstrapServers())
        .isEqualTo("kafka-0.broker:9092,kafka-1.broker:9092");
    CassandraSettings cassandra = CassandraSettings.from(config);
    assertThat(cassandra.contactPoints())
        .containsExactly(
            InetSocketAddress.createUnresolved("cass-0", 9042),
            InetSocketAddress.createUnresolved("cass-1", 9042));
    assertThat(cassandra.localDatacenter()).isEqualTo("eu-west");
    assertThat(cassandra.replication())
        .isEqualTo("{'class': 'NetworkTopologyStrategy', 'eu-west': 3, 'us-east': 2}");
    assertThat(cassandra.consistency()).isEqualTo("LOCAL_QUORUM");
  }

  @Test
  void should_name_the_setting_when_a_contact_point_has_no_port() {
    // given
    Config config = Settings.load(Map.of("CASSANDRA_CONTACT_POINTS", "cass-0"));

    // when / then
    assertThatThrownBy(() -> CassandraSettings.from(config))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.cassandra.contact-points")
        .hasMessageContaining("'cass-0' is not host:port");
  }

  @Test
  void should_name_the_setting_when_a_number_is_not_a_number() {
    // given
    Config config = Settings.load(Map.of("CASSANDRA_REPLICATION_FACTOR", "three"));

    // when / then
    assertThatThrownBy(() -> CassandraSettings.from(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("smack.cassandra.replication.factor");
  }

  @Test
  void should_name_the_setting_when_the_consistency_level_is_unknown() {
    // given
    Config config = Settings.load(Map.of("CASSANDRA_CONSISTENCY", "MOST"));

    // when / then
    assertThatThrownBy(() -> CassandraSettings.from(config))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.cassandra.consistency")
        .hasMessageContaining("'MOST' is not one of");
  }

  @Test
  void should_reject_a_network_topology_without_data_centres() {
    // given
    Config config =
        Settings.load(Map.of("CASSANDRA_REPLICATION_STRATEGY", "NetworkTopologyStrategy"));

    // when / then
    assertThatThrownBy(() -> CassandraSettings.from(config))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.cassandra.replication.data-centers");
  }
}
