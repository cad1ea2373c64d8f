package io.smack.access;

import io.smack.common.QuoteRules;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads the path and query parameters of a request, or throws a 400 {@link ApiException} naming the
 * bad value and what was expected. Pure: no I/O, so every case is a unit test.
 */
final class RequestParameters {

  /** The earliest and latest instants a request may name: years 1970 to 9999. */
  static final Instant EARLIEST = QuoteRules.EARLIEST;

  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  private RequestParameters() {}

  /**
   * A time range of a request, {@code from} inclusive and {@code to} exclusive, as asked (null when
   * open) and as read (open ends replaced by the earliest and latest instants).
   *
   * @param cursor from a previous page: only items older than it
   */
  record TimeRange(Instant from, Instant to, Instant cursor, int limit) {

    Instant start() {
      return from == null ? EARLIEST : from;
    }

    /** Exclusive: the older of {@code to} and the cursor. */
    Instant end() {
      Instant end = to == null ? LATEST : to;
      return cursor != null && cursor.isBefore(end) ? cursor : end;
    }
  }

  static String symbol(String text) {
    if (!QuoteRules.SYMBOL.matcher(text).matches()) {
      throw ApiException.badRequest(
          "bad_symbol",
          "'"
              + text
              + "' is not a symbol: expected "
              + QuoteRules.SYMBOL.pattern()
              + ", like AAPL");
    }
    return text;
  }

  static TimeRange range(
      Optional<String> from,
      Optional<String> to,
      Optional<String> cursor,
      Optional<String> limit,
      AccessSettings settings) {
    return range(from, to, cursor, limit, settings.defaultLimit(), settings.maxLimit());
  }

  /** As {@link #range(Optional, Optional, Optional, Optional, AccessSettings)}, with its limits. */
  static TimeRange range(
      Optional<String> from,
      Optional<String> to,
      Optional<String> cursor,
      Optional<String> limit,
      int defaultLimit,
      int maxLimit) {
    Instant start = from.map(text -> instant("from", text)).orElse(null);
    Instant end = to.map(text -> instant("to", text)).orElse(null);
    if (start != null && end != null && start.isAfter(end)) {
      throw ApiException.badRequest(
          "bad_range", "from " + start + " is after to " + end + " (to is exclusive)");
    }
    return new TimeRange(
        start,
        end,
        cursor.map(text -> instant("cursor", text)).orElse(null),
        limit.map(text -> limit(text, maxLimit)).orElse(Math.min(defaultLimit, maxLimit)));
  }

  /**
   * An ISO-8601 instant with an offset ({@code 2026-11-23T14:30:00Z}, {@code
   * 2026-11-23T15:30:00+01:00}) or a date, meaning its start in UTC ({@code 2026-11-23}).
   */
  static Instant instant(String name, String text) {
    Instant instant;
    try {
      instant =
          text.length() == 10
              ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
              : OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          "bad_time",
          name
              + ": '"
              + text
              + "' is not an ISO-8601 instant like 2026-11-23T14:30:00Z or a date like"
              + " 2026-11-23");
    }
    if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      throw ApiException.badRequest(
          "bad_time", name + ": " + instant + " is not between " + EARLIEST + " and " + LATEST);
    }
    return instant;
  }

  static int limit(String text, int max) {
    int limit;
    try {
      limit = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("bad_limit", "limit: '" + text + "' is not a whole number");
    }
    if (limit < 1 || limit > max) {
      throw ApiException.badRequest("bad_limit", "limit " + limit + " is not between 1 and " + max);
    }
    return limit;
  }
}
