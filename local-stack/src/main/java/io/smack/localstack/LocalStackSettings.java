package io.smack.localstack;

import com.typesafe.config.Config;
import io.smack.common.CassandraSettings;
import io.smack.common.KafkaSettings;
import io.smack.common.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to run the local stack ({@code smack.local-stack}) and what to create in it: the topics of
 * {@code smack.kafka} and the keyspace of {@code smack.cassandra}.
 */
record LocalStackSettings(
    Path dir,
    int kafkaPort,
    int kafkaControllerPort,
    String kafkaHeap,
    int cassandraPort,
    int cassandraStoragePort,
    String cassandraHeap,
    Duration startTimeout,
    Map<String, Integer> topics,
    String keyspace,
    String replication) {

  LocalStackSettings {
    topics = Collections.unmodifiableMap(new LinkedHashMap<>(topics));
  }

  static LocalStackSettings from(Config config) {
    Config stack = config.getConfig("smack.local-stack");
    KafkaSettings kafka = KafkaSettings.from(config);
    CassandraSettings cassandra = CassandraSettings.from(config);
    Map<String, Integer> topics = new LinkedHashMap<>();
    topics.put(kafka.quotesTopic(), Topics.QUOTES_PARTITIONS);
    topics.put(kafka.deadLetterTopic(), 1);
    return new LocalStackSettings(
        Path.of(stack.getString("dir")).toAbsolutePath(),
        stack.getInt("kafka.port"),
        stack.getInt("kafka.controller-port"),
        stack.getString("kafka.heap"),
        stack.getInt("cassandra.port"),
        stack.getInt("cassandra.storage-port"),
        stack.getString("cassandra.heap"),
        stack.getDuration("start-timeout"),
        topics,
        cassandra.keyspace(),
        cassandra.replication());
  }

  /** The same stack on ports that the OS picks, so that it runs beside another one. */
  LocalStackSettings withFreePorts() {
    return new LocalStackSettings(
        dir, 0, 0, kafkaHeap, 0, 0, cassandraHeap, startTimeout, topics, keyspace, replication);
  }

  LocalStackSettings withDir(Path newDir) {
    return new LocalStackSettings(
        newDir.toAbsolutePath(),
        kafkaPort,
        kafkaControllerPort,
        kafkaHeap,
        cassandraPort,
        cassandraStoragePort,
        cassandraHeap,
        startTimeout,
        topics,
        keyspace,
        replication);
  }
}
