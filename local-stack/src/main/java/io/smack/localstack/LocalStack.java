package io.smack.localstack;

import io.smack.common.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker and a real Cassandra node, each in a JVM of its own, on 127.0.0.1, with the
 * pipeline's topics and schema created. Closing it stops both.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

  private final LocalStackSettings settings;
  private final int kafkaControllerPort;
  private final int cassandraStoragePort;
  private volatile KafkaNode kafka;
  private volatile CassandraNode cassandra;

  private LocalStack(
      LocalStackSettings settings,
      int kafkaControllerPort,
      int cassandraStoragePort,
      KafkaNode kafka,
      CassandraNode cassandra) {
    this.settings = settings;
    this.kafkaControllerPort = kafkaControllerPort;
    this.cassandraStoragePort = cassandraStoragePort;
    this.kafka = kafka;
    this.cassandra = cassandra;
  }

  /**
   * A stack of its own, in this JVM's control, on free ports with its data under {@code dir}: for
   * tests that stop and start a server (most tests share one through {@link LocalStackExtension}).
   */
  public static LocalStack startOnFreePorts(Path dir) {
    return start(LocalStackSettings.from(Settings.load()).withFreePorts().withDir(dir));
  }

  /**
   * Starts both servers side by side, waits until each answers, creates the topics and applies the
   * schema. On any failure, stops what was started and throws {@link StackStartException}.
   */
  static LocalStack start(LocalStackSettings settings) {
    long started = System.nanoTime();
    // Claim every port before starting anything, so that a clash fails at once and cleanly.
    List<Integer> ports =
        Ports.claim(
            List.of(
                settings.kafkaPort(),
                settings.kafkaControllerPort(),
                settings.cassandraPort(),
                settings.cassandraStoragePort()),
            List.of("Kafka", "the Kafka controller", "Cassandra (CQL)", "Cassandra (storage)"));
    int kafkaPort = ports.get(0);
    int controllerPort = ports.get(1);
    int cqlPort = ports.get(2);
    int storagePort = ports.get(3);
    Duration timeout = settings.startTimeout();
    CassandraNode cassandra = null;
    KafkaNode kafka = null;
    try {
      cassandra =
          CassandraNode.start(
              settings.dir().resolve("cassandra"), cqlPort, storagePort, settings.cassandraHeap());
      kafka =
          KafkaNode.start(
              settings.dir().resolve("kafka"),
              kafkaPort,
              controllerPort,
              settings.kafkaHeap(),
              timeout);
      kafka.awaitReady(timeout);
      kafka.createTopics(settings.topics());
      LOG.info(
          "Kafka ready at {}, topics {}", kafka.bootstrapServers(), settings.topics().keySet());
      cassandra.awaitReady(timeout);
      cassandra.applySchema(settings.keyspace(), settings.replication());
      LOG.info("Cassandra ready at {}, keyspace {}", cassandra.contactPoint(), settings.keyspace());
      LOG.info(
          "local stack ready in {} s", Duration.ofNanos(System.nanoTime() - started).toSeconds());
      return new LocalStack(settings, controllerPort, storagePort, kafka, cassandra);
    } catch (RuntimeException e) {
      closeAll(kafka, cassandra);
      throw e;
    }
  }

  public StackAddresses addresses() {
    return new StackAddresses(
        kafka.bootstrapServers(), cassandra.contactPoint(), CassandraNode.DATACENTER);
  }

  /** Stops the Kafka broker, as a crash or a rolling restart would, keeping its data. */
  public void stopKafka() {
    kafka.close();
  }

  /** Starts the broker again on the same ports and data, and waits until it answers. */
  public void startKafka() {
    int port = kafka.port();
    KafkaNode restarted =
        KafkaNode.start(
            settings.dir().resolve("kafka"),
            port,
            kafkaControllerPort,
            settings.kafkaHeap(),
            settings.startTimeout());
    restarted.awaitReady(settings.startTimeout());
    kafka = restarted;
  }

  /** Stops the Cassandra node, as a crash or a rolling restart would, keeping its data. */
  public void stopCassandra() {
    cassandra.close();
  }

  /** Starts the node again on the same ports and data, and waits until it answers. */
  public void startCassandra() {
    CassandraNode restarted =
        CassandraNode.start(
            settings.dir().resolve("cassandra"),
            cassandra.port(),
            cassandraStoragePort,
            settings.cassandraHeap());
    restarted.awaitReady(settings.startTimeout());
    cassandra = restarted;
  }

  /** Creates topics that do not exist yet: name to partition count. */
  public void createTopics(Map<String, Integer> topics) {
    kafka.createTopics(topics);
  }

  /** The server processes, for their pids and logs. */
  List<ServerProcess> processes() {
    return List.of(kafka.process(), cassandra.process());
  }

  /** Stops both servers, side by side, and waits for them. */
  @Override
  public void close() {
    closeAll(kafka, cassandra);
  }

  private static void closeAll(KafkaNode kafka, CassandraNode cassandra) {
    if (kafka != null) {
      kafka.process().requestStop();
    }
    if (cassandra != null) {
      cassandra.process().requestStop();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (cassandra != null) {
      cassandra.close();
    }
  }
}
