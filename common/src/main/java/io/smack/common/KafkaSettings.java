package io.smack.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Where Kafka is, which topics the pipeline uses ({@code smack.kafka}) and how a client logs in
 * ({@code smack.kafka.security}: SASL with SCRAM, TLS, both or neither).
 *
 * @param bootstrapServers host:port list, comma-separated, as Kafka clients take it
 * @param quotesTopic the topic of quotes
 * @param deadLetterTopic the topic of refused inputs
 * @param saslMechanism {@code SCRAM-SHA-512}, {@code SCRAM-SHA-256} or {@code PLAIN}, when the
 *     client logs in
 * @param security the credentials and TLS of every client
 */
public record KafkaSettings(
    String bootstrapServers,
    String quotesTopic,
    String deadLetterTopic,
    String saslMechanism,
    ClientSecurity security) {

  private static final String SECURITY = "smack.kafka.security";
  private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

  /** Settings without authentication or TLS. */
  public KafkaSettings(String bootstrapServers, String quotesTopic, String deadLetterTopic) {
    this(
        bootstrapServers,
        quotesTopic,
        deadLetterTopic,
        "SCRAM-SHA-512",
        new ClientSecurity(SECURITY, "KAFKA", "", "", false, Optional.empty(), "", "PKCS12"));
  }

  public static KafkaSettings from(Config config) {
    Settings.addresses(config, "smack.kafka.bootstrap-servers");
    String mechanism = config.getString(SECURITY + ".sasl-mechanism");
    if (!MECHANISMS.contains(mechanism)) {
      throw new ConfigException.BadValue(
          SECURITY + ".sasl-mechanism",
          "'" + mechanism + "' (KAFKA_SASL_MECHANISM) is not one of " + MECHANISMS);
    }
    return new KafkaSettings(
        config.getString("smack.kafka.bootstrap-servers"),
        config.getString("smack.kafka.topics.quotes"),
        config.getString("smack.kafka.topics.dead-letters"),
        mechanism,
        ClientSecurity.from(config, SECURITY, "KAFKA"));
  }

  /** Kafka's security protocol for these settings: SASL when there is a user, SSL for TLS. */
  public String securityProtocol() {
    if (security.authenticates()) {
      return security.tls() ? "SASL_SSL" : "SASL_PLAINTEXT";
    }
    return security.tls() ? "SSL" : "PLAINTEXT";
  }

  /**
   * The properties every Kafka client of the pipeline starts from: the brokers, and the credentials
   * and truststore when they are set. A client adds its own.
   */
  public Map<String, String> clientProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("bootstrap.servers", bootstrapServers);
    properties.put("security.protocol", securityProtocol());
    if (security.authenticates()) {
      String module =
          saslMechanism.equals("PLAIN")
              ? "org.apache.kafka.common.security.plain.PlainLoginModule"
              : "org.apache.kafka.common.security.scram.ScramLoginModule";
      properties.put("sasl.mechanism", saslMechanism);
      properties.put(
          "sasl.jaas.config",
          module
              + " required username="
              + quoted(security.username())
              + " password="
              + quoted(security.password())
              + ";");
    }
    security
        .truststore()
        .ifPresent(
            file -> {
              properties.put("ssl.truststore.location", file.toString());
              properties.put("ssl.truststore.password", security.truststorePassword());
              properties.put("ssl.truststore.type", security.truststoreType());
            });
    return properties;
  }

  /** {@link #clientProperties()} as {@link Properties}, to add a client's own to. */
  public Properties clientConfig() {
    Properties properties = new Properties();
    properties.putAll(clientProperties());
    return properties;
  }

  /**
   * {@link #clientProperties()} as the options of Spark's Kafka source and sink, which pass every
   * {@code kafka.}-prefixed option to their clients.
   */
  public Map<String, String> sparkOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    clientProperties().forEach((key, value) -> options.put("kafka." + key, value));
    return options;
  }

  /**
   * Asks the brokers for the cluster's description once, at a service's start, to tell a setting
   * that can never work from brokers that are not up yet: refused credentials or a failed TLS
   * handshake throw an error that names the setting; anything else (Kafka down or slow) is left to
   * the service's own retries.
   *
   * @return empty when the brokers answered, else why not
   * @throws ConfigException.BadValue when Kafka refused the credentials or the TLS handshake
   */
  public Optional<String> checkLogin(Duration timeout) {
    Properties properties = clientConfig();
    properties.put("request.timeout.ms", (int) timeout.toMillis());
    properties.put("default.api.timeout.ms", (int) timeout.toMillis());
    properties.put("client.id", "smack-login-check");
    try (Admin admin = Admin.create(properties)) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.empty();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SslAuthenticationException) {
        throw security.tlsRefused("Kafka", cause.getMessage());
      }
      if (cause instanceof AuthenticationException) {
        throw security.credentialsRefused("Kafka", cause.getMessage());
      }
      return Optional.of(String.valueOf(cause));
    } catch (TimeoutException e) {
      return Optional.of("no answer within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  /** A JAAS option value: quoted, with backslashes and quotes escaped. */
  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
