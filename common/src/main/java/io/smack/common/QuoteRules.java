package io.smack.common;

import io.smack.common.Rejection.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The validation rules of a quote, in one place, for the collector, the streaming job and tests.
 *
 * <p>Each check returns the first rule broken, or empty when all hold.
 */
public final class QuoteRules {

  /** Tickers as exchanges and index providers write them: {@code BRK.B}, {@code ^GSPC}. */
  public static final Pattern SYMBOL = Pattern.compile("[A-Z0-9.^-]{1,16}");

  /** Nothing in the pipeline predates the Unix epoch; older stamps are unit mistakes. */
  public static final Instant EARLIEST = Instant.EPOCH;

  private QuoteRules() {}

  /** The rules that need no clock: the ones {@link Quote}'s constructor enforces. */
  public static Optional<Rejection> checkFields(
      String symbol, Instant ts, double price, long volume, String source) {
    if (symbol == null) {
      return reject(Reason.MISSING_FIELD, "symbol is missing");
    }
    if (!isSymbol(symbol)) {
      return reject(
          Reason.BAD_SYMBOL, "symbol '" + symbol + "' does not match " + SYMBOL.pattern());
    }
    if (ts == null) {
      return reject(Reason.MISSING_FIELD, "ts is missing");
    }
    if (ts.isBefore(EARLIEST)) {
      return reject(Reason.BAD_TIMESTAMP, "ts " + ts + " is before " + EARLIEST);
    }
    if (!Double.isFinite(price) || price <= 0) {
      return reject(Reason.BAD_PRICE, "price " + price + " is not a finite number above 0");
    }
    if (volume < 0) {
      return reject(Reason.BAD_VOLUME, "volume " + volume + " is negative");
    }
    if (source == null || source.isBlank()) {
      return reject(Reason.BAD_SOURCE, "source is missing or blank");
    }
    return Optional.empty();
  }

  /**
   * The rule of a period's open, high and low ({@link Quote.Ohlc}) around its close {@code price}:
   * each finite and above 0, the low at or below the open and the close, the high at or above.
   */
  public static Optional<Rejection> checkRange(Quote.Ohlc ohlc, double price) {
    for (double bound : new double[] {ohlc.open(), ohlc.high(), ohlc.low()}) {
      if (!Double.isFinite(bound) || bound <= 0) {
        return reject(
            Reason.BAD_PRICE,
            "open/high/low " + bound + " is not a finite number above 0 (" + ohlc + ")");
      }
    }
    if (ohlc.low() > Math.min(ohlc.open(), price) || ohlc.high() < Math.max(ohlc.open(), price)) {
      return reject(
          Reason.BAD_PRICE,
          "open "
              + ohlc.open()
              + ", high "
              + ohlc.high()
              + ", low "
              + ohlc.low()
              + " and close "
              + price
              + " do not hold low <= open, close <= high");
    }
    return Optional.empty();
  }

  /**
   * The rule that needs a clock: {@code ts} may not run ahead of the receiver's clock {@code now}
   * by more than {@code maxClockSkew} ({@link QuoteSettings#maxClockSkew}). Event time drives the
   * streaming job's watermark, so one quote stamped far ahead would make every later quote late.
   */
  public static Optional<Rejection> checkTime(Instant ts, Instant now, Duration maxClockSkew) {
    if (ts.isAfter(now.plus(maxClockSkew))) {
      return reject(
          Reason.FUTURE_TIMESTAMP,
          "ts "
              + ts
              + " is more than "
              + maxClockSkew
              + " ahead of the receiving clock ("
              + now
              + "; smack.quotes.max-clock-skew)");
    }
    return Optional.empty();
  }

  /** {@link #SYMBOL}, checked without the regex engine: every quote is checked, and it showed. */
  static boolean isSymbol(String symbol) {
    if (symbol.isEmpty() || symbol.length() > 16) {
      return false;
    }
    for (int i = 0; i < symbol.length(); i++) {
      char c = symbol.charAt(i);
      boolean allowed =
          (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '^' || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  private static Optional<Rejection> reject(Reason reason, String detail) {
    return Optional.of(new Rejection(reason, detail));
  }
}
