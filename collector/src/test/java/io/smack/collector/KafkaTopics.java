package io.smack.collector;

import io.smack.localstack.NewTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Topics of a test's own, and everything in them read back. */
final class KafkaTopics {

  private final String bootstrapServers;

  KafkaTopics(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  /** Creates a quotes topic and a dead-letter topic with a unique suffix; returns their names. */
  String[] createPair(String prefix) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String quotes = prefix + "-quotes-" + suffix;
    String deadLetters = prefix + "-dlq-" + suffix;
    NewTopics.create(bootstrapServers, Map.of(quotes, 6, deadLetters, 1), Duration.ofSeconds(30));
    return new String[] {quotes, deadLetters};
  }

  /** Waits until the topic holds at least {@code count} records; fails after {@code timeout}. */
  void awaitAtLeast(String topic, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(topic));
      while (seen < count) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              topic + " holds " + seen + " records, not " + count + ", after " + timeout);
        }
        seen += consumer.poll(Duration.ofMillis(100)).count();
      }
    }
  }

  /**
   * Every record of the topic: reads until {@code expected} records came and nothing more for
   * {@code quiet} (so that a surplus, a duplicate, would show), or until nothing came for 30 s.
   */
  List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected, Duration quiet) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(topic));
      long lastRecord = System.nanoTime();
      while (true) {
        int before = records.size();
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        long now = System.nanoTime();
        if (records.size() > before) {
          lastRecord = now;
        }
        long idle = now - lastRecord;
        if (records.size() >= expected && idle > quiet.toNanos()
            || idle > Duration.ofSeconds(30).toNanos()) {
          return records;
        }
      }
    }
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
