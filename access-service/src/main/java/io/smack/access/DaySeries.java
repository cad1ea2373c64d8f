package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A series stored in (symbol, UTC day) partitions — quotes, bars, predictions — read through the
 * {@code quote_days} index: only the days that hold quotes are queried, one after the other, and no
 * more rows than asked for are read. Every query is a prepared statement.
 *
 * @param <T> one item of the series
 */
final class DaySeries<T> {

  private final CqlSession session;
  private final DayIndex days;
  private final PreparedStatement newestFirst;
  private final PreparedStatement firstAfter;
  private final Function<Row, T> item;

  /**
   * @param newestFirst binds symbol, day, from (inclusive), to (exclusive), limit; newest first
   * @param firstAfter binds symbol, day, time; the oldest item after the time; null when the series
   *     is not asked for it
   * @param item reads an item from a row of either statement
   */
  DaySeries(
      CqlSession session,
      DayIndex days,
      PreparedStatement newestFirst,
      PreparedStatement firstAfter,
      Function<Row, T> item) {
    this.session = session;
    this.days = days;
    this.newestFirst = newestFirst;
    this.firstAfter = firstAfter;
    this.item = item;
  }

  /**
   * Up to {@code limit} items from {@code from} (inclusive) to {@code to} (exclusive), newest
   * first.
   */
  CompletionStage<List<T>> newestFirst(String symbol, Instant from, Instant to, int limit) {
    if (!from.isBefore(to)) {
      return CompletableFuture.completedFuture(List.of());
    }
    return days.newestFirst(symbol, day(from), day(to.minusMillis(1)))
        .thenCompose(
            found -> collect(symbol, found.iterator(), from, to, limit, new ArrayList<>()));
  }

  /** The oldest item after {@code time}: in its day, or else in the next day that has quotes. */
  CompletionStage<Optional<T>> firstAfter(String symbol, Instant time) {
    return days.oldestFirst(symbol, day(time), 2)
        .thenCompose(found -> firstAfter(symbol, found.iterator(), time));
  }

  private CompletionStage<List<T>> collect(
      String symbol, Iterator<LocalDate> days, Instant from, Instant to, int limit, List<T> items) {
    if (items.size() >= limit || !days.hasNext()) {
      return CompletableFuture.completedFuture(items);
    }
    int wanted = limit - items.size();
    return session
        .executeAsync(newestFirst.bind(symbol, days.next(), from, to, wanted).setPageSize(wanted))
        .thenCompose(
            page -> {
              page.currentPage().forEach(row -> items.add(item.apply(row)));
              return collect(symbol, days, from, to, limit, items);
            });
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
