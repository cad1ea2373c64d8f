package io.smack.common.model;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.smack.common.Tables;
import java.time.Instant;
import java.util.Optional;

/**
 * The served pointer ({@code served_models}) and the versions' flags ({@code models}) as the
 * streaming job's scoring reads and changes them: the served model, and its demotion.
 */
public final class ServedModels {

  /** The version a symbol serves, with its portable model. */
  public record Served(int version, PortableModel model, Instant trainedAt) {}

  private final CqlSession session;
  private final String models;
  private final String served;

  public ServedModels(CqlSession session, String keyspace) {
    this.session = session;
    this.models = keyspace + "." + Tables.MODELS;
    this.served = keyspace + "." + Tables.SERVED_MODELS;
  }

  /** The version the symbol serves; empty when none. */
  public Optional<Integer> servedVersion(String symbol) {
    Row row =
        session
            .execute(
                SimpleStatement.newInstance(
                        "SELECT version FROM " + served + " WHERE symbol = ?", symbol)
                    .setIdempotent(true))
            .one();
    return Optional.ofNullable(row).map(r -> r.getInt(0));
  }

  /** The served version with its model: the pointer, then that one version's row. */
  public Optional<Served> served(String symbol) {
    return servedVersion(symbol).flatMap(version -> model(symbol, version));
  }

  private Optional<Served> model(String symbol, int version) {
    Row row =
        session
            .execute(
                SimpleStatement.newInstance(
                        "SELECT model, trained_at FROM "
                            + models
                            + " WHERE symbol = ? AND version = ?",
                        symbol,
                        version)
                    .setIdempotent(true))
            .one();
    return Optional.ofNullable(row)
        .map(r -> new Served(version, PortableModel.fromJson(r.getString(0)), r.getInstant(1)));
  }

  /**
   * Takes {@code version} out of service, if it still serves: its promoted flag off and the pointer
   * on the newest promoted version below it, or no pointer, in one logged batch (as a promotion
   * writes them), so the flags and the pointer never disagree.
   *
   * @return what serves now; empty when nothing does, or when {@code version} no longer served (a
   *     training promoted another meanwhile: that one is left alone and returned as {@code
   *     served(symbol)} would)
   */
  public Demotion demote(String symbol, int version, Instant at) {
    if (servedVersion(symbol).filter(v -> v == version).isEmpty()) {
      return new Demotion(false, served(symbol));
    }
    Optional<Integer> fallback =
        session
            .execute(
                SimpleStatement.newInstance(
                    "SELECT version, promoted FROM " + models + " WHERE symbol = ? AND version < ?",
                    symbol,
                    version))
            .all()
            .stream()
            .filter(row -> row.getBoolean(1))
            .map(row -> row.getInt(0))
            .findFirst();
    BatchStatement batch =
        BatchStatement.newInstance(
            BatchType.LOGGED,
            SimpleStatement.newInstance(
                "UPDATE " + models + " SET promoted = false WHERE symbol = ? AND version = ?",
                symbol,
                version),
            fallback.isPresent()
                ? SimpleStatement.newInstance(
                    "INSERT INTO " + served + " (symbol, version, promoted_at) VALUES (?, ?, ?)",
                    symbol,
                    fallback.get(),
                    at)
                : SimpleStatement.newInstance(
                    "DELETE FROM " + served + " WHERE symbol = ?", symbol));
    session.execute(batch);
    return new Demotion(true, fallback.flatMap(v -> model(symbol, v)));
  }

  /**
   * @param done whether the version was taken out of service
   * @param now what serves after it
   */
  public record Demotion(boolean done, Optional<Served> now) {}
}
