package io.smack.common;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * Where Cassandra is, which keyspace the pipeline uses and how it is replicated ({@code
 * smack.cassandra}), and how a client logs in ({@code smack.cassandra.security}).
 *
 * @param contactPoints nodes to contact first
 * @param localDatacenter the data centre whose nodes serve requests
 * @param keyspace the keyspace of every table
 * @param replication the CQL replication map used when the keyspace is created
 * @param consistency consistency level name of reads and writes
 * @param security the credentials and TLS of every session
 */
public record CassandraSettings(
    List<InetSocketAddress> contactPoints,
    String localDatacenter,
    String keyspace,
    String replication,
    String consistency,
    ClientSecurity security) {

  private static final String SECURITY = "smack.cassandra.security";
  private static final String CONNECTOR_CIPHER_SUITES =
      String.join(
          ",",
          "TLS_AES_256_GCM_SHA384",
          "TLS_AES_128_GCM_SHA256",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Pattern DATA_CENTER = Pattern.compile("([A-Za-z0-9_.-]+):([1-9][0-9]?)");
  private static final Set<String> CONSISTENCY_LEVELS =
      Set.of("ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_ONE", "LOCAL_QUORUM", "EACH_QUORUM");

  public CassandraSettings {
    contactPoints = List.copyOf(contactPoints);
  }

  /** Settings without authentication or TLS. */
  public CassandraSettings(
      List<InetSocketAddress> contactPoints,
      String localDatacenter,
      String keyspace,
      String replication,
      String consistency) {
    this(
        contactPoints,
        localDatacenter,
        keyspace,
        replication,
        consistency,
        new ClientSecurity(SECURITY, "CASSANDRA", "", "", false, Optional.empty(), "", "PKCS12"));
  }

  public static CassandraSettings from(Config config) {
    String keyspace = config.getString("smack.cassandra.keyspace");
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new ConfigException.BadValue(
          Settings.origin(config, "smack.cassandra.keyspace"),
          "smack.cassandra.keyspace",
          "'" + keyspace + "' is not a lower-case CQL identifier " + KEYSPACE.pattern());
    }
    String consistency = config.getString("smack.cassandra.consistency");
    if (!CONSISTENCY_LEVELS.contains(consistency)) {
      throw new ConfigException.BadValue(
          Settings.origin(config, "smack.cassandra.consistency"),
          "smack.cassandra.consistency",
          "'" + consistency + "' is not one of " + CONSISTENCY_LEVELS);
    }
    return new CassandraSettings(
        Settings.addresses(config, "smack.cassandra.contact-points"),
        config.getString("smack.cassandra.local-datacenter"),
        keyspace,
        replication(config),
        consistency,
        ClientSecurity.from(config, SECURITY, "CASSANDRA"));
  }

  /**
   * A session builder for these contact points and data centre, with the credentials and TLS
   * context when they are set; the caller adds its driver settings.
   *
   * @throws ConfigException.BadValue when the truststore cannot be read
   */
  public CqlSessionBuilder sessionBuilder() {
    CqlSessionBuilder builder =
        CqlSession.builder()
            .addContactPoints(
                contactPoints.stream()
                    .map(a -> new InetSocketAddress(a.getHostString(), a.getPort()))
                    .toList())
            .withLocalDatacenter(localDatacenter);
    if (security.authenticates()) {
      builder = builder.withAuthCredentials(security.username(), security.password());
    }
    Optional<javax.net.ssl.SSLContext> tls = security.sslContext();
    if (tls.isPresent()) {
      builder = builder.withSslContext(tls.get());
    }
    return builder;
  }

  /**
   * Opens a session once, at a service's start, to tell a setting that can never work from a
   * Cassandra that is not up yet: refused credentials or a failed TLS handshake throw an error that
   * names the setting; any other failure (Cassandra down or slow) is left to the service's own
   * retries.
   *
   * @return empty when a session opened, else why not
   * @throws ConfigException.BadValue when Cassandra refused the credentials or the TLS handshake
   */
  public Optional<String> checkLogin(Duration timeout) {
    DriverConfigLoader config =
        DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, timeout)
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, timeout)
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, timeout)
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, timeout)
            .build();
    try (CqlSession session = sessionBuilder().withConfigLoader(config).build()) {
      session.execute("SELECT release_version FROM system.local");
      return Optional.empty();
    } catch (RuntimeException e) {
      Optional<ConfigException> refused = refusal(e);
      if (refused.isPresent()) {
        throw refused.get();
      }
      return Optional.of(e.getMessage());
    }
  }

  /**
   * The setting to blame when {@code failure} (from the driver or the Spark connector) is Cassandra
   * refusing the credentials or the TLS handshake; empty for anything else.
   */
  public Optional<ConfigException> refusal(Throwable failure) {
    for (Throwable cause : causes(failure)) {
      if (cause instanceof AuthenticationException) {
        return Optional.of(security.credentialsRefused("Cassandra", cause.getMessage()));
      }
      if (cause instanceof SSLException) {
        return Optional.of(security.tlsRefused("Cassandra", cause.getMessage()));
      }
    }
    return Optional.empty();
  }

  /**
   * {@code failure}, its causes and suppressed exceptions, and the per-node errors the driver keeps
   * in an {@link AllNodesFailedException} (not among its causes).
   */
  private static List<Throwable> causes(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Throwable> todo = new ArrayDeque<>(List.of(failure));
    while (!todo.isEmpty()) {
      Throwable next = todo.pop();
      if (!seen.add(next)) {
        continue;
      }
      if (next.getCause() != null) {
        todo.add(next.getCause());
      }
      todo.addAll(List.of(next.getSuppressed()));
      if (next instanceof AllNodesFailedException all) {
        all.getAllErrors().values().forEach(todo::addAll);
      }
    }
    return List.copyOf(seen);
  }

  private static String replication(Config config) {
    String strategy = config.getString("smack.cassandra.replication.strategy");
    switch (strategy) {
      case "SimpleStrategy" -> {
        int factor = config.getInt("smack.cassandra.replication.factor");
        if (factor < 1) {
          throw new ConfigException.BadValue(
              Settings.origin(config, "smack.cassandra.replication.factor"),
              "smack.cassandra.replication.factor",
              factor + " is below 1");
        }
        return "{'class': 'SimpleStrategy', 'replication_factor': " + factor + "}";
      }
      case "NetworkTopologyStrategy" -> {
        String path = "smack.cassandra.replication.data-centers";
        String dataCenters = config.getString(path);
        List<String> entries = List.of(dataCenters.split(","));
        if (dataCenters.isBlank()
            || !entries.stream().allMatch(e -> DATA_CENTER.matcher(e.strip()).matches())) {
          throw new ConfigException.BadValue(
              Settings.origin(config, path),
              path,
              "'" + dataCenters + "' is not a list like dc1:3,dc2:3");
        }
        return entries.stream()
            .map(String::strip)
            .map(e -> "'" + e.replace(":", "': "))
            .collect(Collectors.joining(", ", "{'class': 'NetworkTopologyStrategy', ", "}"));
      }
      default ->
          throw new ConfigException.BadValue(
              Settings.origin(config, "smack.cassandra.replication.strategy"),
              "smack.cassandra.replication.strategy",
              "'" + strategy + "' is neither SimpleStrategy nor NetworkTopologyStrategy");
    }
  }

  /**
   * These settings as the Spark Cassandra Connector's {@code spark.cassandra.*} settings: contact
   * points, port, data centre, the consistency of reads and writes, credentials and TLS.
   *
   * @throws IllegalArgumentException when the contact points differ in port: the connector takes
   *     one port for all
   */
  public Map<String, String> sparkConnectorSettings() {
    int port = contactPoints.get(0).getPort();
    if (contactPoints.stream().anyMatch(a -> a.getPort() != port)) {
      throw new IllegalArgumentException(
          "smack.cassandra.contact-points: the Spark Cassandra Connector needs one port for all"
              + " contact points, not "
              + contactPoints);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(
        "spark.cassandra.connection.host",
        contactPoints.stream()
            .map(InetSocketAddress::getHostString)
            .collect(Collectors.joining(",")));
    settings.put("spark.cassandra.connection.port", String.valueOf(port));
    settings.put("spark.cassandra.connection.localDC", localDatacenter);
    settings.put("spark.cassandra.output.consistency.level", consistency);
    settings.put("spark.cassandra.input.consistency.level", consistency);
    if (security.authenticates()) {
      // Spark redacts settings named like a password in its UI and logs
      settings.put("spark.cassandra.auth.username", security.username());
      settings.put("spark.cassandra.auth.password", security.password());
    }
    if (security.tls()) {
      settings.put("spark.cassandra.connection.ssl.enabled", "true");
      // The connector's default suites are two of TLS 1.2's RSA key exchanges, which no node
      // with an EC key (or a modern policy) accepts: the TLS 1.3 suites and TLS 1.2's ECDHE ones.
      settings.put("spark.cassandra.connection.ssl.enabledAlgorithms", CONNECTOR_CIPHER_SUITES);
      security
          .truststore()
          .ifPresent(
              file -> {
                settings.put("spark.cassandra.connection.ssl.trustStore.path", file.toString());
                settings.put(
                    "spark.cassandra.connection.ssl.trustStore.password",
                    security.truststorePassword());
                settings.put(
                    "spark.cassandra.connection.ssl.trustStore.type", security.truststoreType());
              });
    }
    return settings;
  }
}
