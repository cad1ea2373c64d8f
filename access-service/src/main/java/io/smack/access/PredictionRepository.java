package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.access.Views.PredictionView;
import io.smack.common.Tables;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The {@code predictions} table: each prediction served, keyed on the time of its newest input
 * (asOf), so that serving the same prediction again rewrites the same row.
 */
final class PredictionRepository {

  /** A stored prediction. */
  record Recorded(Instant asOf, Instant targetTs, double predicted, int modelVersion) {}

  private final CqlSession session;
  private final ObjectMapper json;
  private final PreparedStatement insert;
  private final DaySeries<Recorded> recorded;

  PredictionRepository(CqlSession session, String keyspace, DayIndex days, ObjectMapper json) {
    this.session = session;
    this.json = json;
    String table = keyspace + "." + Tables.PREDICTIONS;
    this.insert =
        session.prepare(
            "INSERT INTO "
                + table
                + " (symbol, day, ts, target_ts, predicted, model_version, inputs)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)");
    // Predictions are made as of a quote's time, so the days of quotes index them too.
    String columns = "SELECT ts, target_ts, predicted, model_version FROM " + table;
    this.recorded =
        new DaySeries<>(
            session,
            days,
            new DaySeries.Statements(
                session.prepare(
                    columns + " WHERE symbol = ? AND day = ? AND ts >= ? AND ts < ? LIMIT ?"),
                session.prepare(
                    columns
                        + " WHERE symbol = ? AND day IN ? AND ts >= ? AND ts < ?"
                        + " PER PARTITION LIMIT ?"),
                true,
                null),
            PredictionRepository::recorded,
            Recorded::asOf);
  }

  CompletionStage<Void> record(PredictionView prediction) {
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("features", prediction.inputs());
    inputs.put("prices", prediction.prices());
    inputs.put("at", prediction.at().toString());
    try {
      return session
          .executeAsync(
              insert
                  .bind(
                      prediction.symbol(),
                      DaySeries.day(prediction.asOf()),
                      prediction.asOf(),
                      prediction.targetTs(),
                      prediction.predicted(),
                      prediction.modelVersion(),
                      json.writeValueAsString(inputs))
                  .setIdempotent(true))
          .thenApply(done -> null);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("inputs that cannot be written as JSON: " + inputs, e);
    }
  }

  DaySeries<Recorded> recorded() {
    return recorded;
  }

  private static Recorded recorded(Row row) {
    return new Recorded(row.getInstant(0), row.getInstant(1), row.getDouble(2), row.getInt(3));
  }
}
