package io.smack.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class RepeatingScheduleTest {

  @Test
  void should_move_a_past_start_to_the_next_occurrence_at_the_same_time_of_day() {
    // given a nightly schedule that started in January
    RepeatingSchedule nightly = RepeatingSchedule.parse("R/2026-01-01T02:00:00Z/P1D");

    // when it is deployed in the evening, and just after 02:00
    String evening = nightly.nextAfter(Instant.parse("2026-11-27T21:15:00Z")).toString();
    String morning = nightly.nextAfter(Instant.parse("2026-11-28T02:00:01Z")).toString();

    // then it starts at the next 02:00
    assertThat(evening).isEqualTo("R/2026-11-28T02:00:00Z/P1D");
    assertThat(morning).isEqualTo("R/2026-11-29T02:00:00Z/P1D");
  }

  @Test
  void should_never_start_exactly_now() {
    RepeatingSchedule nightly = RepeatingSchedule.parse("R/2026-01-01T02:00:00Z/P1D");

    assertThat(nightly.nextAfter(Instant.parse("2026-11-28T02:00:00Z")).start())
        .isEqualTo(OffsetDateTime.parse("2026-11-29T02:00:00Z"));
  }

  @Test
  void should_keep_a_future_start_its_offset_and_its_repetitions() {
    RepeatingSchedule schedule = RepeatingSchedule.parse("R5/2030-06-01T09:30:00+02:00/PT12H");

    assertThat(schedule.nextAfter(Instant.parse("2026-11-28T00:00:00Z")).toString())
        .isEqualTo("R5/2030-06-01T09:30:00+02:00/PT12H");
  }

  @Test
  void should_step_by_calendar_months_and_by_fixed_durations() {
    RepeatingSchedule monthly = RepeatingSchedule.parse("R/2026-01-31T00:00:00Z/P1M");
    RepeatingSchedule everySecond = RepeatingSchedule.parse("R/2000-01-01T00:00:00Z/PT1S");

    assertThat(monthly.nextAfter(Instant.parse("2026-03-15T00:00:00Z")).start())
        .isEqualTo(OffsetDateTime.parse("2026-03-28T00:00:00Z"));
    assertThat(everySecond.nextAfter(Instant.parse("2026-11-28T10:00:00.500Z")).start())
        .isEqualTo(OffsetDateTime.parse("2026-11-28T10:00:01Z"));
  }

  @Test
  void should_read_the_durations_of_the_chronos_documentation() {
    assertThat(IsoDuration.parse("P10M").datePart().getMonths()).isEqualTo(10);
    assertThat(IsoDuration.parse("PT10M").timePart().toMinutes()).isEqualTo(10);
    assertThat(IsoDuration.parse("P1Y2M3DT4H5M6S").timePart().getSeconds())
        .isEqualTo(4 * 3600 + 5 * 60 + 6);
    assertThat(IsoDuration.parse("P2W").datePart().getDays()).isEqualTo(14);
  }

  @Test
  void should_refuse_what_chronos_cannot_schedule() {
    assertThatThrownBy(() -> RepeatingSchedule.parse("R//P1D")).hasMessageContaining("no start");
    assertThatThrownBy(() -> RepeatingSchedule.parse("2026-01-01T02:00:00Z/P1D"))
        .hasMessageContaining("repeating interval");
    assertThatThrownBy(() -> RepeatingSchedule.parse("R/2026-01-01T02:00:00/P1D"))
        .hasMessageContaining("with a zone");
    assertThatThrownBy(() -> RepeatingSchedule.parse("R/2026-01-01T02:00:00Z/P1H"))
        .hasMessageContaining("T before hours");
    assertThatThrownBy(() -> IsoDuration.parse("PT")).hasMessageContaining("not an ISO-8601");
    assertThatThrownBy(() -> IsoDuration.parse("P0D")).hasMessageContaining("zero");
  }
}
