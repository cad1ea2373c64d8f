package io.smack.common.model;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.smack.common.Tables;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The served pointer ({@code served_models}) and the versions' promoted flags ({@code models}), as
 * the training job's promotion and the streaming job's demotion change them.
 *
 * <p>Both read the pointer and then change it, and they run at once in different jobs: a demotion
 * that overwrote the pointer after a promotion had moved it would leave the new version promoted
 * but never served. So every change of the pointer is Cassandra's lightweight transaction on what
 * was read ({@code IF version = ?}), read and written at the serial consistency that goes with the
 * configured one; a change that lost the race is told, not applied. The flags live in the symbol's
 * one partition of {@code models} and change in a logged batch, before the pointer: a crash in
 * between leaves the pointer on a version whose flag already says what it is about to be, and the
 * step run again finishes it.
 */
public final class ServedModels {

  /** Attempts of a promotion whose pointer change keeps losing to other changes. */
  private static final int PROMOTION_ATTEMPTS = 10;

  /**
   * The version a symbol serves, with its portable model, or why this reader cannot use it (a model
   * a newer training job wrote, of a kind this version does not evaluate): such a version costs its
   * symbol the scoring and is named where the symbol is shown, never an exception in a reader.
   *
   * @param model null when unusable
   * @param unusable null when usable
   * @param reason why the training job chose it; null for a version stored before reasons were
   */
  public record Served(
      int version, PortableModel model, Instant trainedAt, String unusable, String reason) {

    public Served(int version, PortableModel model, Instant trainedAt) {
      this(version, model, trainedAt, null, null);
    }

    /** The stored {@code model} text of a version, read. */
    public static Served read(int version, String json, Instant trainedAt) {
      return read(version, json, trainedAt, null);
    }

    /** The stored {@code model} text of a version and its {@code reason}, read. */
    public static Served read(int version, String json, Instant trainedAt, String reason) {
      try {
        return new Served(version, PortableModel.fromJson(json), trainedAt, null, reason);
      } catch (IllegalArgumentException e) {
        return new Served(
            version, null, trainedAt, "version " + version + " is " + e.getMessage(), reason);
      }
    }

    public boolean usable() {
      return model != null;
    }
  }

  /**
   * @param done whether the version was taken out of service
   * @param now what serves after it
   */
  public record Demotion(boolean done, Optional<Served> now) {}

  private final CqlSession session;
  private final String models;
  private final String served;
  private final ConsistencyLevel consistency;
  private final ConsistencyLevel serial;

  /**
   * @param consistency {@code smack.cassandra.consistency}; the pointer's transactions use {@code
   *     LOCAL_SERIAL} with a {@code LOCAL_} level, else {@code SERIAL}
   */
  public ServedModels(CqlSession session, String keyspace, String consistency) {
    this.session = session;
    this.models = keyspace + "." + Tables.MODELS;
    this.served = keyspace + "." + Tables.SERVED_MODELS;
    this.consistency = DefaultConsistencyLevel.valueOf(consistency);
    this.serial = serialFor(consistency);
  }

  /** The serial consistency of a lightweight transaction made at {@code consistency}. */
  public static ConsistencyLevel serialFor(String consistency) {
    return consistency.startsWith("LOCAL_")
        ? DefaultConsistencyLevel.LOCAL_SERIAL
        : DefaultConsistencyLevel.SERIAL;
  }

  /** The version the symbol serves; empty when none. */
  public Optional<Integer> servedVersion(String symbol) {
    return pointer(symbol, consistency);
  }

  /** The served version with its model: the pointer, then that one version's row. */
  public Optional<Served> served(String symbol) {
    return servedVersion(symbol).flatMap(version -> model(symbol, version));
  }

  /**
   * Makes {@code version} the served one: its flag on and every newer version's off (so that the
   * flags read as the history of what served), then the pointer on it, whatever it named.
   *
   * @throws IllegalStateException when the pointer changed under every attempt
   */
  public void promote(String symbol, int version, Instant at) {
    BatchStatementBuilder flags =
        BatchStatement.builder(BatchType.LOGGED)
            .addStatement(flag(symbol, version, true))
            .setConsistencyLevel(consistency);
    for (Row newer :
        read(
            "SELECT version, promoted FROM " + models + " WHERE symbol = ? AND version > ?",
            symbol,
            version)) {
      if (newer.getBoolean(1)) {
        flags.addStatement(flag(symbol, newer.getInt(0), false));
      }
    }
    session.execute(flags.build());
    for (int attempt = 1; attempt <= PROMOTION_ATTEMPTS; attempt++) {
      Optional<Integer> now = pointer(symbol, serial);
      if (now.equals(Optional.of(version)) || point(symbol, now, Optional.of(version), at)) {
        return;
      }
    }
    throw new IllegalStateException(
        "the served version of "
            + symbol
            + " changed under each of "
            + PROMOTION_ATTEMPTS
            + " attempts to promote version "
            + version);
  }

