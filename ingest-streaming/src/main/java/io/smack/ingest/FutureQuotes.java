package io.smack.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.smack.common.Tables;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The way out for a keyspace that already holds quotes stamped further ahead of the clock than
 * {@code smack.quotes.max-clock-skew} (stored before the rule existed, or with a wider skew): such
 * a quote pins {@code latest_quote} (its cell's write time is its event time, so no later write
 * wins) and has a bar of its own in the future.
 *
 * <p>For each symbol whose newest quote lies beyond the skew: its quotes beyond it are deleted from
 * {@code quotes_by_day}, the days left empty from {@code quote_days}, and the bars of their minutes
 * are deleted or, when other quotes remain in the minute, computed again from those. Then {@code
 * latest_quote} is truncated — the one way to drop cells written with a future timestamp without a
 * tombstone that would hide every later write — and written again from each symbol's newest stored
 * quote, with its event time as the write time. The streaming job may keep running: its writes
 * carry their event times and win over older ones whatever the order.
 */
final class FutureQuotes {

  /** What a repair found, and did unless it was a dry run. */
  record Report(Map<String, List<Instant>> removed, int latestRewritten) {}

  private final CqlSession session;
  private final String keyspace;
  private final DefaultConsistencyLevel consistency;

  FutureQuotes(CqlSession session, String keyspace, String consistency) {
    this.session = session;
    this.keyspace = keyspace;
    this.consistency = DefaultConsistencyLevel.valueOf(consistency);
  }

  /**
   * @param now the clock the skew is measured from
   * @param dryRun find only
   */
  Report repair(Instant now, Duration maxClockSkew, boolean dryRun) {
    Instant limit = now.plus(maxClockSkew);
    Map<String, Instant> latest = new LinkedHashMap<>();
    for (Row row :
        session.execute(statement("SELECT symbol, ts FROM " + table(Tables.LATEST_QUOTE)))) {
      latest.put(row.getString(0), row.getInstant(1));
    }
    Map<String, List<Instant>> removed = new LinkedHashMap<>();
    for (Map.Entry<String, Instant> symbol : latest.entrySet()) {
      if (symbol.getValue().isAfter(limit)) {
        removed.put(symbol.getKey(), futureQuotes(symbol.getKey(), limit));
      }
    }
    if (dryRun || removed.isEmpty()) {
      return new Report(removed, 0);
    }
    removed.forEach(this::remove);
    execute(statement("TRUNCATE " + table(Tables.LATEST_QUOTE)).setTimeout(Duration.ofMinutes(2)));
    int rewritten = 0;
    for (String symbol : latest.keySet()) {
      rewritten += rewriteLatest(symbol) ? 1 : 0;
    }
    return new Report(removed, rewritten);
  }

  private List<Instant> futureQuotes(String symbol, Instant limit) {
    LocalDate firstDay = LocalDate.ofInstant(limit, ZoneOffset.UTC);
    List<Instant> quotes = new ArrayList<>();
    for (LocalDate day : days(symbol, firstDay)) {
      for (Row row :
          session.execute(
              prepare(
                      "SELECT ts FROM "
                          + table(Tables.QUOTES_BY_DAY)
                          + " WHERE symbol = ? AND day = ? AND ts > ?")
                  .bind(symbol, day, limit))) {
        quotes.add(row.getInstant(0));
      }
    }
    return quotes;
  }

  /** The symbol's indexed days from {@code from} on. */
  private List<LocalDate> days(String symbol, LocalDate from) {
    List<LocalDate> days = new ArrayList<>();
    for (Row row :
        session.execute(
            prepare(
                    "SELECT day FROM "
                        + table(Tables.QUOTE_DAYS)
                        + " WHERE symbol = ? AND day >= ?")
                .bind(symbol, from))) {
      days.add(row.getLocalDate(0));
    }
    return days;
  }

