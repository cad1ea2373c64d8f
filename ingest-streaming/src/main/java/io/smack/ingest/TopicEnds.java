package io.smack.ingest;

import io.smack.common.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far a query is behind the topic's end now, asked of Kafka when a batch has ended: Spark's own
 * "latest offset" is the end it saw when it planned the batch, so a job falling behind by tens of
 * thousands of records could report 0 there. One consumer without a group, used from the listener's
 * one thread.
 */
final class TopicEnds implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicEnds.class);

  private final KafkaConsumer<byte[], byte[]> consumer;

  TopicEnds(KafkaSettings kafka) {
    Properties properties = kafka.clientConfig();
    properties.put("client.id", "smack-ingest-topic-ends");
    this.consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Records in the topic after {@code reached}, over every partition it names; 0 (and a warning)
   * when Kafka does not answer in 5 s.
   *
   * @param reached offsets by "topic/partition", as {@link KafkaOffsets#parse} gives them
   */
  long behind(Map<String, Long> reached) {
    Set<TopicPartition> partitions =
        reached.keySet().stream()
            .map(
                key -> {
                  int slash = key.lastIndexOf('/');
                  return new TopicPartition(
                      key.substring(0, slash), Integer.parseInt(key.substring(slash + 1)));
                })
            .collect(Collectors.toSet());
    try {
      Map<String, Long> latest = new TreeMap<>();
      consumer
          .endOffsets(partitions, Duration.ofSeconds(5))
          .forEach((p, offset) -> latest.put(p.topic() + "/" + p.partition(), offset));
      return behind(latest, reached);
    } catch (RuntimeException e) {
      LOG.warn("could not read the topic's end offsets: {}", e.toString());
      return 0;
    }
  }

  /** The sum over partitions of the latest offset less the one reached (never below 0). */
  static long behind(Map<String, Long> latest, Map<String, Long> reached) {
    long behind = 0;
    for (Map.Entry<String, Long> partition : latest.entrySet()) {
      behind += Math.max(0, partition.getValue() - reached.getOrDefault(partition.getKey(), 0L));
    }
    return behind;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
