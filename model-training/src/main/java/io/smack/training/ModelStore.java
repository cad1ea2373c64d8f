package io.smack.training;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.Tables;
import io.smack.common.model.ServedModels;
import io.smack.training.Trainer.Trained;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code models} table and the {@code served_models} pointer: each training stores a new
 * version per symbol, and a promoted version becomes the one the service serves. Versions are
 * numbered 1, 2, … per symbol; a version is taken with a lightweight transaction, so two runs at
 * once never write the same version, unpromoted; a promotion is then {@link ServedModels}'s, the
 * same code the streaming job's demotion runs, whose pointer changes are transactions too.
 * Statements run at the configured consistency ({@code smack.cassandra.consistency}), not the
 * connector's default.
 */
final class ModelStore {

  /** A stored version: its number and whether it may be served. */
  record Version(int version, boolean promoted, Instant trainedAt) {}

  private final CassandraConnector cassandra;
  private final String keyspace;
  private final String table;
  private final String consistency;

  ModelStore(CassandraConnector cassandra, String keyspace, String consistency) {
    this.cassandra = cassandra;
    this.keyspace = keyspace;
    this.table = keyspace + "." + Tables.MODELS;
    this.consistency = consistency;
  }

  /**
   * Stores the trained model as the symbol's next version, with its {@link Lineage} (JSON).
   *
   * @return the version written
   */
  int store(String symbol, Trained trained, String lineage, boolean promoted, Instant trainedAt) {
    int version = take(symbol, trained, lineage, trainedAt);
    if (promoted) {
      promote(symbol, version, trainedAt);
    }
    return version;
  }

  /** Writes the model as the symbol's next free version, not promoted. */
  private int take(String symbol, Trained trained, String lineage, Instant trainedAt) {
    return cassandra.withSessionDo(
        session ->
            new ServedModels(session, keyspace, consistency)
                .take(
                    symbol,
                    version ->
                        SimpleStatement.newInstance(
                            "INSERT INTO "
                                + table
                                + " (symbol, version, kind, model, features, metrics, trained_at,"
                                + " train_from, train_to, rows, promoted, reason, evaluation,"
                                + " lineage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                + " IF NOT EXISTS",
                            symbol,
                            version,
                            trained.model().kind(),
                            trained.model().toJson(),
                            trained.model().features(),
                            trained.metrics(),
                            trainedAt,
                            trained.from(),
                            trained.to(),
                            trained.rows(),
                            false,
                            trained.reason(),
                            trained.evaluationJson(),
                            lineage)));
  }

  /** The symbol's versions, newest first. */
  List<Version> versions(String symbol) {
    return cassandra.withSessionDo(
        session ->
            session
                .execute(
                    SimpleStatement.newInstance(
                            "SELECT version, promoted, trained_at FROM "
                                + table
                                + " WHERE symbol = ?",
                            symbol)
                        .setConsistencyLevel(level()))
                .all()
                .stream()
                .map(ModelStore::version)
                .toList());
  }

  /** The version the symbol serves; empty when none. */
  Optional<Integer> served(String symbol) {
    return cassandra.withSessionDo(
        session -> new ServedModels(session, keyspace, consistency).servedVersion(symbol));
  }

  /**
   * Makes {@code version} the served one: it is promoted and every newer version is not (so that
   * the flags read as the history of what served), and the pointer names it.
   *
   * @throws IllegalArgumentException when the version is not stored
   */
  void promote(String symbol, int version) {
    List<Version> versions = versions(symbol);
    if (versions.stream().noneMatch(v -> v.version() == version)) {
      throw new IllegalArgumentException(
          "no version "
              + version
              + " of "
              + symbol
              + "; stored: "
              + versions.stream().map(Version::version).toList());
    }
    promote(symbol, version, Instant.now());
  }

  private void promote(String symbol, int version, Instant at) {
    cassandra.withSessionDo(
        session -> {
          new ServedModels(session, keyspace, consistency).promote(symbol, version, at);
          return null;
        });
  }

  private DefaultConsistencyLevel level() {
    return DefaultConsistencyLevel.valueOf(consistency);
  }

  private static Version version(Row row) {
    return new Version(row.getInt(0), row.getBoolean(1), row.getInstant(2));
  }
}