  private void remove(String symbol, List<Instant> quotes) {
    TreeSet<LocalDate> days = new TreeSet<>();
    TreeSet<Instant> minutes = new TreeSet<>();
    for (Instant ts : quotes) {
      LocalDate day = LocalDate.ofInstant(ts, ZoneOffset.UTC);
      days.add(day);
      minutes.add(ts.truncatedTo(ChronoUnit.MINUTES));
      execute(
          prepare(
                  "DELETE FROM "
                      + table(Tables.QUOTES_BY_DAY)
                      + " WHERE symbol = ? AND day = ? AND ts = ?")
              .bind(symbol, day, ts));
    }
    for (LocalDate day : days) {
      boolean empty =
          session
                  .execute(
                      prepare(
                              "SELECT ts FROM "
                                  + table(Tables.QUOTES_BY_DAY)
                                  + " WHERE symbol = ? AND day = ? LIMIT 1")
                          .bind(symbol, day))
                  .one()
              == null;
      if (empty) {
        execute(
            prepare("DELETE FROM " + table(Tables.QUOTE_DAYS) + " WHERE symbol = ? AND day = ?")
                .bind(symbol, day));
      }
    }
    for (Instant minute : minutes) {
      rebar(symbol, minute);
    }
  }

  /** The minute's bar from the quotes left in it, or none when none is left. */
  private void rebar(String symbol, Instant minute) {
    LocalDate day = LocalDate.ofInstant(minute, ZoneOffset.UTC);
    List<Row> left =
        session
            .execute(
                prepare(
                        "SELECT ts, price, volume, open, high, low FROM "
                            + table(Tables.QUOTES_BY_DAY)
                            + " WHERE symbol = ? AND day = ? AND ts >= ? AND ts < ?")
                    .bind(symbol, day, minute, minute.plus(1, ChronoUnit.MINUTES)))
            .all();
    if (left.isEmpty()) {
      execute(
          prepare(
                  "DELETE FROM "
                      + table(Tables.BARS_1M)
                      + " WHERE symbol = ? AND day = ? AND minute = ?")
              .bind(symbol, day, minute));
      return;
    }
    // rows come newest first (ts DESC)
    Row first = left.get(left.size() - 1);
    Row last = left.get(0);
    // a quote that closes a period brings its open, high and low (as Bars makes the bar)
    double high =
        left.stream()
            .mapToDouble(r -> r.isNull(4) ? r.getDouble(1) : r.getDouble(4))
            .max()
            .orElseThrow();
    double low =
        left.stream()
            .mapToDouble(r -> r.isNull(5) ? r.getDouble(1) : r.getDouble(5))
            .min()
            .orElseThrow();
    long volume = left.stream().mapToLong(r -> r.getLong(2)).sum();
    execute(
        prepare(
                "INSERT INTO "
                    + table(Tables.BARS_1M)
                    + " (symbol, day, minute, open, high, low, close, volume, quotes, close_ts)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(
                symbol,
                day,
                minute,
                first.isNull(3) ? first.getDouble(1) : first.getDouble(3),
                high,
                low,
                last.getDouble(1),
                volume,
                left.size(),
                last.getInstant(0)));
  }

  /** The symbol's newest stored quote into {@code latest_quote}; false when it has none. */
  private boolean rewriteLatest(String symbol) {
    List<LocalDate> days = new ArrayList<>();
    for (Row row :
        session.execute(
            prepare("SELECT day FROM " + table(Tables.QUOTE_DAYS) + " WHERE symbol = ?")
                .bind(symbol))) {
      days.add(row.getLocalDate(0));
    }
    for (LocalDate day : days) { // newest day first
      Row newest =
          session
              .execute(
                  prepare(
                          "SELECT ts, price, volume, source FROM "
                              + table(Tables.QUOTES_BY_DAY)
                              + " WHERE symbol = ? AND day = ? LIMIT 1")
                      .bind(symbol, day))
              .one();
      if (newest != null) {
        Instant ts = newest.getInstant(0);
        execute(
            prepare(
                    "INSERT INTO "
                        + table(Tables.LATEST_QUOTE)
                        + " (symbol, ts, price, volume, source) VALUES (?, ?, ?, ?, ?)"
                        + " USING TIMESTAMP ?")
                .bind(
                    symbol,
                    ts,
                    newest.getDouble(1),
                    newest.getLong(2),
                    newest.getString(3),
                    ChronoUnit.MICROS.between(Instant.EPOCH, ts)));
        return true;
      }
    }
    return false;
  }

  private PreparedStatement prepare(String cql) {
    return session.prepare(cql);
  }

  private void execute(BoundStatement statement) {
    session.execute(statement.setConsistencyLevel(consistency).setIdempotent(true));
  }

  private void execute(SimpleStatement statement) {
    session.execute(statement.setConsistencyLevel(consistency));
  }

  private SimpleStatement statement(String cql) {
    return SimpleStatement.newInstance(cql).setConsistencyLevel(consistency);
  }

  private String table(String name) {
    return keyspace + "." + name;
  }
}
