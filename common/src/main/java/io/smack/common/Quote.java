package io.smack.common;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

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
 */
public record Quote(String symbol, Instant ts, double price, long volume, String source) {

  public Quote {
    QuoteRules.checkFields(symbol, ts, price, volume, source)
        .ifPresent(
            rejection -> {
              throw new InvalidQuoteException(rejection);
            });
  }

  /** The UTC day that buckets this quote in {@code quotes_by_day}. */
  public LocalDate day() {
    return LocalDate.ofInstant(ts, ZoneOffset.UTC);
  }
}
