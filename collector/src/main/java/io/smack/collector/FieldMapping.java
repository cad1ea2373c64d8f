package io.smack.collector;

import com.typesafe.config.Config;
import io.smack.collector.Collected.Accepted;
import io.smack.collector.Collected.Rejected;
import io.smack.common.DeadLetter;
import io.smack.common.InvalidQuoteException;
import io.smack.common.Quote;
import io.smack.common.QuoteRules;
import io.smack.common.QuoteSettings;
import io.smack.common.Rejection;
import io.smack.common.Rejection.Reason;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which fields of a foreign record (a CSV row, a JSON object) make a quote, and how to read them:
 * the whole per-file or per-feed knowledge, as configuration, so that no file needs code.
 *
 * @param symbolField the field holding the symbol, or empty with a fixed symbol
 * @param fixedSymbol the symbol of every record, when the records do not name it
 * @param timeField the field holding the event time
 * @param timeFormat {@code iso-instant}, {@code epoch-millis}, {@code epoch-seconds} or a
 *     DateTimeFormatter pattern such as {@code MMM d yyyy} (a date alone means its start)
 * @param zone the time zone of times that carry none
 * @param priceField the field holding the price
 * @param volumeField the field holding the volume, or empty (volume 0)
 * @param maxClockSkew how far ahead of the clock a record may be stamped ({@code
 *     smack.quotes.max-clock-skew}, common to the collector and the streaming job)
 * @param rangeFields the fields of the period's open, high and low, when a record closes a period
 *     (a daily OHLC row; the price field is then its close), else empty
 */
record FieldMapping(
    Optional<String> symbolField,
    Optional<String> fixedSymbol,
    String timeField,
    String timeFormat,
    ZoneId zone,
    String priceField,
    Optional<String> volumeField,
    Duration maxClockSkew,
    Optional<RangeFields> rangeFields) {

  /** The fields of a period's open, high and low ({@code open-field}, {@code high-field}, ...). */
  record RangeFields(String open, String high, String low) {}

  FieldMapping {
    if (symbolField.isPresent() == fixedSymbol.isPresent()) {
      throw new IllegalArgumentException("set exactly one of symbol-field and symbol");
    }
    if (!timeFormat.equals("iso-instant")
        && !timeFormat.equals("epoch-millis")
        && !timeFormat.equals("epoch-seconds")) {
      DateTimeFormatter.ofPattern(timeFormat, Locale.ROOT); // fails now on a bad pattern
    }
  }

  /** Reads the mapping keys of a source block: symbol-field or symbol, time-field, ... */
  static FieldMapping from(Config source, QuoteSettings quotes) {
    List<Optional<String>> range =
        List.of(
            optional(source, "open-field"),
            optional(source, "high-field"),
            optional(source, "low-field"));
    long given = range.stream().filter(Optional::isPresent).count();
    if (given != 0 && given != 3) {
      throw new IllegalArgumentException(
          "set all three of open-field, high-field and low-field, or none");
    }
    return new FieldMapping(
        optional(source, "symbol-field"),
        optional(source, "symbol"),
        source.getString("time-field"),
        source.getString("time-format"),
        ZoneId.of(source.getString("zone")),
        source.getString("price-field"),
        optional(source, "volume-field"),
        quotes.maxClockSkew(),
        given == 0
            ? Optional.empty()
            : Optional.of(
                new RangeFields(
                    range.get(0).orElseThrow(),
                    range.get(1).orElseThrow(),
                    range.get(2).orElseThrow())));
  }

  /** The columns of the period's open, high and low, by the setting that names each. */
  Map<String, String> rangeColumns() {
    Map<String, String> columns = new LinkedHashMap<>();
    rangeFields.ifPresent(
        fields -> {
          columns.put("open-field", fields.open());
          columns.put("high-field", fields.high());
          columns.put("low-field", fields.low());
        });
    return columns;
  }

  /**
   * Maps one record to a quote, or to a dead letter naming the first field that is wrong.
   *
   * @param field the record's value of a field, empty when it has none
   * @param raw the record as received, kept in the dead letter
   */
  Collected toQuote(
      String source, Function<String, Optional<String>> field, byte[] raw, Instant now) {
    try {
      String symbol = fixedSymbol.orElseGet(() -> required(field, symbolField.orElseThrow()));
      Instant ts = parseTime(required(field, timeField));
      double price = number(required(field, priceField), priceField, Reason.BAD_PRICE);
      long volume =
          volumeField.isEmpty()
              ? 0
              : (long)
                  number(required(field, volumeField.get()), volumeField.get(), Reason.BAD_VOLUME);
      Quote.Ohlc ohlc =
          rangeFields
              .map(
                  fields ->
                      new Quote.Ohlc(
                          number(required(field, fields.open()), fields.open(), Reason.BAD_PRICE),
                          number(required(field, fields.high()), fields.high(), Reason.BAD_PRICE),
                          number(required(field, fields.low()), fields.low(), Reason.BAD_PRICE)))
              .orElse(null);
      Quote quote = new Quote(symbol, ts, price, volume, source, ohlc);
      Optional<Rejection> early = QuoteRules.checkTime(ts, now, maxClockSkew);
      return early
          .<Collected>map(r -> rejected(source, r, raw, now))
          .orElse(new Accepted(source, quote));
    } catch (InvalidQuoteException e) {
      return rejected(source, e.rejection(), raw, now);
    }
  }

  /** The event time of a field's text, in the configured format. */
  Instant parseTime(String text) {
    try {
      return switch (timeFormat) {
        case "iso-instant" -> Instant.parse(text);
        case "epoch-millis" -> Instant.ofEpochMilli(Long.parseLong(text));
        case "epoch-seconds" -> Instant.ofEpochSecond(Long.parseLong(text));
        default -> {
          TemporalAccessor parsed =
              DateTimeFormatter.ofPattern(timeFormat, Locale.ROOT)
                  .parseBest(text, ZonedDateTime::from, LocalDateTime::from, LocalDate::from);
          if (parsed instanceof ZonedDateTime zoned) {
            yield zoned.toInstant();
          } else if (parsed instanceof LocalDateTime local) {
            yield local.atZone(zone).toInstant();
          } else {
            yield ((LocalDate) parsed).atStartOfDay(zone).toInstant();
          }
        }
      };
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new InvalidQuoteException(
          new Rejection(
              Reason.BAD_TIMESTAMP,
              timeField + " '" + text + "' does not match the time format " + timeFormat),
          e);
    }
  }

  private static String required(Function<String, Optional<String>> field, String name) {
    return field
        .apply(name)
        .filter(value -> !value.isBlank())
        .orElseThrow(
            () ->
                new InvalidQuoteException(
                    new Rejection(Reason.MISSING_FIELD, name + " is missing")));
  }

  private static double number(String text, String name, Reason reason) {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new InvalidQuoteException(
          new Rejection(reason, name + " '" + text + "' is not a number"), e);
    }
  }

  private static Rejected rejected(String source, Rejection rejection, byte[] raw, Instant now) {
    return new Rejected(new DeadLetter(source, rejection, raw, now));
  }

  private static Optional<String> optional(Config config, String path) {
    return config.hasPath(path) && !config.getString(path).isBlank()
        ? Optional.of(config.getString(path))
        : Optional.empty();
  }
}
