package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.access.Views.ModelVersion;
import io.smack.common.Tables;
import io.smack.common.model.PortableModel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The {@code models} table the training job writes: a symbol's versions, newest first. */
final class ModelRepository {

  /** A version that may be served, with its portable model. */
  record ServedModel(int version, PortableModel model, Instant trainedAt) {}

  private final CqlSession session;
  private final PreparedStatement versions;
  private final PreparedStatement promoted;

  ModelRepository(CqlSession session, String keyspace) {
    this.session = session;
    String table = keyspace + "." + Tables.MODELS;
    this.versions =
        session.prepare(
            "SELECT version, kind, promoted, trained_at, train_from, train_to, rows, features,"
                + " metrics FROM "
                + table
                + " WHERE symbol = ?");
    this.promoted =
        session.prepare(
            "SELECT version, promoted, model, trained_at FROM " + table + " WHERE symbol = ?");
  }

  /** Every version of the symbol, newest first; empty when none was trained. */
  CompletionStage<List<ModelVersion>> versions(String symbol) {
    return DaySeries.all(session.executeAsync(versions.bind(symbol)), ModelRepository::version);
  }

  /** The newest promoted version: the one served. */
  CompletionStage<Optional<ServedModel>> served(String symbol) {
    return DaySeries.all(session.executeAsync(promoted.bind(symbol)), row -> row)
        .thenApply(
            rows ->
                rows.stream()
                    .filter(row -> row.getBoolean(1))
                    .findFirst()
                    .map(
                        row ->
                            new ServedModel(
                                row.getInt(0),
                                PortableModel.fromJson(row.getString(2)),
                                row.getInstant(3))));
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
        row.getMap(8, String.class, Double.class));
  }
}
