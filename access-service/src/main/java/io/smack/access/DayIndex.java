package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.smack.common.Tables;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The {@code quote_days} index: the UTC days on which a symbol has quotes. */
final class DayIndex {

  private final CqlSession session;
  private final PreparedStatement between;
  private final PreparedStatement from;

  DayIndex(CqlSession session, String keyspace) {
    this.session = session;
    String table = keyspace + "." + Tables.QUOTE_DAYS;
    this.between =
        session.prepare(
            "SELECT day FROM " + table + " WHERE symbol = ? AND day >= ? AND day <= ? LIMIT ?");
    this.from =
        session.prepare(
            "SELECT day FROM " + table + " WHERE symbol = ? AND day >= ? ORDER BY day ASC LIMIT ?");
  }

  /** Up to {@code n} days from {@code last} back to {@code first}, both included, newest first. */
  CompletionStage<List<LocalDate>> newestFirst(
      String symbol, LocalDate first, LocalDate last, int n) {
    return DaySeries.all(
        session.executeAsync(between.bind(symbol, first, last, n).setPageSize(n)),
        row -> row.getLocalDate(0));
  }

  /** Up to {@code n} days from {@code first} on, oldest first. */
  CompletionStage<List<LocalDate>> oldestFirst(String symbol, LocalDate first, int n) {
    return DaySeries.all(
        session.executeAsync(from.bind(symbol, first, n)), row -> row.getLocalDate(0));
  }
}
