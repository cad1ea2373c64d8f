package io.smack.deploy;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.Period;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ISO-8601 duration as Chronos reads it, {@code PnYnMnWnDTnHnMnS}: {@code P} always, {@code T}
 * before any hour, minute or second (so {@code P10M} is ten months and {@code PT10M} ten minutes).
 * The date part is a {@link Period}, the time part a {@link Duration}.
 */
record IsoDuration(String text, Period datePart, Duration timePart) {

  private static final Pattern SYNTAX =
      Pattern.compile(
          "P(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)W)?(?:(\\d+)D)?"
              + "(?:T(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+(?:\\.\\d+)?)S)?)?");

  /** The duration {@code text} denotes; an exception names what is wrong with it. */
  static IsoDuration parse(String text) {
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches() || text.equals("P") || text.endsWith("T")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an ISO-8601 duration (P1D, PT30M, P1DT12H; T before hours)");
    }
    Period date =
        Period.of(
            number(m.group(1)), number(m.group(2)), number(m.group(3)) * 7 + number(m.group(4)));
    Duration time =
        Duration.ofHours(number(m.group(5)))
            .plusMinutes(number(m.group(6)))
            .plusMillis(m.group(7) == null ? 0 : Math.round(Double.parseDouble(m.group(7)) * 1000));
    if (date.isZero() && time.isZero()) {
      throw new IllegalArgumentException("'" + text + "' is a zero duration");
    }
    return new IsoDuration(text, date, time);
  }

  /** {@code time} moved on by this duration. */
  OffsetDateTime addTo(OffsetDateTime time) {
    return time.plus(datePart).plus(timePart);
  }

  private static int number(String digits) {
    return digits == null ? 0 : Integer.parseInt(digits);
  }
}
