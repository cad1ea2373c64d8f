package io.smack.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#toString()}'s form ({@code 2026-11-23T14:30:00.125Z}: seconds always, then 3, 6 or
 * 9 digits of fraction as needed) appended to {@link AsciiBytes} without a formatter. Quotes come
 * in time order, many to a second: the text of the last second written is kept, and of the last
 * day.
 */
final class Iso8601 {

  /** A second and its {@code yyyy-MM-ddTHH:mm:ss}. */
  private record Second(long epochSecond, byte[] text) {}

  /** A day and its {@code yyyy-MM-ddT}. */
  private record Day(long epochDay, byte[] prefix) {}

  private static final long FIRST_DAY = LocalDate.of(0, 1, 1).toEpochDay();
  private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

  // each replaced whole, never changed: a thread sees an old one or a new one, both right
  private static volatile Day lastDay = day(0);
  private static volatile Second lastSecond = second(0);

  private Iso8601() {}

  /** Appends {@code instant} as {@link Instant#toString()} would; false for years past 0-9999. */
  static boolean appendInstant(AsciiBytes out, Instant instant) {
    long seconds = instant.getEpochSecond();
    Second second = lastSecond;
    if (second.epochSecond() != seconds) {
      long epochDay = Math.floorDiv(seconds, 86_400);
      if (epochDay < FIRST_DAY || epochDay > LAST_DAY) {
        return false;
      }
      second = second(seconds);
      lastSecond = second;
    }
    out.append(second.text());
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

  private static Second second(long epochSecond) {
    long epochDay = Math.floorDiv(epochSecond, 86_400);
    Day day = lastDay;
    if (day.epochDay() != epochDay) {
      day = day(epochDay);
      lastDay = day;
    }
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400);
    AsciiBytes text = new AsciiBytes(19).append(day.prefix());
    text.appendDigits(secondOfDay / 3600, 2).append(':');
    text.appendDigits(secondOfDay / 60 % 60, 2).append(':');
    text.appendDigits(secondOfDay % 60, 2);
    return new Second(epochSecond, text.toByteArray());
  }

  private static Day day(long epochDay) {
    return new Day(
        epochDay, (LocalDate.ofEpochDay(epochDay) + "T").getBytes(StandardCharsets.US_ASCII));
  }
}
