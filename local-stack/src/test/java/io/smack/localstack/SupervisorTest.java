package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SupervisorTest {

  private static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");

  @Test
  void should_grow_the_delay_as_marathon_does_and_cap_it() {
    assertThat(Supervisor.delay(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Supervisor.delay(2)).isEqualTo(Duration.ofMillis(1150));
    assertThat(Supervisor.delay(10).toMillis()).isBetween(3510L, 3520L);
    assertThat(Supervisor.delay(100)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void should_name_the_signal_that_killed_a_jvm() {
    assertThat(Supervisor.describe(OptionalInt.of(137)))
        .isEqualTo("was killed by SIGKILL (exit code 137)");
    assertThat(Supervisor.describe(OptionalInt.of(143))).contains("SIGTERM");
    assertThat(Supervisor.describe(OptionalInt.of(1))).isEqualTo("exited with code 1");
  }

  @Test
  void should_restart_a_dead_part_after_its_delay_and_leave_a_live_one_alone() throws Exception {
    // given: two parts, one of which dies
    FakePart dying = new FakePart("dying");
    FakePart steady = new FakePart("steady");
    try (Supervisor supervisor = new Supervisor()) {
      supervisor.watch(new Supervisor.Part(() -> dying, dying::restart), T0);
      supervisor.watch(new Supervisor.Part(() -> steady, steady::restart), T0);
      dying.alive.set(false);

      // when: checked at once, then after the first delay
      supervisor.check(T0);
      supervisor.check(T0.plusMillis(500));
      assertThat(dying.restarts).as("not before its delay").hasValue(0);
      supervisor.check(T0.plusSeconds(1));
      Await.until(() -> dying.restarts.get() == 1, Duration.ofSeconds(10));

      // then: it runs again, the other one was never touched
      supervisor.check(T0.plusSeconds(2));
      assertThat(dying.alive).isTrue();
      assertThat(steady.restarts).hasValue(0);
    }
  }

  private static final class FakePart implements Supervisor.Running {
    final String name;
    final AtomicBoolean alive = new AtomicBoolean(true);
    final AtomicInteger restarts = new AtomicInteger();

    FakePart(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean isAlive() {
      return alive.get();
    }

    @Override
    public OptionalInt exitCode() {
      return alive.get() ? OptionalInt.empty() : OptionalInt.of(137);
    }

    @Override
    public Path logFile() {
      return Path.of(name + ".log");
    }

    void restart() {
      restarts.incrementAndGet();
      alive.set(true);
    }
  }
}
