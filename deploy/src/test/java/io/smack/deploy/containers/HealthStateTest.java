package io.smack.deploy.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.deploy.containers.HealthState.Verdict;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HealthStateTest {

  private static final Instant START = Instant.parse("2026-12-06T10:00:00Z");
  // delay 15 s, grace 120 s, every 10 s, 3 failures in a row kill
  private static final HealthCheck LIVE =
      new HealthCheck(
          "MESOS_HTTP",
          "/health/live",
          8080,
          Duration.ofSeconds(15),
          Duration.ofSeconds(120),
          Duration.ofSeconds(10),
          Duration.ofSeconds(5),
          3);

  @Test
  void should_wait_the_delay_then_check_every_interval() {
    HealthState state = new HealthState(LIVE, START);

    assertThat(state.due(START.plusSeconds(14))).isFalse();
    assertThat(state.due(START.plusSeconds(15))).isTrue();
    state.record(true, null, START.plusSeconds(15));
    assertThat(state.due(START.plusSeconds(24))).isFalse();
    assertThat(state.due(START.plusSeconds(25))).isTrue();
  }

  @Test
  void should_ignore_failures_in_the_grace_period_until_the_first_success() {
    HealthState state = new HealthState(LIVE, START);

    for (int s = 15; s < 120; s += 10) {
      assertThat(state.record(false, "refused", START.plusSeconds(s))).isEqualTo(Verdict.STARTING);
    }
    assertThat(state.record(false, "refused", START.plusSeconds(125))).isEqualTo(Verdict.FAILING);
    assertThat(state.record(false, "refused", START.plusSeconds(135))).isEqualTo(Verdict.FAILING);
    assertThat(state.record(false, "refused", START.plusSeconds(145))).isEqualTo(Verdict.KILL);
    assertThat(state.lastFailure()).isEqualTo("refused");
  }

  @Test
  void should_count_failures_after_the_first_success_even_within_the_grace_period() {
    HealthState state = new HealthState(LIVE, START);

    state.record(true, null, START.plusSeconds(15));
    assertThat(state.record(false, "503", START.plusSeconds(25))).isEqualTo(Verdict.FAILING);
    assertThat(state.record(true, null, START.plusSeconds(35))).isEqualTo(Verdict.HEALTHY);
    assertThat(state.consecutiveFailures()).isZero();
    state.record(false, "503", START.plusSeconds(45));
    state.record(false, "503", START.plusSeconds(55));
    assertThat(state.record(false, "503", START.plusSeconds(65))).isEqualTo(Verdict.KILL);
  }

  @Test
  void should_never_kill_when_the_check_tolerates_any_number_of_failures() {
    HealthCheck lenient =
        new HealthCheck(
            "HTTP",
            "/",
            1,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            0);
    HealthState state = new HealthState(lenient, START);

    for (int s = 1; s < 100; s++) {
      assertThat(state.record(false, "503", START.plusSeconds(s))).isEqualTo(Verdict.FAILING);
    }
  }
}
