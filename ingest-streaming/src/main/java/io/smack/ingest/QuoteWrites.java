package io.smack.ingest;

import io.smack.common.Tables;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The writes that go through the connectors' own Dataset writers: bars into {@code bars_1m} (the
 * Spark Cassandra Connector, which groups a partition's rows into unlogged batches) and rejects
 * into the dead-letter topic (Spark's Kafka sink). The quotes go through {@link QuoteWriter}.
 */
final class QuoteWrites {

  private static final String CASSANDRA = "org.apache.spark.sql.cassandra";

  private QuoteWrites() {}

  /** Bars, as {@link Bars} makes them, into {@code bars_1m}: upserts keyed on the minute. */
  static void bars(Dataset<Row> bars, String keyspace) {
    bars.selectExpr(Bars.COLUMNS.toArray(String[]::new))
        .write()
        .format(CASSANDRA)
        .options(Map.of("keyspace", keyspace, "table", Tables.BARS_1M))
        .mode("append")
        .save();
  }

  /**
   * The rejects, as {@link QuoteParsing#deadLetters} makes them, into the dead-letter topic.
   *
   * @param kafka the Kafka options, as {@link io.smack.common.KafkaSettings#sparkOptions()}
   */
  static void deadLetters(Dataset<Row> deadLetters, Map<String, String> kafka, String topic) {
    deadLetters
        .write()
        .format("kafka")
        .options(kafka)
        .option("kafka.enable.idempotence", "true")
        .option("kafka.acks", "all")
        .option("topic", topic)
        .save();
  }
}
