package io.smack.deploy;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Chronos schedule, an ISO-8601 repeating interval {@code R[n]/start/period}: {@code R} forever
 * or {@code Rn} n times, from {@code start} ({@code 2026-01-01T02:00:00Z}), every {@code period}.
 *
 * <p>Chronos runs a job whose start is in the past at once, and again on every post of it; so the
 * deploy command posts {@link #nextAfter(Instant) the first start after now} with the same time of
 * day and period, and the file keeps the phase ("nightly at 02:00 UTC").
 */
record RepeatingSchedule(OptionalLong repetitions, OffsetDateTime start, IsoDuration period) {

  private static final Pattern SYNTAX = Pattern.compile("R(\\d*)/([^/]*)/([^/]+)");

  /** Chronos's own form of a start: seconds always, Z or an offset. */
  private static final DateTimeFormatter START_FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

  /** The schedule {@code text} denotes; an exception names what is wrong with it. */
  static RepeatingSchedule parse(String text) {
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an ISO-8601 repeating interval R[n]/START/PERIOD");
    }
    if (m.group(2).isEmpty()) {
      throw new IllegalArgumentException(
          "'" + text + "' has no start: Chronos would run it at once, on every post");
    }
    OffsetDateTime start;
    try {
      start = OffsetDateTime.parse(m.group(2));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'"
              + m.group(2)
              + "' is not an ISO-8601 start with a zone (2026-01-01T02:00:00Z or +01:00)",
          e);
    }
    OptionalLong repetitions =
        m.group(1).isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(m.group(1)));
    return new RepeatingSchedule(repetitions, start, IsoDuration.parse(m.group(3)));
  }

  /**
   * This schedule started at its first occurrence strictly after {@code now}: the same phase and
   * period (and the same repetitions: a job limited to n runs gets n from then).
   */
  RepeatingSchedule nextAfter(Instant now) {
    OffsetDateTime next = start;
    if (period.datePart().isZero() && next.toInstant().isBefore(now)) {
      // a fixed length: jump close to now at once (a PT1S schedule from years ago)
      long behind = Duration.between(next.toInstant(), now).toMillis();
      next = next.plus(period.timePart().multipliedBy(behind / period.timePart().toMillis()));
    }
    while (!next.toInstant().isAfter(now)) {
      next = period.addTo(next);
    }
    return new RepeatingSchedule(repetitions, next, period);
  }

  @Override
  public String toString() {
    String count = repetitions.isPresent() ? String.valueOf(repetitions.getAsLong()) : "";
    return "R" + count + "/" + START_FORMAT.format(start) + "/" + period.text();
  }
}
