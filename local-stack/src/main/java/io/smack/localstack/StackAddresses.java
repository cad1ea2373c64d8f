package io.smack.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;

/**
 * Where a running local stack answers. The launcher writes it to a file once everything is ready;
 * tests and tools read it from there.
 *
 * <p>Uses the JDK only, like everything the JUnit extension touches.
 *
 * @param kafkaBootstrapServers {@code host:port} of the broker
 * @param cassandraContactPoint {@code host:port} of the node's CQL port
 * @param cassandraDatacenter the node's data centre, for the driver's load balancing
 */
public record StackAddresses(
    String kafkaBootstrapServers, String cassandraContactPoint, String cassandraDatacenter) {

  private static final String KAFKA = "kafka.bootstrap-servers";
  private static final String CASSANDRA = "cassandra.contact-point";
  private static final String DATACENTER = "cassandra.datacenter";

  /** The environment variables that point a service of the pipeline at this stack. */
  public Map<String, String> environment() {
    return Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers,
        "CASSANDRA_CONTACT_POINTS", cassandraContactPoint,
        "CASSANDRA_LOCAL_DC", cassandraDatacenter);
  }

  /** The CQL port of {@link #cassandraContactPoint()}. */
  public int cassandraPort() {
    return Integer.parseInt(
        cassandraContactPoint.substring(cassandraContactPoint.lastIndexOf(':') + 1));
  }

  /** The host of {@link #cassandraContactPoint()}. */
  public String cassandraHost() {
    return cassandraContactPoint.substring(0, cassandraContactPoint.lastIndexOf(':'));
  }

  /** Writes the file in one step, so that a reader never sees half of it. */
  public void writeTo(Path file) {
    Properties properties = new Properties();
    properties.setProperty(KAFKA, kafkaBootstrapServers);
    properties.setProperty(CASSANDRA, cassandraContactPoint);
    properties.setProperty(DATACENTER, cassandraDatacenter);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
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
        required(properties, DATACENTER, file));
  }

  private static String required(Properties properties, String key, Path file) {
    String value = properties.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(file + " has no " + key);
    }
    return value;
  }
}
