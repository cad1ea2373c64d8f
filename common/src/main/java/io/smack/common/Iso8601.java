package io.smack.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#toString()}'s form ({@code 2026-11-23T14:30:00.125Z}: seconds always, then 3, 6 or
 * 9 digits of fraction as needed) appended to {@link AsciiBytes} without a formatter: the date part
 * is computed once per day and kept.
 */
final class Iso8601 {

  /** The last day written, and its {@code yyyy-MM-ddT}. */
  private record Day(long epochDay, byte[] prefix) {}

  private static final long FIRST_DAY = LocalDate.of(0, 1, 1).toEpochDay();
  private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

  private static volatile Day lastDay = day(0);

  private Iso8601() {}

  /** Appends {@code instant} as {@link Instant#toString()} would; false for years past 0-9999. */
  static boolean appendInstant(AsciiBytes out, Instant instant) {
    long seconds = instant.getEpochSecond();
    long epochDay = Math.floorDiv(seconds, 86_400);
    if (epochDay < FIRST_DAY || epochDay > LAST_DAY) {
      return false;
    }
    Day day = lastDay;
    if (day.epochDay() != epochDay) {
      day = day(epochDay);
      lastDay = day;
    }
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    out.append(day.prefix());
    out.appendDigits(secondOfDay / 3600, 2).append(':');
    out.appendDigits(secondOfDay / 60 % 60, 2).append(':');
    out.appendDigits(secondOfDay % 60, 2);
    int nanos = instant.getNano();
    if (nanos > 0) {
      out.append('.');
      if (nanos % 1_000_000 == 0) {
        out.appendDigits(nanos / 1_000_000, 3);
      } else if (nanos % 1000 == 0) {
        out.appendDigits(nanos / 1000, 6);
      } else {
        out.appendDigits(nanos, 9);
      }
    }
    out.append('Z');
    return true;
  }

  private static Day day(long epochDay) {
    return new Day(
        epochDay, (LocalDate.ofEpochDay(epochDay) + "T").getBytes(StandardCharsets.US_ASCII));
  }
}
