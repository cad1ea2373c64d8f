package io.smack.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** Kafka offsets as Spark's Kafka source writes them: {@code {"quotes":{"0":12,"1":7}}}. */
final class KafkaOffsets {

  private static final ObjectMapper JSON = new ObjectMapper();

  private KafkaOffsets() {}

  /** The offsets by "topic/partition". */
  static Map<String, Long> parse(String json) {
    Map<String, Long> offsets = new TreeMap<>();
    try {
      JsonNode topics = JSON.readTree(json);
      for (Iterator<Map.Entry<String, JsonNode>> t = topics.fields(); t.hasNext(); ) {
        Map.Entry<String, JsonNode> topic = t.next();
        for (Iterator<Map.Entry<String, JsonNode>> p = topic.getValue().fields(); p.hasNext(); ) {
          Map.Entry<String, JsonNode> partition = p.next();
          offsets.put(topic.getKey() + "/" + partition.getKey(), partition.getValue().asLong());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Spark's Kafka offsets are not JSON: " + json, e);
    }
    return offsets;
  }

  /**
   * The records between two offset positions (start null: none before), summed over partitions. The
   * bars query reads each batch's records twice (the quote keys and the bars are two branches of
   * one plan), so Spark counts its input twice; the offsets count each record once.
   */
  static long records(String start, String end) {
    if (end == null) {
      return 0;
    }
    Map<String, Long> from = start == null ? Map.of() : parse(start);
    return parse(end).entrySet().stream()
        .mapToLong(e -> e.getValue() - from.getOrDefault(e.getKey(), 0L))
        .sum();
  }
}
