package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.common.Tables;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The streaming job's {@code ingest_batches} rows: one per micro-batch of each of its queries,
 * partitioned by (query, UTC day), newest first. A reader takes today's partition and, when it
 * holds fewer rows than asked for, yesterday's: at most two bounded reads however long the job has
 * run.
 */
final class ProgressRepository {

  /** One batch's row. */
  record Batch(
      long batchId,
      Instant at,
      long inputRows,
      long quotes,
      long rejected,
      long late,
      long bars,
      long backfilled,
      Long offsetsBehind,
      Double inputRate,
      Double processedRate,
      Instant watermark) {}

  private final CqlSession session;
  private final PreparedStatement recent;

  ProgressRepository(CqlSession session, String keyspace) {
    this.session = session;
    this.recent =
        session.prepare(
            "SELECT batch_id, at, input_rows, quotes, rejected, late, bars, backfilled,"
                + " offsets_behind, input_rate, processed_rate, watermark FROM "
                + keyspace
                + "."
                + Tables.INGEST_BATCHES
                + " WHERE query = ? AND day = ? LIMIT ?");
  }

  /** The newest {@code n} batches of the query, newest first, from today and yesterday (UTC). */
  CompletionStage<List<Batch>> newest(String query, int n, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    return day(query, today, n)
        .thenCompose(
            recentRows ->
                recentRows.size() >= n
                    ? CompletableFuture.completedFuture(recentRows)
                    : day(query, today.minusDays(1), n - recentRows.size())
                        .thenApply(
                            earlier -> {
                              List<Batch> both = new ArrayList<>(recentRows);
                              both.addAll(earlier);
                              return both;
                            }));
  }

  private CompletionStage<List<Batch>> day(String query, LocalDate day, int n) {
    return DaySeries.all(
        session.executeAsync(recent.bind(query, day, n)), ProgressRepository::batch);
  }

  private static Batch batch(Row row) {
    return new Batch(
        row.getLong(0),
        row.getInstant(1),
        row.getLong(2),
        row.getLong(3),
        row.getLong(4),
        row.getLong(5),
        row.getLong(6),
        row.getLong(7),
        row.isNull(8) ? null : row.getLong(8),
        row.isNull(9) ? null : row.getDouble(9),
        row.isNull(10) ? null : row.getDouble(10),
        row.getInstant(11));
  }
}
