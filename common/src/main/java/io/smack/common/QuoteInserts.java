package io.smack.common;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes quotes into Cassandra the way the streaming job stores them, in one pass over a session:
 * first their symbols into {@code symbols} and their (symbol, day) pairs into {@code quote_days} (a
 * reader may find a symbol or a day without quotes, never quotes it cannot find), then every quote
 * into {@code quotes_by_day}, then the newest quote of each symbol into {@code latest_quote} with
 * its event time as the cell's write time (a late, older quote never replaces a newer one).
 *
 * <p>Every statement is an idempotent upsert keyed on event time at the given consistency, with at
 * most {@code inFlight} in flight ({@link AsyncWrites}), so the same quotes written again write the
 * same rows. A (symbol, day)'s quotes go in unlogged batches of {@link #ROWS_PER_BATCH}: one
 * Cassandra partition per batch, which a replica applies as one mutation, as the Spark Cassandra
 * Connector's writer groups rows.
 */
public final class QuoteInserts {

  /** Quotes per unlogged batch: ~2 KiB, under Cassandra's 5 KiB warning. */
  static final int ROWS_PER_BATCH = 20;

  private static final Duration NO_ANSWER = Duration.ofMinutes(2);

  private final CqlSession session;
  private final DefaultConsistencyLevel consistency;
  private final int inFlight;
  private final PreparedStatement symbolRow;
  private final PreparedStatement day;
  private final PreparedStatement quote;
  private final PreparedStatement latest;

  /**
   * @param consistency the name of a consistency level, e.g. {@code LOCAL_QUORUM}
   */
  public QuoteInserts(CqlSession session, String keyspace, String consistency, int inFlight) {
    this.session = session;
    this.consistency = DefaultConsistencyLevel.valueOf(consistency);
    this.inFlight = inFlight;
    // the driver keeps prepared statements per session: preparing again is a lookup
    this.symbolRow =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.SYMBOLS + " (bucket, symbol) VALUES (?, ?)");
    this.day =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.QUOTE_DAYS + " (symbol, day) VALUES (?, ?)");
    this.quote =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + "."
                + Tables.QUOTES_BY_DAY
                + " (symbol, day, ts, price, volume, source, open, high, low)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.latest =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + "."
                + Tables.LATEST_QUOTE
                + " (symbol, ts, price, volume, source) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?");
  }

  /**
   * Writes {@code quotes}; returns when every write has been acknowledged.
   *
   * @return the newest event time written, empty for no quotes
   * @throws IllegalStateException when a write failed after the driver's retries
   */
  public Optional<Instant> write(List<Quote> quotes) {
    if (quotes.isEmpty()) {
      return Optional.empty();
    }
    AsyncWrites writes = new AsyncWrites(session, inFlight, NO_ANSWER);
    Set<String> days = new LinkedHashSet<>();
    Map<String, Quote> newest = new HashMap<>();
    for (Quote q : quotes) {
      days.add(q.symbol() + '\n' + q.day());
      newest.merge(q.symbol(), q, (a, b) -> b.ts().isAfter(a.ts()) ? b : a);
    }
    for (String name : newest.keySet()) {
      writes.add(bind(symbolRow, Tables.SYMBOLS_BUCKET, name));
    }
    for (String pair : days) {
      int cut = pair.indexOf('\n');
      writes.add(bind(day, pair.substring(0, cut), LocalDate.parse(pair.substring(cut + 1))));
    }
    writes.await();

    List<Quote> inOrder = new ArrayList<>(quotes);
    inOrder.sort(Comparator.comparing(Quote::symbol).thenComparing(Quote::ts));
    BatchStatementBuilder batch = null;
    String batchKey = null;
    for (Quote q : inOrder) {
      String key = q.symbol() + '\n' + q.day();
      if (batch == null || !key.equals(batchKey) || batch.getStatementsCount() == ROWS_PER_BATCH) {
        if (batch != null) {
          writes.add(batch(batch));
        }
        batch = BatchStatement.builder(BatchType.UNLOGGED);
        batchKey = key;
      }
      // open, high and low left unset for a price alone: a null would write a tombstone
      BoundStatement insert =
          quote.bind(q.symbol(), q.day(), q.ts(), q.price(), q.volume(), q.source());
      if (q.ohlc() != null) {
        insert =
            insert
                .setDouble(6, q.ohlc().open())
                .setDouble(7, q.ohlc().high())
                .setDouble(8, q.ohlc().low());
      }
      batch.addStatement(insert);
    }
    writes.add(batch(batch));
    writes.await();

    Instant newestOfAll = Instant.EPOCH;
    for (Quote q : newest.values()) {
      long micros = ChronoUnit.MICROS.between(Instant.EPOCH, q.ts());
      writes.add(bind(latest, q.symbol(), q.ts(), q.price(), q.volume(), q.source(), micros));
      newestOfAll = q.ts().isAfter(newestOfAll) ? q.ts() : newestOfAll;
    }
    writes.await();
    return Optional.of(newestOfAll);
  }

  private BatchStatement batch(BatchStatementBuilder builder) {
    return builder.setIdempotence(true).setConsistencyLevel(consistency).build();
  }

  private BoundStatement bind(PreparedStatement statement, Object... values) {
    return statement.bind(values).setIdempotent(true).setConsistencyLevel(consistency);
  }
}
