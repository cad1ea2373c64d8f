package io.smack.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.CommitLog;
import org.apache.spark.sql.execution.streaming.OffsetSeq;
import org.apache.spark.sql.execution.streaming.OffsetSeqLog;
import scala.Option;

/**
 * Makes a bars batch that gives bars from stored quotes wait until the quotes query has stored
 * every record the bars batch read: the two queries read the topic each at its own pace, and a bar
 * computed from {@code quotes_by_day} while a quote of its minute is still on its way there would
 * be short of it.
 *
 * <p>Both positions come from the queries' own checkpoints, read with Structured Streaming's own
 * log classes: the bars batch's end offsets from its offset log (written before the batch runs),
 * the quotes query's from the offset log entry of its newest committed batch. So the check holds
 * across restarts, whichever query was ahead. These classes are Spark's internals, not its public
 * API: an upgrade of Spark must run {@code IngestBackfillIT}.
 */
final class QuotesGate {

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final SparkSession spark;
  private final String quotesCheckpoint;
  private final String barsCheckpoint;
  private final Duration wait;

  QuotesGate(SparkSession spark, String quotesCheckpoint, String barsCheckpoint, Duration wait) {
    this.spark = spark;
    this.quotesCheckpoint = quotesCheckpoint;
    this.barsCheckpoint = barsCheckpoint;
    this.wait = wait;
  }

  /**
   * Returns once the quotes query has committed, in every partition, at least the offsets bars
   * batch {@code barsBatchId} read up to.
   *
   * @throws IllegalStateException when that takes longer than {@code
   *     smack.ingest.bars.backfill-wait}
   */
  void awaitStored(long barsBatchId) {
    Map<String, Long> needed =
        offsets(new OffsetSeqLog(spark, barsCheckpoint + "/offsets").get(barsBatchId));
    OffsetSeqLog quotesOffsets = new OffsetSeqLog(spark, quotesCheckpoint + "/offsets");
    CommitLog quotesCommits = new CommitLog(spark, quotesCheckpoint + "/commits");
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Option<Object> committed = quotesCommits.getLatestBatchId();
      Map<String, Long> stored =
          committed.isEmpty() ? Map.of() : offsets(quotesOffsets.get((Long) committed.get()));
      if (covers(stored, needed)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the quotes query has stored up to "
                + stored
                + " after "
                + wait
                + ", short of "
                + needed
                + ", which bars batch "
                + barsBatchId
                + " must give bars from (smack.ingest.bars.backfill-wait)");
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** Whether {@code stored} reaches {@code needed} in each of its partitions. */
  static boolean covers(Map<String, Long> stored, Map<String, Long> needed) {
    return needed.entrySet().stream()
        .allMatch(e -> stored.getOrDefault(e.getKey(), -1L) >= e.getValue());
  }

  /** The Kafka source's offsets of a log entry, by "topic/partition". */
  private static Map<String, Long> offsets(Option<OffsetSeq> entry) {
    if (entry.isEmpty()
        || entry.get().offsets().isEmpty()
        || entry.get().offsets().apply(0).isEmpty()) {
      return Map.of();
    }
    return KafkaOffsets.parse(entry.get().offsets().apply(0).get().json());
  }
}
