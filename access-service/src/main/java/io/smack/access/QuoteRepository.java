package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.access.AccessSettings.Series;
import io.smack.access.Forecast.Price;
import io.smack.access.Views.BarView;
import io.smack.access.Views.LatestQuote;
import io.smack.access.Views.QuoteView;
import io.smack.common.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;

/**
 * What the streaming job writes, read back: the symbols ({@code symbols}), each symbol's latest
 * quote, its quotes ({@code quotes_by_day}) and its 1-minute bars ({@code bars_1m}).
 */
final class QuoteRepository {

  /** Symbols per {@code IN} read of {@code latest_quote}: the coordinator fans out to each. */
  static final int SYMBOLS_PER_READ = 100;

  private final CqlSession session;
  private final PreparedStatement symbols;
  private final PreparedStatement latest;
  private final PreparedStatement latestOf;
  private final DaySeries<QuoteView> quotes;
  private final DaySeries<BarView> bars;
  private final DaySeries<Price> quotePrices;
  private final DaySeries<Price> barPrices;

  QuoteRepository(CqlSession session, String keyspace, DayIndex days, IntConsumer rowsRead) {
    this.session = session;
    String latestTable = keyspace + "." + Tables.LATEST_QUOTE;
    this.symbols =
        session.prepare(
            "SELECT symbol FROM "
                + keyspace
                + "."
                + Tables.SYMBOLS
                + " WHERE bucket = "
                + Tables.SYMBOLS_BUCKET
                + " LIMIT ?");
    this.latestOf =
        session.prepare(
            "SELECT symbol, ts, price, volume, source FROM " + latestTable + " WHERE symbol IN ?");
    this.latest =
        session.prepare(
            "SELECT ts, price, volume, source FROM " + latestTable + " WHERE symbol = ?");
    String quoteTable = keyspace + "." + Tables.QUOTES_BY_DAY;
    String quoteColumns = "SELECT ts, price, volume, source FROM " + quoteTable;
    DaySeries.Statements quoteStatements =
        new DaySeries.Statements(
            session.prepare(
                quoteColumns + " WHERE symbol = ? AND day = ? AND ts >= ? AND ts < ? LIMIT ?"),
            session.prepare(
                quoteColumns
                    + " WHERE symbol = ? AND day IN ? AND ts >= ? AND ts < ?"
                    + " PER PARTITION LIMIT ?"),
            session.prepare(
                quoteColumns + " WHERE symbol = ? AND day = ? AND ts > ? ORDER BY ts ASC LIMIT 1"));
    this.quotes =
        new DaySeries<>(
            session, days, quoteStatements, QuoteRepository::quote, QuoteView::ts, rowsRead);
    this.quotePrices =
        new DaySeries<>(
            session,
            days,
            quoteStatements,
            row -> new Price(row.getInstant(0), row.getDouble(1)),
            Price::ts,
            rowsRead);
    String barTable = keyspace + "." + Tables.BARS_1M;
    String barColumns = "SELECT minute, open, high, low, close, volume, quotes FROM " + barTable;
    // bars are kept oldest first: a day capped by PER PARTITION LIMIT gives its oldest bars, and
    // DaySeries reads such a day again alone, newest first
    DaySeries.Statements barStatements =
        new DaySeries.Statements(
            session.prepare(
                barColumns
                    + " WHERE symbol = ? AND day = ? AND minute >= ? AND minute < ?"
                    + " ORDER BY minute DESC LIMIT ?"),
            session.prepare(
                barColumns
                    + " WHERE symbol = ? AND day IN ? AND minute >= ? AND minute < ?"
                    + " PER PARTITION LIMIT ?"),
            session.prepare(
                barColumns
                    + " WHERE symbol = ? AND day = ? AND minute > ? ORDER BY minute ASC LIMIT 1"));
    this.bars =
        new DaySeries<>(
            session, days, barStatements, QuoteRepository::bar, BarView::minute, rowsRead);
    this.barPrices =
        new DaySeries<>(
            session,
            days,
            barStatements,
            row -> new Price(row.getInstant(0), row.getDouble(4)),
            Price::ts,
            rowsRead);
  }

  /** The first {@code limit} symbols with a quote, sorted: one read of one partition. */
  CompletionStage<List<String>> symbols(int limit) {
    return DaySeries.all(
        session.executeAsync(symbols.bind(limit).setPageSize(limit)), row -> row.getString(0));
  }

  /**
   * The newest quote of each of {@code symbols} that has one, in their order: one read per {@link
   * #SYMBOLS_PER_READ} symbols, all at once.
   */
  CompletionStage<List<LatestQuote>> latest(List<String> symbols) {
    List<CompletableFuture<List<LatestQuote>>> reads = new ArrayList<>();
    for (int from = 0; from < symbols.size(); from += SYMBOLS_PER_READ) {
      List<String> chunk = symbols.subList(from, Math.min(symbols.size(), from + SYMBOLS_PER_READ));
      reads.add(
          DaySeries.all(
                  session.executeAsync(latestOf.bind(chunk)),
                  row ->
                      new LatestQuote(
                          row.getString(0),
                          row.getInstant(1),
                          row.getDouble(2),
                          row.getLong(3),
                          row.getString(4)))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, LatestQuote> bySymbol = new HashMap<>();
              reads.forEach(read -> read.join().forEach(q -> bySymbol.put(q.symbol(), q)));
              return symbols.stream().map(bySymbol::get).filter(Objects::nonNull).toList();
            });
  }

  /** The symbol's newest quote; empty for a symbol that never had one. */
  CompletionStage<Optional<LatestQuote>> latest(String symbol) {
    return session
        .executeAsync(latest.bind(symbol))
        .thenApply(
            page ->
                Optional.ofNullable(page.one())
                    .map(
                        row ->
                            new LatestQuote(
                                symbol,
                                row.getInstant(0),
                                row.getDouble(1),
                                row.getLong(2),
                                row.getString(3))));
  }

  DaySeries<QuoteView> quotes() {
    return quotes;
  }

  DaySeries<BarView> bars() {
    return bars;
  }

  /** The prices of a series as the forecast reads them: quotes' prices or bars' closes. */
  DaySeries<Price> prices(Series series) {
    return series == Series.BARS ? barPrices : quotePrices;
  }

  private static QuoteView quote(Row row) {
    return new QuoteView(row.getInstant(0), row.getDouble(1), row.getLong(2), row.getString(3));
  }

  private static BarView bar(Row row) {
    return new BarView(
        row.getInstant(0),
        row.getDouble(1),
        row.getDouble(2),
        row.getDouble(3),
        row.getDouble(4),
        row.getLong(5),
        row.getInt(6));
  }
}
