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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the streaming job writes, read back: the symbols, each symbol's latest quote, its quotes
 * ({@code quotes_by_day}) and its 1-minute bars ({@code bars_1m}).
 */
final class QuoteRepository {

  private final CqlSession session;
  private final PreparedStatement symbols;
  private final PreparedStatement latest;
  private final PreparedStatement everyLatest;
  private final DaySeries<QuoteView> quotes;
  private final DaySeries<BarView> bars;
  private final DaySeries<Price> quotePrices;
  private final DaySeries<Price> barPrices;

  QuoteRepository(CqlSession session, String keyspace, DayIndex days) {
    this.session = session;
    String latestTable = keyspace + "." + Tables.LATEST_QUOTE;
    this.symbols = session.prepare("SELECT symbol FROM " + latestTable);
    this.everyLatest =
        session.prepare("SELECT symbol, ts, price, volume, source FROM " + latestTable);
    this.latest =
        session.prepare(
            "SELECT ts, price, volume, source FROM " + latestTable + " WHERE symbol = ?");
    String quoteTable = keyspace + "." + Tables.QUOTES_BY_DAY;
    PreparedStatement quotesNewestFirst =
        session.prepare(
            "SELECT ts, price, volume, source FROM "
                + quoteTable
                + " WHERE symbol = ? AND day = ? AND ts >= ? AND ts < ? LIMIT ?");
    PreparedStatement quoteAfter =
        session.prepare(
            "SELECT ts, price, volume, source FROM "
                + quoteTable
                + " WHERE symbol = ? AND day = ? AND ts > ? ORDER BY ts ASC LIMIT 1");
    this.quotes =
        new DaySeries<>(session, days, quotesNewestFirst, quoteAfter, QuoteRepository::quote);
    this.quotePrices =
        new DaySeries<>(
            session,
            days,
            quotesNewestFirst,
            quoteAfter,
            row -> new Price(row.getInstant(0), row.getDouble(1)));
    String barTable = keyspace + "." + Tables.BARS_1M;
    String barColumns = "SELECT minute, open, high, low, close, volume, quotes FROM " + barTable;
    PreparedStatement barsNewestFirst =
        session.prepare(
            barColumns
                + " WHERE symbol = ? AND day = ? AND minute >= ? AND minute < ?"
                + " ORDER BY minute DESC LIMIT ?");
    PreparedStatement barAfter =
        session.prepare(
            barColumns
                + " WHERE symbol = ? AND day = ? AND minute > ? ORDER BY minute ASC LIMIT 1");
    this.bars = new DaySeries<>(session, days, barsNewestFirst, barAfter, QuoteRepository::bar);
    this.barPrices =
        new DaySeries<>(
            session,
            days,
            barsNewestFirst,
            barAfter,
            row -> new Price(row.getInstant(0), row.getDouble(4)));
  }

  /** Every symbol with a quote, sorted. */
  CompletionStage<List<String>> symbols() {
    return DaySeries.all(session.executeAsync(symbols.bind()), row -> row.getString(0))
        .thenApply(found -> found.stream().sorted().toList());
  }

  /** Every symbol's newest quote, by symbol. */
  CompletionStage<List<LatestQuote>> everyLatest() {
    return DaySeries.all(
            session.executeAsync(everyLatest.bind()),
            row ->
                new LatestQuote(
                    row.getString(0),
                    row.getInstant(1),
                    row.getDouble(2),
                    row.getLong(3),
                    row.getString(4)))
        .thenApply(
            found ->
                found.stream()
                    .sorted(java.util.Comparator.comparing(LatestQuote::symbol))
                    .toList());
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
