package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.access.Views.ModelVersion;
import io.smack.common.Tables;
import io.smack.common.model.ServedModels.Served;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the training job writes: a symbol's versions ({@code models}, newest first) and the version
 * it serves ({@code served_models}, written with the promotion).
 */
final class ModelRepository {

  /** The versions {@code /models/{symbol}} lists at most, newest first. */
  static final int MAX_VERSIONS = 100;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CqlSession session;
  private final PreparedStatement versions;
  private final PreparedStatement pointer;
  private final PreparedStatement model;

  ModelRepository(CqlSession session, String keyspace) {
    this.session = session;
    String table = keyspace + "." + Tables.MODELS;
    this.versions =
        session.prepare(
            "SELECT version, kind, promoted, trained_at, train_from, train_to, rows, features,"
                + " metrics, reason, evaluation, lineage FROM "
                + table
                + " WHERE symbol = ? LIMIT "
                + MAX_VERSIONS);
    this.pointer =
        session.prepare(
            "SELECT version FROM " + keyspace + "." + Tables.SERVED_MODELS + " WHERE symbol = ?");
    this.model =
        session.prepare(
            "SELECT model, trained_at, reason FROM " + table + " WHERE symbol = ? AND version = ?");
  }

  /** The newest {@link #MAX_VERSIONS} versions of the symbol; empty when none was trained. */
  CompletionStage<List<ModelVersion>> versions(String symbol) {
    return DaySeries.all(session.executeAsync(versions.bind(symbol)), ModelRepository::version);
  }

  /** The version the symbol serves; empty when none. */
  CompletionStage<Optional<Integer>> servedVersion(String symbol) {
    return session
        .executeAsync(pointer.bind(symbol))
        .thenApply(page -> Optional.ofNullable(page.one()).map(row -> row.getInt(0)));
  }

  /**
   * The served version with its model: the pointer, then that one version's row. A model this
   * service cannot read comes back as an unusable {@link Served} that says why, never a failure.
   */
  CompletionStage<Optional<Served>> served(String symbol) {
    return servedVersion(symbol)
        .thenCompose(
            version ->
                version.isEmpty()
                    ? CompletableFuture.completedFuture(Optional.<Served>empty())
                    : session
                        .executeAsync(model.bind(symbol, version.get()))
                        .thenApply(
                            page ->
                                Optional.ofNullable(page.one())
                                    .map(
                                        row ->
                                            Served.read(
                                                version.get(),
                                                row.getString(0),
                                                row.getInstant(1),
                                                row.getString(2)))));
  }

  private static ModelVersion version(Row row) {
    return new ModelVersion(
        row.getInt(0),
        row.getString(1),
        row.getBoolean(2),
        row.getInstant(3),
        row.getInstant(4),
        row.getInstant(5),
        row.getLong(6),
        row.getList(7, String.class),
        row.getMap(8, String.class, Double.class),
        row.getString(9),
        json(row.getString(10)),
        json(row.getString(11)));
  }

  /**
   * A stored JSON column (the walk-forward table, the lineage), to pass on; null when the version
   * has none (trained before it was stored) or it cannot be read: the rest still shows.
   */
  private static JsonNode json(String text) {
    if (text == null) {
      return null;
    }
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
