package io.smack.training;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.Tables;
import io.smack.training.Trainer.Trained;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code models} table: each training stores a new version per symbol; the service serves the
 * newest promoted one. Versions are numbered 1, 2, … per symbol; a version is taken with a
 * lightweight transaction, so two runs at once never write the same version.
 */
final class ModelStore {

  /** A stored version: its number and whether it may be served. */
  record Version(int version, boolean promoted, Instant trainedAt) {}

  private final CassandraConnector cassandra;
  private final String table;

  ModelStore(CassandraConnector cassandra, String keyspace) {
    this.cassandra = cassandra;
    this.table = keyspace + "." + Tables.MODELS;
  }

  /**
   * Stores the trained model as the symbol's next version.
   *
   * @return the version written
   */
  int store(String symbol, Trained trained, boolean promoted, Instant trainedAt) {
    return cassandra.withSessionDo(
        session -> {
          int version = newest(session, symbol).map(v -> v.version() + 1).orElse(1);
          while (!session
              .execute(
                  SimpleStatement.newInstance(
                      "INSERT INTO "
                          + table
                          + " (symbol, version, kind, model, features, metrics, trained_at,"
                          + " train_from, train_to, rows, promoted)"
                          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS",
                      symbol,
                      version,
                      trained.model().kind(),
                      trained.model().toJson(),
                      trained.model().features(),
                      trained.metrics(),
                      trainedAt,
                      trained.from(),
                      trained.to(),
                      trained.trainRows(),
                      promoted))
              .wasApplied()) {
            version++; // another run took it
          }
          return version;
        });
  }

  /** The symbol's versions, newest first. */
  List<Version> versions(String symbol) {
    return cassandra.withSessionDo(
        session ->
            session
                .execute(
                    SimpleStatement.newInstance(
                        "SELECT version, promoted, trained_at FROM " + table + " WHERE symbol = ?",
                        symbol))
                .all()
                .stream()
                .map(ModelStore::version)
                .toList());
  }

  /**
   * Makes {@code version} the served one: it is promoted and every newer version is not, so the
   * newest promoted version — what the access service serves — is this one.
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
    cassandra.withSessionDo(
        session -> {
          for (Version stored : versions) {
            if (stored.version() >= version) {
              session.execute(
                  SimpleStatement.newInstance(
                      "UPDATE " + table + " SET promoted = ? WHERE symbol = ? AND version = ?",
                      stored.version() == version,
                      symbol,
                      stored.version()));
            }
          }
          return null;
        });
  }

  private Optional<Version> newest(CqlSession session, String symbol) {
    Row row =
        session
            .execute(
                SimpleStatement.newInstance(
                    "SELECT version, promoted, trained_at FROM "
                        + table
                        + " WHERE symbol = ? LIMIT 1",
                    symbol))
            .one();
    return Optional.ofNullable(row).map(ModelStore::version);
  }

  private static Version version(Row row) {
    return new Version(row.getInt(0), row.getBoolean(1), row.getInstant(2));
  }
}
