package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A series stored in (symbol, UTC day) partitions — quotes, bars, predictions — read through the
 * {@code quote_days} index: only the days that hold quotes are queried, newest first, and no
 * partition gives more rows than the page still needs. Every query is a prepared statement.
 *
 * <p>The index is read {@code limit} days at a time (a day of quotes holds at least one, so one
 * read covers a page of quotes; a sparser series, bars behind their watermark or predictions, reads
 * the next days when those run out). The partitions are read a window of days at a time: the first
 * window is one day, read newest first with a LIMIT of what the page still needs; each next one is
 * as many days as the rows per day seen so far say the page still needs, at most {@link
 * #WINDOW_DAYS}, read by one statement ({@code day IN ?}). A series of one quote a day (a daily
 * close) thus reads 128 days per statement, and a busy day fills the page alone. A window's rows
 * come back by partition, in whatever order Cassandra takes them, and are sorted by time here.
 *
 * <p>A window of several days is read with a {@code PER PARTITION LIMIT} of what the page still
 * needs where the table keeps each day newest first (quotes, predictions). Bars are kept oldest
 * first, and Cassandra pages no {@code IN} query with an {@code ORDER BY}: a window of several days
 * of bars reads those days whole — at most 1 440 bars each, and only when the days read so far held
 * fewer bars than the page needs.
 *
 * @param <T> one item of the series
 */
final class DaySeries<T> {

  /** Day partitions read by one statement, at most. */
  static final int WINDOW_DAYS = 128;

  private final CqlSession session;
  private final DayIndex days;
  private final PreparedStatement oneDay;
  private final PreparedStatement severalDays;
  private final boolean perDayLimit;
  private final PreparedStatement firstAfter;
  private final Function<Row, T> item;
  private final Comparator<T> newestFirst;

  /** The statements of a series. */
  record Statements(
      PreparedStatement oneDay,
      PreparedStatement severalDays,
      boolean perDayLimit,
      PreparedStatement firstAfter) {}

  /**
   * @param statements {@code oneDay} binds symbol, day, from (inclusive), to (exclusive), limit and
   *     gives that day's newest rows first; {@code severalDays} binds symbol, a list of days, from,
   *     to, and when {@code perDayLimit} the rows per day at most (a {@code PER PARTITION LIMIT} on
   *     a table kept newest first); {@code firstAfter} binds symbol, day, time and gives the oldest
   *     item after the time, null when the series is not asked for it
   * @param item reads an item from a row of either statement
   * @param time an item's time, by which a window's rows are put newest first
   */
  DaySeries(
      CqlSession session,
      DayIndex days,
      Statements statements,
      Function<Row, T> item,
      Function<T, Instant> time) {
    this.session = session;
    this.days = days;
    this.oneDay = statements.oneDay();
    this.severalDays = statements.severalDays();
    this.perDayLimit = statements.perDayLimit();
    this.firstAfter = statements.firstAfter();
    this.item = item;
    this.newestFirst = Comparator.comparing(time).reversed();
  }

  /**
   * Up to {@code limit} items from {@code from} (inclusive) to {@code to} (exclusive), newest
   * first.
   */
  CompletionStage<List<T>> newestFirst(String symbol, Instant from, Instant to, int limit) {
    if (!from.isBefore(to)) {
      return CompletableFuture.completedFuture(List.of());
    }
    Page page = new Page(symbol, from, to, limit);
    return page.readIndex(day(to.minusMillis(1))).thenApply(done -> page.items);
  }

  /** The oldest item after {@code time}: in its day, or else in the next day that has quotes. */
  CompletionStage<Optional<T>> firstAfter(String symbol, Instant time) {
    return days.oldestFirst(symbol, day(time), 2)
        .thenCompose(found -> firstAfter(symbol, found.iterator(), time));
  }

  /** One page being read: what it has, and how many days gave it. */
  private final class Page {

    final String symbol;
    final Instant from;
    final Instant to;
    final int limit;
    final List<T> items = new ArrayList<>();
    int daysRead;

    Page(String symbol, Instant from, Instant to, int limit) {
      this.symbol = symbol;
      this.from = from;
      this.to = to;
      this.limit = limit;
    }

    /** Reads the index's next {@code limit} days from {@code last} back, then their partitions. */
    CompletionStage<Void> readIndex(LocalDate last) {
      return days.newestFirst(symbol, day(from), last, limit)
          .thenCompose(
              found ->
                  readDays(found, 0)
                      .thenCompose(
                          done ->
                              items.size() >= limit || found.size() < limit
                                  ? CompletableFuture.completedFuture(null)
                                  : readIndex(found.get(found.size() - 1).minusDays(1))));
    }

    private CompletionStage<Void> readDays(List<LocalDate> found, int next) {
      if (items.size() >= limit || next >= found.size()) {
        return CompletableFuture.completedFuture(null);
      }
      int wanted = limit - items.size();
      int size = Math.min(window(wanted), found.size() - next);
      List<LocalDate> window = found.subList(next, next + size);
      BoundStatement read =
          size == 1
              ? oneDay.bind(symbol, window.get(0), from, to, wanted).setPageSize(wanted)
              : perDayLimit
                  ? severalDays.bind(symbol, window, from, to, wanted)
                  : severalDays.bind(symbol, window, from, to);
      return all(session.executeAsync(read), item)
          .thenCompose(
              rows -> {
                rows.sort(newestFirst);
                for (T row : rows) {
                  if (items.size() < limit) {
                    items.add(row);
                  }
                }
                daysRead += size;
                return readDays(found, next + size);
              });
    }

    /** Days to read at once: what the rows per day so far say the page needs. */
    private int window(int wanted) {
      if (daysRead == 0) {
        return 1;
      }
      if (items.isEmpty()) {
        return WINDOW_DAYS;
      }
      double perDay = (double) items.size() / daysRead;
      return (int) Math.max(1, Math.min(WINDOW_DAYS, Math.ceil(wanted / perDay)));
    }
  }

  private CompletionStage<Optional<T>> firstAfter(
      String symbol, Iterator<LocalDate> days, Instant time) {
    if (!days.hasNext()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return session
        .executeAsync(firstAfter.bind(symbol, days.next(), time))
        .thenCompose(
            page -> {
              Row row = page.one();
              return row != null
                  ? CompletableFuture.completedFuture(Optional.of(item.apply(row)))
                  : firstAfter(symbol, days, time);
            });
  }

  static LocalDate day(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC);
  }

  /** Every row of a result, page by page, without blocking. */
  static <R> CompletionStage<List<R>> all(
      CompletionStage<AsyncResultSet> result, Function<Row, R> read) {
    return result.thenCompose(page -> all(page, read, new ArrayList<>()));
  }

  private static <R> CompletionStage<List<R>> all(
      AsyncResultSet page, Function<Row, R> read, List<R> rows) {
    page.currentPage().forEach(row -> rows.add(read.apply(row)));
    return page.hasMorePages()
        ? page.fetchNextPage().thenCompose(next -> all(next, read, rows))
        : CompletableFuture.completedFuture(rows);
  }
}
