package io.smack.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Where a running local stack answers. The launcher writes it to a file once everything is ready;
 * tests and tools read it from there.
 *
 * <p>Uses the JDK only, like everything the JUnit extension touches.
 *
 * @param kafkaBootstrapServers {@code host:port} of every broker, comma-separated
 * @param cassandraContactPoints {@code host:port} of every node's CQL port, comma-separated
 * @param cassandraDatacenter the nodes' data centre, for the driver's load balancing
 * @param cassandraReplicas the keyspace's replicas: 1 on a single node, 3 on the cluster, where the
 *     pipeline reads and writes at {@code LOCAL_QUORUM}
 * @param credentials on a secured stack, the environment variables that log each {@link Principal}
 *     in (user, password, TLS truststore of each server it uses), each named {@code USER.VARIABLE}
 *     after the principal's user; empty otherwise
 */
public record StackAddresses(
    String kafkaBootstrapServers,
    String cassandraContactPoints,
    String cassandraDatacenter,
    int cassandraReplicas,
    Map<String, String> credentials) {

  /**
   * The ready file {@code bin/smack up} writes in its folder while it runs, unless told another
   * ({@code --ready-file}): how {@code bin/smack shell} finds the running stack.
   */
  public static final String READY_FILE = "stack.properties";

  public StackAddresses {
    credentials = Collections.unmodifiableMap(new TreeMap<>(credentials));
  }

  private static final String KAFKA = "kafka.bootstrap-servers";
  private static final String CASSANDRA = "cassandra.contact-points";
  private static final String DATACENTER = "cassandra.datacenter";
  private static final String REPLICAS = "cassandra.replicas";
  private static final String CREDENTIAL = "env.";

  /**
   * The environment variables that point a person's tools ({@code bin/smack shell}) at this stack:
   * {@link #environment(Principal)} of the {@link Principal#OPERATOR}.
   */
  public Map<String, String> environment() {
    return environment(Principal.OPERATOR);
  }

  /**
   * The environment variables that point {@code principal}'s part of the pipeline at this stack; on
   * a cluster also its consistency ({@code LOCAL_QUORUM}) and the keyspace's replication, as the
   * Marathon apps set them; on a secured stack also its own credentials, and the jobs that apply
   * the schema at start told not to ({@link Principal#createSchemaVariable()}).
   */
  public Map<String, String> environment(Principal principal) {
    Map<String, String> environment = new TreeMap<>();
    environment.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers);
    environment.put("CASSANDRA_CONTACT_POINTS", cassandraContactPoints);
    environment.put("CASSANDRA_LOCAL_DC", cassandraDatacenter);
    if (cassandraReplicas > 1) {
      environment.put("CASSANDRA_CONSISTENCY", "LOCAL_QUORUM");
      environment.put("CASSANDRA_REPLICATION_STRATEGY", "NetworkTopologyStrategy");
      environment.put(
          "CASSANDRA_REPLICATION_DATA_CENTERS", cassandraDatacenter + ":" + cassandraReplicas);
    }
    String own = principal.user() + ".";
    credentials.forEach(
        (name, value) -> {
          if (name.startsWith(own)) {
            environment.put(name.substring(own.length()), value);
          }
        });
    if (!credentials.isEmpty()) {
      // a secured stack's users may not change the schema: the stack applied it as its admin
      principal.createSchemaVariable().ifPresent(variable -> environment.put(variable, "false"));
    }
    return Collections.unmodifiableMap(environment);
  }

  /** The CQL port of the first of {@link #cassandraContactPoints()}. */
  public int cassandraPort() {
    String first = firstContactPoint();
    return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
  }

  /** The host of the first of {@link #cassandraContactPoints()}. */
  public String cassandraHost() {
    String first = firstContactPoint();
    return first.substring(0, first.lastIndexOf(':'));
  }

  private String firstContactPoint() {
    int comma = cassandraContactPoints.indexOf(',');
    return comma < 0 ? cassandraContactPoints : cassandraContactPoints.substring(0, comma);
  }

  /** Writes the file in one step, so that a reader never sees half of it. */
  public void writeTo(Path file) {
    Properties properties = new Properties();
    properties.setProperty(KAFKA, kafkaBootstrapServers);
    properties.setProperty(CASSANDRA, cassandraContactPoints);
    properties.setProperty(DATACENTER, cassandraDatacenter);
    properties.setProperty(REPLICAS, String.valueOf(cassandraReplicas));
    credentials.forEach((name, value) -> properties.setProperty(CREDENTIAL + name, value));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      Files.deleteIfExists(partial);
      // it may hold passwords: its owner's alone
      Files.createFile(
          partial,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
        properties.store(out, "smack local stack: ready");
      }
      Files.move(
          partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    }
  }

  /** Reads a file written by {@link #writeTo(Path)}. */
  public static StackAddresses readFrom(Path file) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + " failed", e);
    }
    return new StackAddresses(
        required(properties, KAFKA, file),
        required(properties, CASSANDRA, file),
        required(properties, DATACENTER, file),
        Integer.parseInt(required(properties, REPLICAS, file)),
        properties.stringPropertyNames().stream()
            .filter(name -> name.startsWith(CREDENTIAL))
            .collect(
                Collectors.toMap(
                    name -> name.substring(CREDENTIAL.length()), properties::getProperty)));
  }

  private static String required(Properties properties, String key, Path file) {
    String value = properties.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(file + " has no " + key);
    }
    return value;
  }

  /** Never prints the credentials' values: their names only. */
  @Override
  public String toString() {
    return "StackAddresses[kafka="
        + kafkaBootstrapServers
        + ", cassandra="
        + cassandraContactPoints
        + ", datacenter="
        + cassandraDatacenter
        + ", replicas="
        + cassandraReplicas
        + ", credentials="
        + new TreeSet<>(credentials.keySet())
        + "]";
  }
}
