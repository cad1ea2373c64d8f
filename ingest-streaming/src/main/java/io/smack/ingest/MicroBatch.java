package io.smack.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

  private static final int KEPT_SUMMARIES = 100;

  private final String keyspace;
  private final String bootstrapServers;
  private final String deadLetterTopic;
  private final Duration lateness;
  private final Map<Long, BatchSummary> summaries = new ConcurrentHashMap<>();
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
    try {
      BatchSummary summary = BatchSummary.of(decoded, watermark);
      Dataset<Row> quotes = QuoteParsing.quotes(decoded);
      if (summary.quotes() > 0) {
        QuoteWrites.quotesByDay(quotes, keyspace);
      }
      if (summary.bars() > 0) {
        writeBars(spark, quotes, summary, watermark);
      }
      if (summary.quotes() > 0) {
        QuoteWrites.latest(quotes, keyspace);
      }
      if (summary.rejected() > 0) {
        QuoteWrites.deadLetters(
            QuoteParsing.deadLetters(decoded), bootstrapServers, deadLetterTopic);
      }
      summary.newest().filter(newest -> newest.isAfter(newestSeen)).ifPresent(n -> newestSeen = n);
      summaries.put(batchId, summary);
      // Without a listener taking them, keep only the recent ones.
      summaries.keySet().removeIf(id -> id < batchId - KEPT_SUMMARIES);
    } finally {
      decoded.unpersist();
    }
  }

  /**
   * The bars the batch's quotes within the watermark touch: merged with the stored bars where that
   * is exact, computed again from the stored quotes where it is not (see {@link Bars#merge}).
   */
  private void writeBars(
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
      List<Row> recompute =
          merged.where(col("needs_stored")).select("symbol", "day", "minute").collectAsList();
      if (!recompute.isEmpty()) {
        Dataset<Row> touched =
            spark.createDataFrame(recompute, merged.select("symbol", "day", "minute").schema());
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
    } finally {
      merged.unpersist();
    }
  }

  private static <T> List<T> distinct(List<Row> rows, int field) {
    return rows.stream().map(r -> r.<T>getAs(field)).distinct().toList();
  }

  /** What batch {@code batchId} held, once: the progress listener takes it. */
  Optional<BatchSummary> takeSummary(long batchId) {
    return Optional.ofNullable(summaries.remove(batchId));
  }
}
