package io.smack.ingest;

import com.datastax.oss.driver.api.core.cql.Row;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smack.common.Tables;
import io.smack.localstack.Await;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * The job's two queries run in the test's JVM on Spark local, as {@link IngestMain} wires them,
 * with available-now: each run reads what the topic holds and ends.
 */
final class InProcessJob {

  private InProcessJob() {}

  /** What one run did: its listener and the batch ids of each query. */
  record Run(
      IngestProgress listener,
      String quotesQuery,
      long quotesFirst,
      long quotesLast,
      String barsQuery,
      long barsFirst,
      long barsLast) {

    /** The run's rows of {@code ingest_batches} of one query, once the listener has seen all. */
    List<Row> rows(IngestWorld world, String query) throws InterruptedException {
      Await.until(
          () ->
              listener.state().lastBatch().orElse(-1L) >= quotesLast
                  && listener.state().barsLastBatch().orElse(-1L) >= barsLast,
          Duration.ofSeconds(60));
      long first = query.equals(quotesQuery) ? quotesFirst : barsFirst;
      long last = query.equals(quotesQuery) ? quotesLast : barsLast;
      return world.rows(Tables.INGEST_BATCHES, "*").stream()
          .filter(r -> r.getString("query").equals(query))
          .filter(r -> r.getLong("batch_id") >= first && r.getLong("batch_id") <= last)
          .toList();
    }

    List<Row> quotesRows(IngestWorld world) throws InterruptedException {
      return rows(world, quotesQuery);
    }

    List<Row> barsRows(IngestWorld world) throws InterruptedException {
      return rows(world, barsQuery);
    }
  }

  /** Runs both queries until they have read the whole topic. */
  static Run run(SparkSession spark, IngestSettings settings) throws Exception {
    IngestJob.Parts parts =
        IngestJob.parts(spark, settings, new TopicEnds(settings.kafka()), new PrometheusRegistry());
    IngestJob.Queries queries = parts.start(spark, settings);
    for (StreamingQuery query : queries.both()) {
      query.awaitTermination();
    }
    return new Run(
        parts.progress(),
        settings.queryName(),
        firstBatch(queries.quotes()),
        queries.quotes().lastProgress().batchId(),
        settings.barsQueryName(),
        firstBatch(queries.bars()),
        queries.bars().lastProgress().batchId());
  }

  private static long firstBatch(StreamingQuery query) {
    return query.recentProgress()[0].batchId();
  }
}
