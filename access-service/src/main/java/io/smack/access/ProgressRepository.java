package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.smack.common.Tables;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The streaming job's {@code ingest_progress} rows: one per micro-batch, newest first. */
final class ProgressRepository {

  /** One batch's row. */
  record Batch(
      long batchId,
      Instant at,
      long inputRows,
      long quotes,
      long rejected,
      long late,
      Long offsetsBehind,
      Double inputRate,
      Double processedRate) {}

  private final CqlSession session;
  private final PreparedStatement recent;

  ProgressRepository(CqlSession session, String keyspace) {
    this.session = session;
    this.recent =
        session.prepare(
            "SELECT batch_id, at, input_rows, quotes, rejected, late, offsets_behind, input_rate,"
                + " processed_rate FROM "
                + keyspace
                + "."
                + Tables.INGEST_PROGRESS
                + " WHERE query = ? LIMIT ?");
  }

  /** The newest {@code n} batches of the query, newest first. */
  CompletionStage<List<Batch>> newest(String query, int n) {
    return DaySeries.all(
        session.executeAsync(recent.bind(query, n)),
        row ->
            new Batch(
                row.getLong(0),
                row.getInstant(1),
                row.getLong(2),
                row.getLong(3),
                row.getLong(4),
                row.getLong(5),
                row.isNull(6) ? null : row.getLong(6),
                row.isNull(7) ? null : row.getDouble(7),
                row.isNull(8) ? null : row.getDouble(8)));
  }
}
