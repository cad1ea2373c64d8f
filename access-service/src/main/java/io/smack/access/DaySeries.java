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
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.IntConsumer;

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
 * <p>A window of several days is read with a {@code PER PARTITION LIMIT}: twice the rows per day
 * that the page still needs over the window, so that a day much denser than those read so far (the
 * full day before a sparse one, shortly after midnight) cannot make one statement read the window's
 * days whole — up to 128 × 1 440 bars, or 128 × a page of quotes. A day that fills its share may
 * hold more: its rows are set aside and the day is read alone, newest first with a LIMIT of what
 * the page still needs (bars are kept oldest first, so a capped day gave its oldest). Rows read and
 * not used are counted: once they reach {@link #WASTED_PAGES} pages, the rest of the page is read a
 * day at a time, where every row read is used. So a request reads at most about three times its
 * page, whatever the days hold.
 *
 * @param <T> one item of the series
 */
final class DaySeries<T> {

  /** Day partitions read by one statement, at most. */
  static final int WINDOW_DAYS = 128;

  /** Rows read and set aside, in pages of the request, before the rest is read day by day. */
  static final int WASTED_PAGES = 2;

  private final CqlSession session;
  private final DayIndex days;
  private final PreparedStatement oneDay;
  private final PreparedStatement severalDays;
  private final PreparedStatement firstAfter;
  private final Function<Row, T> item;
  private final Function<T, Instant> time;
  private final Comparator<T> newestFirst;
  private final IntConsumer rowsRead;

  /** The statements of a series. */
  record Statements(
      PreparedStatement oneDay, PreparedStatement severalDays, PreparedStatement firstAfter) {}

  /**
   * @param statements {@code oneDay} binds symbol, day, from (inclusive), to (exclusive), limit and
   *     gives that day's newest rows first; {@code severalDays} binds symbol, a list of days, from,
   *     to, and the rows per day at most (a {@code PER PARTITION LIMIT}); {@code firstAfter} binds
   *     symbol, day, time and gives the oldest item after the time, null when the series is not
   *     asked for it
   * @param item reads an item from a row of either statement
   * @param time an item's time, by which a window's rows are put newest first
   * @param rowsRead told the rows each statement of the series read
   */
  DaySeries(
      CqlSession session,
      DayIndex days,
      Statements statements,
      Function<Row, T> item,
      Function<T, Instant> time,
      IntConsumer rowsRead) {
    this.session = session;
    this.days = days;
    this.oneDay = statements.oneDay();
    this.severalDays = statements.severalDays();
    this.firstAfter = statements.firstAfter();
    this.item = item;
    this.time = time;
    this.newestFirst = Comparator.comparing(time).reversed();
    this.rowsRead = rowsRead;
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
    int wasted;

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
      int perDay = (int) Math.min(wanted, 2 * Math.ceil((double) wanted / size));
      if (size == 1 || wasted + size * perDay > WASTED_PAGES * limit) {
        return readDay(found, next);
      }
      List<LocalDate> window = found.subList(next, next + size);
      return read(severalDays.bind(symbol, window, from, to, perDay))
          .thenCompose(
              rows -> {
                Map<LocalDate, List<T>> byDay = new HashMap<>();
                for (T row : rows) {
                  byDay.computeIfAbsent(day(time.apply(row)), d -> new ArrayList<>()).add(row);
                }
                for (int i = 0; i < size; i++) {
                  List<T> ofDay = byDay.getOrDefault(window.get(i), List.of());
                  if (ofDay.size() >= perDay) {
                    // it may hold more than its share: read alone, with what follows it
                    for (int j = i; j < size; j++) {
                      wasted += byDay.getOrDefault(window.get(j), List.of()).size();
                    }
                    return readDay(found, next + i);
                  }
                  add(ofDay);
                  daysRead++;
                }
                return readDays(found, next + size);
              });
    }

    /** The day {@code found[next]} alone, its newest rows first, then the days after it. */
    private CompletionStage<Void> readDay(List<LocalDate> found, int next) {
      int wanted = limit - items.size();
      return read(oneDay.bind(symbol, found.get(next), from, to, wanted).setPageSize(wanted))
          .thenCompose(
              rows -> {
                add(rows);
                daysRead++;
                return readDays(found, next + 1);
              });
    }

    /** A day's rows, newest first, as far as the page takes them. */
    private void add(List<T> rows) {
      List<T> sorted = new ArrayList<>(rows); // a day without rows in the range is List.of()
      sorted.sort(newestFirst);
      for (T row : sorted) {
        if (items.size() < limit) {
          items.add(row);
        }
      }
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
    return read(firstAfter.bind(symbol, days.next(), time))
        .thenCompose(
            rows ->
                rows.isEmpty()
                    ? firstAfter(symbol, days, time)
                    : CompletableFuture.completedFuture(Optional.of(rows.get(0))));
  }

  /** Every row of a statement of the series, counted. */
  private CompletionStage<List<T>> read(BoundStatement statement) {
    return all(session.executeAsync(statement), item)
        .thenApply(
            rows -> {
              rowsRead.accept(rows.size());
              return rows;
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
