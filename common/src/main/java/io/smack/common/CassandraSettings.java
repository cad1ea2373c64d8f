package io.smack.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where Cassandra is, which keyspace the pipeline uses and how it is replicated ({@code
 * smack.cassandra}).
 *
 * @param contactPoints nodes to contact first
 * @param localDatacenter the data centre whose nodes serve requests
 * @param keyspace the keyspace of every table
 * @param replication the CQL replication map used when the keyspace is created
 * @param consistency consistency level name of reads and writes
 */
public record CassandraSettings(
    List<InetSocketAddress> contactPoints,
    String localDatacenter,
    String keyspace,
    String replication,
    String consistency) {

  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Pattern DATA_CENTER = Pattern.compile("([A-Za-z0-9_.-]+):([1-9][0-9]?)");
  private static final Set<String> CONSISTENCY_LEVELS =
      Set.of("ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_ONE", "LOCAL_QUORUM", "EACH_QUORUM");

  public CassandraSettings {
    contactPoints = List.copyOf(contactPoints);
  }

  public static CassandraSettings from(Config config) {
    String keyspace = config.getString("smack.cassandra.keyspace");
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new ConfigException.BadValue(
          config.origin(),
          "smack.cassandra.keyspace",
          "'" + keyspace + "' is not a lower-case CQL identifier " + KEYSPACE.pattern());
    }
    String consistency = config.getString("smack.cassandra.consistency");
    if (!CONSISTENCY_LEVELS.contains(consistency)) {
      throw new ConfigException.BadValue(
          config.origin(),
          "smack.cassandra.consistency",
          "'" + consistency + "' is not one of " + CONSISTENCY_LEVELS);
    }
    return new CassandraSettings(
        Settings.addresses(config, "smack.cassandra.contact-points"),
        config.getString("smack.cassandra.local-datacenter"),
        keyspace,
        replication(config),
        consistency);
  }

  private static String replication(Config config) {
    String strategy = config.getString("smack.cassandra.replication.strategy");
    switch (strategy) {
      case "SimpleStrategy" -> {
        int factor = config.getInt("smack.cassandra.replication.factor");
        if (factor < 1) {
          throw new ConfigException.BadValue(
              config.origin(), "smack.cassandra.replication.factor", factor + " is below 1");
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
              config.origin(), path, "'" + dataCenters + "' is not a list like dc1:3,dc2:3");
        }
        return entries.stream()
            .map(String::strip)
            .map(e -> "'" + e.replace(":", "': "))
            .collect(Collectors.joining(", ", "{'class': 'NetworkTopologyStrategy', ", "}"));
      }
      default ->
          throw new ConfigException.BadValue(
              config.origin(),
              "smack.cassandra.replication.strategy",
              "'" + strategy + "' is neither SimpleStrategy nor NetworkTopologyStrategy");
    }
  }

  /**
   * These settings as the Spark Cassandra Connector's {@code spark.cassandra.*} settings: contact
   * points, port, data centre and the consistency of reads and writes.
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
    return settings;
  }
}
