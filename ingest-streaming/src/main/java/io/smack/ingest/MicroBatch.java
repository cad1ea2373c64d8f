package io.smack.ingest;

import java.time.Duration;
import java.time.Instant;
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
 * harmless: {@code quotes_by_day} first, then the touched bars computed again from the stored
 * quotes, then {@code latest_quote}, then the rejects to the dead-letter topic. Every Cassandra
 * write is an upsert keyed on event time, so a batch written twice leaves the same rows; a dead
 * letter may be sent twice (the topic is at least once).
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
        Dataset<Row> stored =
            QuoteWrites.storedQuotes(
                spark,
                keyspace,
                summary.barSymbols(),
                summary.barDays(),
                summary.barsFrom().orElseThrow(),
                summary.barsUntil().orElseThrow());
        QuoteWrites.bars(Bars.recompute(stored, Bars.touched(quotes, watermark)), keyspace);
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

  /** What batch {@code batchId} held, once: the progress listener takes it. */
  Optional<BatchSummary> takeSummary(long batchId) {
    return Optional.ofNullable(summaries.remove(batchId));
  }
}
