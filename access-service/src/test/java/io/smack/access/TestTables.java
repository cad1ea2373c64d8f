package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.common.CqlSchema;
import io.smack.common.model.PortableModel;
import io.smack.localstack.StackAddresses;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Writes what the streaming and training jobs would, straight into a keyspace of the test's own:
 * quotes with their symbol, day index and latest quote, bars, and models with the served pointer.
 */
final class TestTables implements AutoCloseable {

  /** A quote as the test wrote it. */
  record Written(String symbol, Instant ts, double price, long volume) {}

  private final CqlSession session;
  private final String keyspace;
  private final PreparedStatement quote;
  private final PreparedStatement symbol;
  private final PreparedStatement day;
  private final PreparedStatement served;
  private final PreparedStatement latest;
  private final PreparedStatement bar;
  private final PreparedStatement model;
  private final PreparedStatement prediction;

  TestTables(StackAddresses stack, String keyspace) {
    this.keyspace = keyspace;
    this.session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(stack.cassandraHost(), stack.cassandraPort()))
            .withLocalDatacenter(stack.cassandraDatacenter())
            .build();
    CqlSchema.apply(session, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    String ks = keyspace + ".";
    quote =
        session.prepare(
            "INSERT INTO "
                + ks
                + "quotes_by_day (symbol, day, ts, price, volume, source) VALUES (?, ?, ?, ?, ?, 'it')");
    symbol = session.prepare("INSERT INTO " + ks + "symbols (bucket, symbol) VALUES (0, ?)");
    day = session.prepare("INSERT INTO " + ks + "quote_days (symbol, day) VALUES (?, ?)");
    served =
        session.prepare(
            "INSERT INTO " + ks + "served_models (symbol, version, promoted_at) VALUES (?, ?, ?)");
    latest =
        session.prepare(
            "INSERT INTO "
                + ks
                + "latest_quote (symbol, ts, price, volume, source) VALUES (?, ?, ?, ?, 'it')"
                + " USING TIMESTAMP ?");
    bar =
        session.prepare(
            "INSERT INTO "
                + ks
                + "bars_1m (symbol, day, minute, open, high, low, close, volume, quotes, close_ts)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    model =
        session.prepare(
            "INSERT INTO "
                + ks
                + "models (symbol, version, kind, model, features, metrics, trained_at, train_from,"
                + " train_to, rows, promoted, reason, evaluation)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    prediction =
        session.prepare(
            "INSERT INTO "
                + ks
                + "predictions (symbol, day, ts, target_ts, predicted, model_version, inputs)"
                + " VALUES (?, ?, ?, ?, ?, ?, '{}')");
  }

  /**
   * A prediction as the streaming job writes it for a finished bar: the naive forecast beside it,
   * and, when {@code actual} is not null, its outcome.
   */
  void streamedPrediction(
      String symbol, Instant asOf, double predicted, double naive, Double actual, int version) {
    session.execute(
        "INSERT INTO "
            + keyspace
            + ".predictions (symbol, day, ts, target_ts, predicted, model_version, inputs, naive,"
            + " actual, actual_ts, error, naive_error) VALUES (?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?)",
        symbol,
        LocalDate.ofInstant(asOf, ZoneOffset.UTC),
        asOf,
        asOf.plusSeconds(60),
        predicted,
        version,
        naive,
        actual,
        actual == null ? null : asOf.plusSeconds(60),
        actual == null ? null : actual - predicted,
        actual == null ? null : actual - naive);
  }

  void prediction(String symbol, Instant asOf, Instant target, double predicted, int version) {
    session.execute(
        prediction.bind(
            symbol, LocalDate.ofInstant(asOf, ZoneOffset.UTC), asOf, target, predicted, version));
  }

  void quote(Written q) {
    LocalDate utcDay = LocalDate.ofInstant(q.ts(), ZoneOffset.UTC);
    session.execute(symbol.bind(q.symbol()));
    session.execute(day.bind(q.symbol(), utcDay));
    session.execute(quote.bind(q.symbol(), utcDay, q.ts(), q.price(), q.volume()));
    session.execute(
        latest.bind(q.symbol(), q.ts(), q.price(), q.volume(), q.ts().toEpochMilli() * 1000));
  }

  /** Many quotes, each written as {@link #quote} writes one, 256 statements in flight. */
  void quotes(List<Written> quotes) {
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (Written q : quotes) {
      LocalDate utcDay = LocalDate.ofInstant(q.ts(), ZoneOffset.UTC);
      inFlight.add(session.executeAsync(symbol.bind(q.symbol())).toCompletableFuture());
      inFlight.add(session.executeAsync(day.bind(q.symbol(), utcDay)).toCompletableFuture());
      inFlight.add(
          session
              .executeAsync(quote.bind(q.symbol(), utcDay, q.ts(), q.price(), q.volume()))
              .toCompletableFuture());
      inFlight.add(
          session
              .executeAsync(
                  latest.bind(
                      q.symbol(), q.ts(), q.price(), q.volume(), q.ts().toEpochMilli() * 1000))
              .toCompletableFuture());
      if (inFlight.size() >= 256) {
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        inFlight.clear();
      }
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
  }

  void bar(String symbol, Instant minute, double close, long volume, int quotes) {
    session.execute(
        bar.bind(
            symbol,
            LocalDate.ofInstant(minute, ZoneOffset.UTC),
            minute,
            close - 1,
            close + 2,
            close - 2,
            close,
            volume,
            quotes,
            minute.plusSeconds(59)));
  }

  void model(String symbol, int version, PortableModel portable, boolean promoted) {
    model(symbol, version, portable, promoted, null, null);
  }

  /** A version with the training job's reason and walk-forward table (JSON). */
  void model(
      String symbol,
      int version,
      PortableModel portable,
      boolean promoted,
      String reason,
      String evaluation) {
    session.execute(
        model.bind(
            symbol,
            version,
            portable.kind(),
            portable.toJson(),
            portable.features(),
            Map.of("rmse", 1.5, "baseline_rmse", 1.6),
            Instant.parse("2026-11-24T03:00:00Z"),
            Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-11-23T00:00:00Z"),
            1000L + version,
            promoted,
            reason,
            evaluation));
    if (promoted) {
      // as the training job promotes: the pointer names the version
      session.execute(served.bind(symbol, version, Instant.now()));
    }
  }

  List<Row> rows(String cql, Object... values) {
    return session.execute(session.prepare(cql).bind(values)).all();
  }

  String keyspace() {
    return keyspace;
  }

  @Override
  public void close() {
    session.close();
  }
}
