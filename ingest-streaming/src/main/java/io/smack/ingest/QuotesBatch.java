package io.smack.ingest;

import com.datastax.spark.connector.cql.CassandraConnector;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One micro-batch of the quotes query: the Kafka records decoded and the quotes written into {@code
 * quote_days}, {@code quotes_by_day} and {@code latest_quote} in one Spark job ({@link
 * QuoteWriter}), which brings back the rejects; then, when there are any, those sent to the
 * dead-letter topic in a second job. Every Cassandra write is an upsert keyed on event time, so a
 * batch run again after a crash writes the same rows; a dead letter may be sent twice (the topic is
 * at least once).
 *
 * <p>Why the rejects come back to the driver rather than the batch being kept for a second pass
 * over it: keeping it (Spark's cache) cost more CPU than anything but the JIT compiler (15 % of the
 * job's in {@code bench ingest --profile}), for every batch, and reading it again would count its
 * records twice in Spark's progress. A batch holds at most {@code max-offsets-per-trigger} records,
 * so its rejects are bounded too.
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
    Dataset<Row> decoded = QuoteParsing.decode(kafkaRows);
    QuoteWriter writer =
        new QuoteWriter(
            CassandraConnector.apply(kafkaRows.sparkSession().sparkContext().getConf()),
            keyspace,
            consistency,
            writesInFlight);
    List<QuoteWriter.Summary> partitions =
        steps.run(
            "write",
            () -> decoded.select(QuoteWriter.columns()).javaRDD().mapPartitions(writer).collect());
    long quotes = partitions.stream().mapToLong(QuoteWriter.Summary::quotes).sum();
    List<Row> rejects =
        partitions.stream()
            .flatMap(p -> p.rejects().stream())
            .map(QuoteWriter.Reject::row)
            .toList();
    long rejected = rejects.size();
    Optional<Instant> newest =
        partitions.stream()
            .map(QuoteWriter.Summary::newest)
            .filter(n -> n != null)
            .max(Instant::compareTo);
    if (rejected > 0) {
      steps.run(
          "dead-letters",
          () ->
              QuoteWrites.deadLetters(
                  QuoteParsing.deadLetters(
                      kafkaRows.sparkSession().createDataFrame(rejects, QuoteWriter.Reject.SCHEMA)),
                  kafka,
                  deadLetterTopic));
    }
    reports.put(batchId, new Report(quotes, rejected, newest, steps.steps()));
    // Without a listener taking them, keep only the recent ones.
    reports.keySet().removeIf(id -> id < batchId - KEPT_REPORTS);
  }

  /** What batch {@code batchId} held and where its time went, once: the listener takes it. */
  Optional<Report> takeReport(long batchId) {
    return Optional.ofNullable(reports.remove(batchId));
  }
}
