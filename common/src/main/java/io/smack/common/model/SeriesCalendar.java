package io.smack.common.model;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * When a series' next step is expected, from the spacing and calendar its own times show. Pure.
 *
 * <ul>
 *   <li>Steps under a day (one-minute bars, ticks): the newest time plus the median step.
 *   <li>Steps of a day or more: the newest time plus the median step, moved on a day at a time to a
 *       weekday the series has (UTC): a daily series of trading days steps from Friday to Monday.
 *   <li>Monthly series (a median step of 28 days or more, every time on the same day of the month
 *       and time of day): the same day of the next month.
 * </ul>
 *
 * Holidays are not known: a daily series' step over one lands on the holiday.
 */
public final class SeriesCalendar {

  private static final Duration DAY = Duration.ofDays(1);

  private SeriesCalendar() {}

  /**
   * @param oldestFirst at least two times, oldest first
   */
  public static Instant next(List<Instant> oldestFirst) {
    if (oldestFirst.size() < 2) {
      throw new IllegalArgumentException("need two times for a step, got " + oldestFirst.size());
    }
    Instant last = oldestFirst.get(oldestFirst.size() - 1);
    Duration step = medianStep(oldestFirst);
    if (step.compareTo(DAY) < 0) {
      return last.plus(step);
    }
    ZonedDateTime lastUtc = last.atZone(ZoneOffset.UTC);
    if (step.compareTo(Duration.ofDays(28)) >= 0 && monthly(oldestFirst)) {
      return lastUtc.plusMonths(1).toInstant();
    }
    Set<DayOfWeek> weekdays = EnumSet.noneOf(DayOfWeek.class);
    oldestFirst.forEach(time -> weekdays.add(time.atZone(ZoneOffset.UTC).getDayOfWeek()));
    ZonedDateTime next = lastUtc.plus(step);
    for (int day = 0; day < 7 && !weekdays.contains(next.getDayOfWeek()); day++) {
      next = next.plusDays(1);
    }
    return next.toInstant();
  }

  /** The median time between two consecutive times. */
  public static Duration medianStep(List<Instant> oldestFirst) {
    List<Duration> steps = new ArrayList<>();
    for (int i = 1; i < oldestFirst.size(); i++) {
      steps.add(Duration.between(oldestFirst.get(i - 1), oldestFirst.get(i)));
    }
    steps.sort(Duration::compareTo);
    int middle = steps.size() / 2;
    return steps.size() % 2 == 1
        ? steps.get(middle)
        : steps.get(middle - 1).plus(steps.get(middle)).dividedBy(2);
  }

  private static boolean monthly(List<Instant> times) {
    ZonedDateTime first = times.get(0).atZone(ZoneOffset.UTC);
    return times.stream()
        .map(time -> time.atZone(ZoneOffset.UTC))
        .allMatch(
            time ->
                time.getDayOfMonth() == first.getDayOfMonth()
                    && time.toLocalTime().equals(first.toLocalTime()));
  }
}
