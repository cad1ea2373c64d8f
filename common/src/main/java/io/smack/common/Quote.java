package io.smack.common;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * One trade price of one symbol at one instant: the unit that flows through the whole pipeline.
 *
 * <p>The constructor enforces the rules that need no clock (see {@link QuoteRules}); the time
 * window is checked where a clock is at hand, by {@link QuoteRules#checkTime(Instant, Instant,
 * java.time.Duration)}.
 *
 * @param symbol ticker, {@code [A-Z0-9.^-]{1,16}}
 * @param ts event time, when the price was observed at its source
 * @param price finite and positive
 * @param volume traded quantity, zero when the source does not say
 * @param source name of the collector source that produced it, e.g. {@code sim}
 * @param ohlc the open, high and low of the period whose close {@code price} is, when the source
 *     gives them (a row of a daily OHLC file); null for a price alone (a tick)
 */
public record Quote(
    String symbol, Instant ts, double price, long volume, String source, Ohlc ohlc) {

  /**
   * The rest of a period's bar besides its close: open, high and low, with {@code low <= open,
   * close <= high} (checked by {@link QuoteRules#checkRange}).
   */
  public record Ohlc(double open, double high, double low) {}

  public Quote {
    QuoteRules.checkFields(symbol, ts, price, volume, source)
        .or(() -> ohlc == null ? Optional.empty() : QuoteRules.checkRange(ohlc, price))
        .ifPresent(
            rejection -> {
              throw new InvalidQuoteException(rejection);
            });
  }

  /** A price alone: a tick, or a source that gives no open, high and low. */
  public Quote(String symbol, Instant ts, double price, long volume, String source) {
    this(symbol, ts, price, volume, source, null);
  }

  /** The UTC day that buckets this quote in {@code quotes_by_day}. */
  public LocalDate day() {
    return LocalDate.ofInstant(ts, ZoneOffset.UTC);
  }
}
