package io.smack.localstack;

import com.typesafe.config.Config;
import io.smack.common.CassandraSettings;
import io.smack.common.KafkaSettings;
import io.smack.common.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to run the local stack ({@code smack.local-stack}) and what to create in it: the topics of
 * {@code smack.kafka} and the keyspace of {@code smack.cassandra}.
 */
record LocalStackSettings(
    Path dir,
    int nodes,
    int kafkaPort,
    int kafkaControllerPort,
    String kafkaHeap,
    int cassandraPort,
    int cassandraStoragePort,
    String cassandraHeap,
    Duration startTimeout,
    Map<String, Integer> topics,
    String keyspace,
    String replication,
    boolean secure,
    Optional<NetworkFaults> networkFaults) {

  /** How many nodes of each server {@code bin/smack up --cluster} runs. */
  static final int CLUSTER_NODES = 3;

  LocalStackSettings {
    topics = Collections.unmodifiableMap(new LinkedHashMap<>(topics));
    if (nodes < 1 || nodes > 9) {
      throw new IllegalArgumentException("smack.local-stack.nodes: " + nodes + " is not 1 to 9");
    }
    if (secure && nodes > 1) {
      // a secured ring would also need system_auth replicated to every node first
      throw new IllegalArgumentException(
          "smack.local-stack.secure: the secured stack runs one node of each server, not " + nodes);
    }
  }

  /** The quotes' topic: the first of {@link #topics()}. */
  String quotesTopic() {
    return topics.keySet().iterator().next();
  }

  /** The dead letters' topic: the second of {@link #topics()}. */
  String deadLetterTopic() {
    return List.copyOf(topics.keySet()).get(1);
  }

  /** Whether this is a cluster: several nodes of each server. */
  boolean cluster() {
    return nodes > 1;
  }

  static LocalStackSettings from(Config config) {
    Config stack = config.getConfig("smack.local-stack");
    KafkaSettings kafka = KafkaSettings.from(config);
    CassandraSettings cassandra = CassandraSettings.from(config);
    Map<String, Integer> topics = new LinkedHashMap<>();
    topics.put(kafka.quotesTopic(), Topics.QUOTES_PARTITIONS);
    topics.put(kafka.deadLetterTopic(), 1);
    int nodes = stack.getInt("nodes");
    boolean cluster = nodes > 1;
    return new LocalStackSettings(
        Path.of(stack.getString("dir")).toAbsolutePath(),
        nodes,
        stack.getInt("kafka.port"),
        stack.getInt("kafka.controller-port"),
        stack.getString(cluster ? "cluster.kafka-heap" : "kafka.heap"),
        stack.getInt("cassandra.port"),
        stack.getInt("cassandra.storage-port"),
        stack.getString(cluster ? "cluster.cassandra-heap" : "cassandra.heap"),
        stack.getDuration("start-timeout"),
        topics,
        cassandra.keyspace(),
        cluster ? clusterReplication(nodes) : cassandra.replication(),
        stack.getBoolean("secure"),
        Optional.empty());
  }

  /** A replica on each node, at most three, in the one data centre of the local ring. */
  private static String clusterReplication(int nodes) {
    return "{'class': 'NetworkTopologyStrategy', '"
        + CassandraNode.DATACENTER
        + "': "
        + Math.min(3, nodes)
        + "}";
  }

  /** The same stack on ports that the OS picks, so that it runs beside another one. */
  LocalStackSettings withFreePorts() {
    return copy(dir, 0, 0, 0, 0, secure);
  }

  /**
   * The same stack with password authentication and TLS on both servers ({@link StackSecurity}).
   */
  LocalStackSettings withSecurity() {
    return copy(dir, kafkaPort, kafkaControllerPort, cassandraPort, cassandraStoragePort, true);
  }

  /**
   * The same stack, each server joining a cgroup of its own as it starts ({@code kafka-1}, {@code
   * cassandra-1}, …), so that {@code faults} can cut its links.
   */
  LocalStackSettings withNetworkFaults(NetworkFaults faults) {
    return new LocalStackSettings(
        dir,
        nodes,
        kafkaPort,
        kafkaControllerPort,
        kafkaHeap,
        cassandraPort,
        cassandraStoragePort,
        cassandraHeap,
        startTimeout,
        topics,
        keyspace,
        replication,
        secure,
        Optional.of(faults));
  }

  /** The JVM options that place {@code server} (e.g. {@code kafka-1}) where faults can cut it. */
  List<String> networkFaultOptions(String server) {
    return networkFaults.map(f -> List.of(f.jvmOption(server))).orElse(List.of());
  }

  LocalStackSettings withDir(Path newDir) {
    return copy(
        newDir.toAbsolutePath(),
        kafkaPort,
        kafkaControllerPort,
        cassandraPort,
        cassandraStoragePort,
        secure);
  }

  /** This stack with the components that the {@code with…} methods change replaced. */
  private LocalStackSettings copy(
      Path newDir,
      int newKafkaPort,
      int newKafkaControllerPort,
      int newCassandraPort,
      int newCassandraStoragePort,
      boolean newSecure) {
    return new LocalStackSettings(
        newDir,
        nodes,
        newKafkaPort,
        newKafkaControllerPort,
        kafkaHeap,
        newCassandraPort,
        newCassandraStoragePort,
        cassandraHeap,
        startTimeout,
        topics,
        keyspace,
        replication,
        newSecure,
        networkFaults);
  }
}
