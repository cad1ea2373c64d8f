package io.smack.ingest;

import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import com.datastax.spark.connector.cql.CassandraConnector;
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
 * One micro-batch of the bars query ({@link Bars#stream}): the bars Spark's state updated into
 * {@code bars_1m}, then the bars of the batch's quotes that the state left out — behind the
 * watermark — computed again from the stored quotes, once the quotes query has stored them ({@link
 * QuotesGate}). Both are upserts of whole bars keyed on the minute, so a batch run again after a
 * crash writes the same rows.
 */
final class BarsBatch implements VoidFunction2<Dataset<Row>, Long> {

  private static final int KEPT_REPORTS = 100;

  /** The bars a batch gave from stored quotes, what scoring did per symbol, and its steps. */
  record Report(
      long backfilled, List<BarScorer.Result> scoring, Map<String, SparkSteps.Step> steps) {}

  private final IngestSettings settings;
  private final Map<Long, Report> reports = new ConcurrentHashMap<>();
  private QuotesGate gate;

  BarsBatch(IngestSettings settings) {
    this.settings = settings;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    SparkSession spark = batch.sparkSession();
    String keyspace = settings.cassandra().keyspace();
    SparkSteps steps = new SparkSteps(spark.sparkContext());
    batch.persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> unbarred = Bars.unbarred(batch).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      steps.run("bars", () -> QuoteWrites.bars(Bars.updated(batch), keyspace));
      long backfilled = steps.run("unbarred", unbarred::count);
      if (backfilled > 0) {
        steps.run("wait-for-quotes", () -> gate(spark).awaitStored(batchId));
        StoredQuotes stored =
            new StoredQuotes(
                CassandraConnector.apply(spark.sparkContext().getConf()),
                keyspace,
                settings.cassandra().consistency());
        steps.run(
            "backfill",
            () ->
                QuoteWrites.bars(
                    Bars.oneMinute(
                        spark.createDataFrame(
                            unbarred.javaRDD().mapPartitions(stored), StoredQuotes.SCHEMA)),
                    keyspace));
      }
      List<BarScorer.Result> scoring =
          settings.scoring().enabled()
              ? steps.run("score", () -> score(spark, Bars.updated(batch)))
              : List.of();
      reports.put(batchId, new Report(backfilled, scoring, steps.steps()));
      reports.keySet().removeIf(id -> id < batchId - KEPT_REPORTS);
    } finally {
      unbarred.unpersist();
      batch.unpersist();
    }
  }

  /**
   * Scores the finished bars of the symbols whose bars the streaming state updated ({@link
   * BarScorer}): one Spark job, a task per partition of symbols. Bars given from stored quotes are
   * late ones, of minutes scored already.
   */
  private List<BarScorer.Result> score(SparkSession spark, Dataset<Row> updated) {
    return updated
        .groupBy("symbol")
        .agg(max("minute").as("minute"), min("minute").as("earliest"))
        .javaRDD()
        .mapPartitions(
            new BarScorer(
                CassandraConnector.apply(spark.sparkContext().getConf()),
                settings.cassandra().keyspace(),
                settings.cassandra().consistency(),
                settings.scoring()))
        .collect();
  }

  /** What batch {@code batchId} did, once: the listener takes it. */
  Optional<Report> takeReport(long batchId) {
    return Optional.ofNullable(reports.remove(batchId));
  }

  private QuotesGate gate(SparkSession spark) {
    if (gate == null) {
      gate =
          new QuotesGate(
              spark,
              settings.quotesCheckpoint(),
              settings.barsCheckpoint(),
              settings.backfillWait());
    }
    return gate;
  }
}