  /**
   * Stores a model as the symbol's next free version and returns its number: the newest version
   * plus one, or the next one up when another writer took it first (each try is a lightweight
   * transaction, so two writers at once never write the same version).
   *
   * @param insert the {@code INSERT ... IF NOT EXISTS} of the model at a version number
   */
  public int take(String symbol, IntFunction<SimpleStatement> insert) {
    Row newest =
        session
            .execute(
                SimpleStatement.newInstance(
                        "SELECT version FROM " + models + " WHERE symbol = ? LIMIT 1", symbol)
                    .setConsistencyLevel(consistency)
                    .setIdempotent(true))
            .one();
    int version = newest == null ? 1 : newest.getInt(0) + 1;
    while (!session
        .execute(
            insert
                .apply(version)
                .setConsistencyLevel(consistency)
                .setSerialConsistencyLevel(serial))
        .wasApplied()) {
      version++;
    }
    return version;
  }

  /**
   * Takes {@code version} out of service, if it still serves, and falls back as training does when
   * no family beats naive: its flag off, a new version of the naive forecast stored with {@code
   * reason}, promoted, and the pointer on it. (An older learned version is no fallback: it was
   * chosen on older rows, and the newest lost to naive on the newest ones.)
   *
   * @param reason why naive serves, as {@code /models} and {@code /status} show it
   * @return what serves now: the naive version; or, when {@code version} no longer served (a
   *     training promoted another meanwhile, before or during this step), what {@code
   *     served(symbol)} returns, that one left alone
   */
  public Demotion demote(String symbol, int version, Instant at, String reason) {
    if (pointer(symbol, serial).filter(v -> v == version).isEmpty()) {
      return new Demotion(false, served(symbol));
    }
    session.execute(flag(symbol, version, false).setConsistencyLevel(consistency));
    PortableModel naive =
        new PortableModel.Naive(PortableModel.NEXT_LOG_RETURN, ForecastFeatures.NAMES);
    int fallback =
        take(
            symbol,
            v ->
                SimpleStatement.newInstance(
                    "INSERT INTO "
                        + models
                        + " (symbol, version, kind, model, features, metrics, trained_at, rows,"
                        + " promoted, reason) VALUES (?, ?, ?, ?, ?, {}, ?, 0, true, ?)"
                        + " IF NOT EXISTS",
                    symbol,
                    v,
                    naive.kind(),
                    naive.toJson(),
                    naive.features(),
                    at,
                    reason));
    if (!point(symbol, Optional.of(version), Optional.of(fallback), at)) {
      // a promotion moved the pointer first: the naive version never served
      session.execute(flag(symbol, fallback, false).setConsistencyLevel(consistency));
      return new Demotion(false, served(symbol));
    }
    return new Demotion(true, model(symbol, fallback));
  }

  /** Moves the pointer from {@code from} to {@code to} (absent: no row) if it still names from. */
  private boolean point(String symbol, Optional<Integer> from, Optional<Integer> to, Instant at) {
    SimpleStatement change;
    if (from.isEmpty()) {
      change =
          SimpleStatement.newInstance(
              "INSERT INTO "
                  + served
                  + " (symbol, version, promoted_at) VALUES (?, ?, ?)"
                  + " IF NOT EXISTS",
              symbol,
              to.orElseThrow(),
              at);
    } else if (to.isEmpty()) {
      change =
          SimpleStatement.newInstance(
              "DELETE FROM " + served + " WHERE symbol = ? IF version = ?", symbol, from.get());
    } else {
      change =
          SimpleStatement.newInstance(
              "UPDATE "
                  + served
                  + " SET version = ?, promoted_at = ? WHERE symbol = ?"
                  + " IF version = ?",
              to.get(),
              at,
              symbol,
              from.get());
    }
    return session
        .execute(change.setConsistencyLevel(consistency).setSerialConsistencyLevel(serial))
        .wasApplied();
  }

  private Optional<Integer> pointer(String symbol, ConsistencyLevel level) {
    Row row =
        session
            .execute(
                SimpleStatement.newInstance(
                        "SELECT version FROM " + served + " WHERE symbol = ?", symbol)
                    .setConsistencyLevel(level)
                    .setIdempotent(true))
            .one();
    return Optional.ofNullable(row).map(r -> r.getInt(0));
  }

  private Optional<Served> model(String symbol, int version) {
    return read(
            "SELECT model, trained_at, reason FROM " + models + " WHERE symbol = ? AND version = ?",
            symbol,
            version)
        .stream()
        .findFirst()
        .map(r -> Served.read(version, r.getString(0), r.getInstant(1), r.getString(2)));
  }

  private SimpleStatement flag(String symbol, int version, boolean promoted) {
    return SimpleStatement.newInstance(
        "UPDATE " + models + " SET promoted = ? WHERE symbol = ? AND version = ?",
        promoted,
        symbol,
        version);
  }

  private List<Row> read(String cql, Object... values) {
    return session
        .execute(
            SimpleStatement.newInstance(cql, values)
                .setConsistencyLevel(consistency)
                .setIdempotent(true))
        .all();
  }
}
