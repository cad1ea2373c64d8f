package io.smack.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesCalendarTest {

  private static Instant day(String date) {
    return LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** Weekdays from {@code from}, {@code n} of them. */
  private static List<Instant> tradingDays(String from, int n) {
    List<Instant> days = new ArrayList<>();
    LocalDate date = LocalDate.parse(from);
    while (days.size() < n) {
      if (date.getDayOfWeek().getValue() <= 5) {
        days.add(date.atStartOfDay(ZoneOffset.UTC).toInstant());
      }
      date = date.plusDays(1);
    }
    return days;
  }

  @Test
  void minuteBarsStepByTheirMedianSpacing() {
    Instant start = Instant.parse("2026-12-04T10:00:00Z");
    List<Instant> minutes = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      minutes.add(start.plus(Duration.ofMinutes(i == 20 ? 22 : i))); // one gap
    }
    assertThat(SeriesCalendar.next(minutes)).isEqualTo(Instant.parse("2026-12-04T10:23:00Z"));
  }

  @Test
  void aDailySeriesOfTradingDaysStepsFromFridayToMonday() {
    // 21 weekdays ending on Friday 2020-04-17, the last row of sp500-2000.csv
    List<Instant> days = tradingDays("2020-03-20", 21);
    assertThat(days.get(days.size() - 1)).isEqualTo(day("2020-04-17"));

    assertThat(SeriesCalendar.next(days)).isEqualTo(day("2020-04-20"));
    // Thursday to Friday
    assertThat(SeriesCalendar.next(days.subList(0, 20))).isEqualTo(day("2020-04-17"));
  }

  @Test
  void aSeriesOfEveryDayStepsOntoTheWeekend() {
    List<Instant> days = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      days.add(day("2020-03-28").plus(Duration.ofDays(i)));
    }
    // 2020-04-17 is a Friday; the series has Saturdays
    assertThat(SeriesCalendar.next(days)).isEqualTo(day("2020-04-18"));
  }

  @Test
  void aMonthlySeriesStepsToTheSameDayOfTheNextMonth() {
    List<Instant> months = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      months.add(
          LocalDate.parse("2008-06-01").plusMonths(i).atStartOfDay(ZoneOffset.UTC).toInstant());
    }
    assertThat(months.get(20)).isEqualTo(day("2010-02-01"));
    assertThat(SeriesCalendar.next(months)).isEqualTo(day("2010-03-01"));
  }
}
