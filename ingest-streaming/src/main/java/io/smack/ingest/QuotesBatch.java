package io.smack.ingest;

import static org.apache.spark.sql.functions.col;

import com.datastax.spark.connector.cql.CassandraConnector;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * One micro-batch of the quotes query: the Kafka records decoded once and kept, then the quotes
 * into {@code quote_days}, {@code quotes_by_day} and {@code latest_quote} in one Spark job ({@link
 * QuoteWriter}), then the rejects to the dead-letter topic in a second job when there are any.
 * Every Cassandra write is an upsert keyed on event time, so a batch run again after a crash writes
 * the same rows; a dead letter may be sent twice (the topic is at least once).
 */
final class QuotesBatch implements VoidFunction2<Dataset<Row>, Long> {

  private static final int KEPT_REPORTS = 100;

  /** What a batch held and the steps it ran. */
  record Report(
      long quotes, long rejected, Optional<Instant> newest, Map<String, SparkSteps.Step> steps) {}

  private final String keyspace;
  private final String consistency;
  private final int writesInFlight;
  private final Map<String, String> kafka;
  private final String deadLetterTopic;
  private final Map<Long, Report> reports = new ConcurrentHashMap<>();

  QuotesBatch(IngestSettings settings) {
    this.keyspace = settings.cassandra().keyspace();
    this.consistency = settings.cassandra().consistency();
    this.writesInFlight = settings.writesInFlight();
    this.kafka = settings.kafka().sparkOptions();
    this.deadLetterTopic = settings.kafka().deadLetterTopic();
  }

  @Override
  public void call(Dataset<Row> kafkaRows, Long batchId) {
    SparkSteps steps = new SparkSteps(kafkaRows.sparkSession().sparkContext());
    Dataset<Row> decoded = QuoteParsing.decode(kafkaRows).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      QuoteWriter writer =
          new QuoteWriter(
              CassandraConnector.apply(kafkaRows.sparkSession().sparkContext().getConf()),
              keyspace,
              consistency,
              writesInFlight);
      List<QuoteWriter.Summary> partitions =
          steps.run(
              "write",
              () -> decoded.select(col("decoded.*")).javaRDD().mapPartitions(writer).collect());
      long quotes = partitions.stream().mapToLong(QuoteWriter.Summary::quotes).sum();
      long rejected = partitions.stream().mapToLong(QuoteWriter.Summary::rejected).sum();
      Optional<Instant> newest =
          partitions.stream()
              .map(QuoteWriter.Summary::newest)
              .filter(n -> n != null)
              .max(Instant::compareTo);
      if (rejected > 0) {
        steps.run(
            "dead-letters",
            () ->
                QuoteWrites.deadLetters(QuoteParsing.deadLetters(decoded), kafka, deadLetterTopic));
      }
      reports.put(batchId, new Report(quotes, rejected, newest, steps.steps()));
      // Without a listener taking them, keep only the recent ones.
      reports.keySet().removeIf(id -> id < batchId - KEPT_REPORTS);
    } finally {
      decoded.unpersist();
    }
  }

  /** What batch {@code batchId} held and where its time went, once: the listener takes it. */
  Optional<Report> takeReport(long batchId) {
    return Optional.ofNullable(reports.remove(batchId));
  }
}
