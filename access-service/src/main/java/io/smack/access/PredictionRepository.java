package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.access.Views.PredictionView;
import io.smack.common.Tables;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;

/**
 * The {@code predictions} table: each prediction served, keyed on the time of its newest input
 * (asOf), so that serving the same prediction again rewrites the same row.
 */
final class PredictionRepository {

  /**
   * A stored prediction; {@code naive} is set on the streaming job's (it scores every finished
   * bar), {@code actual} and the errors once the next bar has closed.
   */
  record Recorded(
      Instant asOf,
      Instant targetTs,
      double predicted,
      int modelVersion,
      Double naive,
      Instant actualTs,
      Double actual,
      Double error,
      Double naiveError) {

    boolean streamed() {
      return naive != null;
    }
  }

  private final CqlSession session;
  private final ObjectMapper json;
  private final PreparedStatement insert;
  private final DaySeries<Recorded> recorded;
  private final PreparedStatement selectInputs;

  PredictionRepository(
      CqlSession session, String keyspace, DayIndex days, ObjectMapper json, IntConsumer rowsRead) {
    this.session = session;
    this.json = json;
    String table = keyspace + "." + Tables.PREDICTIONS;
    this.insert =
        session.prepare(
            "INSERT INTO "
                + table
                + " (symbol, day, ts, target_ts, predicted, model_version, inputs)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)");
    this.selectInputs =
        session.prepare("SELECT inputs FROM " + table + " WHERE symbol = ? AND day = ? AND ts = ?");
    // Predictions are made as of a quote's time, so the days of quotes index them too.
    String columns =
        "SELECT ts, target_ts, predicted, model_version, naive, actual_ts, actual, error,"
            + " naive_error FROM "
            + table;
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
                null),
            PredictionRepository::recorded,
            Recorded::asOf,
            rowsRead);
  }

  CompletionStage<Void> record(PredictionView prediction) {
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("features", prediction.inputs());
    inputs.put("prices", prediction.prices());
    inputs.put("from", prediction.pricesFrom().toString());
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

  /**
   * The inputs and the time of computing of a stored prediction: its {@code inputs} column.
   *
   * @param from the time of the oldest input price; null in a row written before it was kept
   */
  record Inputs(Map<String, Double> features, List<Double> prices, Instant from, Instant at) {}

  /** The stored inputs of the prediction as of {@code asOf}; empty when there is none. */
  CompletionStage<Optional<Inputs>> inputs(String symbol, Instant asOf) {
    return session
        .executeAsync(selectInputs.bind(symbol, DaySeries.day(asOf), asOf).setIdempotent(true))
        .thenApply(page -> Optional.ofNullable(page.one()).map(row -> inputs(row.getString(0))));
  }

  private Inputs inputs(String text) {
    try {
      com.fasterxml.jackson.databind.JsonNode node = json.readTree(text == null ? "{}" : text);
      Map<String, Double> features = new LinkedHashMap<>();
      node.path("features")
          .fields()
          .forEachRemaining(f -> features.put(f.getKey(), f.getValue().asDouble()));
      List<Double> prices = new java.util.ArrayList<>();
      node.path("prices").forEach(p -> prices.add(p.asDouble()));
      Instant from = node.hasNonNull("from") ? Instant.parse(node.get("from").asText()) : null;
      Instant at = node.hasNonNull("at") ? Instant.parse(node.get("at").asText()) : null;
      return new Inputs(features, prices, from, at);
    } catch (com.fasterxml.jackson.core.JsonProcessingException
        | java.time.format.DateTimeParseException e) {
      return new Inputs(Map.of(), List.of(), null, null);
    }
  }

  private static Recorded recorded(Row row) {
    return new Recorded(
        row.getInstant(0),
        row.getInstant(1),
        row.getDouble(2),
        row.getInt(3),
        nullable(row, 4),
        row.getInstant(5),
        nullable(row, 6),
        nullable(row, 7),
        nullable(row, 8));
  }

  private static Double nullable(Row row, int i) {
    return row.isNull(i) ? null : row.getDouble(i);
  }
}
