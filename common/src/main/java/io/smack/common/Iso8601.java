package io.smack.common;

import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#toString()}'s form ({@code 2026-11-23T14:30:00.125Z}: seconds always, then 3, 6 or
 * 9 digits of fraction as needed) appended to a builder without a formatter: the date part is
 * computed once per day and kept.
 */
final class Iso8601 {

  /** The last day written, and its {@code yyyy-MM-ddT}. */
  private record Day(long epochDay, String prefix) {}

  private static final long FIRST_DAY = LocalDate.of(0, 1, 1).toEpochDay();
  private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

  private static volatile Day lastDay = new Day(0, "1970-01-01T");

  private Iso8601() {}

  /** Appends {@code instant} as {@link Instant#toString()} would; false for years past 0-9999. */
  static boolean appendInstant(StringBuilder out, Instant instant) {
    long seconds = instant.getEpochSecond();
    long epochDay = Math.floorDiv(seconds, 86_400);
    if (epochDay < FIRST_DAY || epochDay > LAST_DAY) {
      return false;
    }
    Day day = lastDay;
    if (day.epochDay() != epochDay) {
      day = new Day(epochDay, LocalDate.ofEpochDay(epochDay) + "T");
      lastDay = day;
    }
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    out.append(day.prefix());
    twoDigits(out, secondOfDay / 3600);
    out.append(':');
    twoDigits(out, secondOfDay / 60 % 60);
    out.append(':');
    twoDigits(out, secondOfDay % 60);
    int nanos = instant.getNano();
    if (nanos > 0) {
      out.append('.');
      if (nanos % 1_000_000 == 0) {
        digits(out, nanos / 1_000_000, 100);
      } else if (nanos % 1000 == 0) {
        digits(out, nanos / 1000, 100_000);
      } else {
        digits(out, nanos, 100_000_000);
      }
    }
    out.append('Z');
    return true;
  }

  private static void twoDigits(StringBuilder out, int value) {
    out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }

  /** {@code value}'s digits from the one {@code highest} stands for, leading zeros included. */
  private static void digits(StringBuilder out, int value, int highest) {
    for (int divisor = highest; divisor > 0; divisor /= 10) {
      out.append((char) ('0' + value / divisor % 10));
    }
  }
}
