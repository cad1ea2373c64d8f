package io.smack.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * One micro-batch of Kafka rows into Cassandra, in an order that makes a replay after a crash
 * harmless: {@code quotes_by_day} first, then the touched bars (merged with the stored bars, or
 * computed again from the stored quotes), then {@code latest_quote}, then the rejects to the
 * dead-letter topic. Every Cassandra write is an upsert keyed on event time, so a batch written
 * twice leaves the same rows; a dead letter may be sent twice (the topic is at least once).
 *
 * <p>The bars' watermark follows Spark's: the newest event time seen so far, less {@code
 * smack.ingest.bars.watermark}, as it stood when the batch began. It starts from the newest quote
 * in {@code latest_quote}, so a restarted job goes on where it was.
 */
final class MicroBatch implements VoidFunction2<Dataset<Row>, Long> {

  private static final int KEPT_REPORTS = 100;

  private final String keyspace;
  private final String bootstrapServers;
  private final String deadLetterTopic;
  private final Duration lateness;
  private final Map<Long, BatchReport> reports = new ConcurrentHashMap<>();
  private Instant newestSeen;

  MicroBatch(IngestSettings settings) {
    this.keyspace = settings.cassandra().keyspace();
    this.bootstrapServers = settings.kafka().bootstrapServers();
    this.deadLetterTopic = settings.kafka().deadLetterTopic();
    this.lateness = settings.barsWatermark();
  }

  @Override
  public void call(Dataset<Row> kafkaRows, Long batchId) {
    SparkSession spark = kafkaRows.sparkSession();
    if (newestSeen == null) {
      newestSeen = QuoteWrites.newestStored(spark, keyspace).orElse(Instant.EPOCH);
    }
    Instant watermark = newestSeen.minus(lateness);
    Dataset<Row> decoded = QuoteParsing.decode(kafkaRows).persist(StorageLevel.MEMORY_AND_DISK());
    Phases phases = new Phases();
    try {
      BatchSummary summary = BatchSummary.of(decoded, watermark);
      phases.done("read+parse");
      Dataset<Row> quotes = QuoteParsing.quotes(decoded);
      if (summary.quotes() > 0) {
        // The day index first: a reader may find a day without quotes, never quotes it cannot find.
        QuoteWrites.quoteDays(spark, summary.days(), keyspace);
        QuoteWrites.quotesByDay(quotes, keyspace);
        phases.done("quotes");
      }
      long bars = 0;
      if (summary.barsFrom().isPresent()) {
        bars = writeBars(spark, quotes, summary, watermark);
        phases.done("bars");
      }
      if (summary.quotes() > 0) {
        QuoteWrites.latest(quotes, keyspace);
        phases.done("latest");
      }
      if (summary.rejected() > 0) {
        QuoteWrites.deadLetters(
            QuoteParsing.deadLetters(decoded), bootstrapServers, deadLetterTopic);
        phases.done("dead-letters");
      }
      summary.newest().filter(newest -> newest.isAfter(newestSeen)).ifPresent(n -> newestSeen = n);
      reports.put(batchId, new BatchReport(summary, bars, phases.millis()));
      // Without a listener taking them, keep only the recent ones.
      reports.keySet().removeIf(id -> id < batchId - KEPT_REPORTS);
    } finally {
      decoded.unpersist();
    }
  }

  /**
   * The bars the batch's quotes within the watermark touch: merged with the stored bars where that
   * is exact, computed again from the stored quotes where it is not (see {@link Bars#merge}).
   *
   * @return the number of bars written
   */
  private long writeBars(
      SparkSession spark, Dataset<Row> quotes, BatchSummary summary, Instant watermark) {
    Instant from = summary.barsFrom().orElseThrow();
    Instant until = summary.barsUntil().orElseThrow();
    Dataset<Row> batchBars =
        Bars.oneMinute(quotes.where(col("ts").geq(lit(Timestamp.from(watermark)))));
    Dataset<Row> stored =
        QuoteWrites.storedBars(
            spark, keyspace, summary.barSymbols(), summary.barDays(), from, until);
    Dataset<Row> merged = Bars.merge(batchBars, stored).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      QuoteWrites.bars(merged.where(not(col("needs_stored"))), keyspace);
      Dataset<Row> bars = merged.select("symbol", "day", "minute", "needs_stored");
      List<Row> keys = bars.collectAsList();
      List<Row> recompute = keys.stream().filter(r -> r.getBoolean(3)).toList();
      if (!recompute.isEmpty()) {
        Dataset<Row> touched = spark.createDataFrame(recompute, bars.schema());
        Dataset<Row> storedQuotes =
            QuoteWrites.storedQuotes(
                spark,
                keyspace,
                distinct(recompute, 0),
                distinct(recompute, 1),
                recompute.stream()
                    .map(r -> r.getTimestamp(2).toInstant())
                    .min(Instant::compareTo)
                    .get(),
                recompute.stream()
                    .map(r -> r.getTimestamp(2).toInstant().plus(1, ChronoUnit.MINUTES))
                    .max(Instant::compareTo)
                    .get());
        QuoteWrites.bars(Bars.recompute(storedQuotes, touched), keyspace);
      }
      return keys.size();
    } finally {
      merged.unpersist();
    }
  }

  private static <T> List<T> distinct(List<Row> rows, int field) {
    return rows.stream().map(r -> r.<T>getAs(field)).distinct().toList();
  }

  /** What batch {@code batchId} held and where its time went, once: the listener takes it. */
  Optional<BatchReport> takeReport(long batchId) {
    return Optional.ofNullable(reports.remove(batchId));
  }

  /**
   * A batch's summary, the bars it wrote and the milliseconds of each of its steps, in order.
   *
   * @param phases e.g. read+parse, quotes, bars, latest, dead-letters
   */
  record BatchReport(BatchSummary summary, long bars, Map<String, Long> phases) {}

  /** Times the steps of a batch one after the other. */
  private static final class Phases {
    private final Map<String, Long> millis = new LinkedHashMap<>();
    private long last = System.nanoTime();

    void done(String phase) {
      long now = System.nanoTime();
      millis.put(phase, (now - last) / 1_000_000);
      last = now;
    }

    Map<String, Long> millis() {
      return Collections.unmodifiableMap(millis);
    }
  }
}
