package io.smack.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastMonitorTest {

  private static ForecastMonitor run(ForecastMonitor monitor, double[] model, double[] naive) {
    for (int i = 0; i < model.length; i++) {
      monitor = monitor.with(model[i], naive[i]);
    }
    return monitor;
  }

  @Test
  void figuresAreTheRmseAndMaeOfTheWindowOnly() {
    ForecastMonitor monitor =
        run(
            ForecastMonitor.empty(3, 0.05),
            new double[] {100, 1, -2, 2},
            new double[] {100, 2, 2, -2});

    ForecastMonitor.Figures figures = monitor.figures().orElseThrow();
    // the first step (100, 100) has left the window of three
    assertThat(monitor.modelErrors()).containsExactly(1.0, -2.0, 2.0);
    assertThat(figures.steps()).isEqualTo(3);
    assertThat(figures.full()).isTrue();
    assertThat(figures.rmse()).isCloseTo(Math.sqrt(9.0 / 3), within(1e-12));
    assertThat(figures.mae()).isCloseTo(5.0 / 3, within(1e-12));
    assertThat(figures.naiveRmse()).isCloseTo(2.0, within(1e-12));
    assertThat(figures.naiveMae()).isCloseTo(2.0, within(1e-12));
    assertThat(figures.rmseExcess()).isCloseTo(Math.sqrt(3) / 2 - 1, within(1e-12));
  }

  @Test
  void aModelBetterThanNaiveStays() {
    ForecastMonitor monitor = ForecastMonitor.empty(20, 0.05);
    for (int i = 0; i < 100; i++) {
      double sign = i % 2 == 0 ? 1 : -1;
      monitor = monitor.with(0.5 * sign, 1.0 * sign);
      assertThat(monitor.demotion()).as("step %d", i).isEmpty();
    }
    assertThat(monitor.figures().orElseThrow().rmseExcess()).isCloseTo(-0.5, within(1e-12));
  }

  @Test
  void aModelWorseOverAFullWindowIsDemotedOnlyOnceTheWindowIsFull() {
    ForecastMonitor monitor = ForecastMonitor.empty(10, 0.05);
    for (int i = 0; i < 9; i++) {
      monitor = monitor.with(2.0, 1.0);
      assertThat(monitor.demotion()).as("step %d of a window of 10", i).isEmpty();
    }
    monitor = monitor.with(2.0, 1.0);

    ForecastMonitor.Figures demotion = monitor.demotion().orElseThrow();
    assertThat(demotion.rmse()).isEqualTo(2.0);
    assertThat(demotion.naiveRmse()).isEqualTo(1.0);
    assertThat(demotion.toString()).contains("rmse 2.00000 vs naive 1.00000 (+100.00 %)");
  }

  @Test
  void aShortBadStreakInsideAWindowIsNotDemoted() {
    ForecastMonitor monitor = ForecastMonitor.empty(30, 0.05);
    for (int i = 0; i < 30; i++) {
      monitor = monitor.with(0.6, 1.0);
    }
    // two steps 2.5 times worse than naive, inside a window of good ones
    for (int i = 0; i < 2; i++) {
      monitor = monitor.with(2.5, 1.0);
      assertThat(monitor.demotion()).as("bad step %d", i).isEmpty();
    }
    ForecastMonitor.Figures figures = monitor.figures().orElseThrow();
    assertThat(figures.rmse()).isCloseTo(Math.sqrt((28 * 0.36 + 2 * 6.25) / 30), within(1e-12));
    assertThat(figures.rmse()).isLessThan(figures.naiveRmse() * 1.05);
  }

  @Test
  void withinTheMarginIsNotDemotedAndBeyondItIs() {
    ForecastMonitor within = ForecastMonitor.empty(4, 0.10);
    ForecastMonitor beyond = ForecastMonitor.empty(4, 0.10);
    for (int i = 0; i < 4; i++) {
      within = within.with(1.09, 1.0);
      beyond = beyond.with(1.11, 1.0);
    }
    assertThat(within.demotion()).isEmpty();
    assertThat(beyond.demotion()).isPresent();
  }

  @Test
  void clearedKeepsTheSettingsAndDropsTheSteps() {
    ForecastMonitor monitor = ForecastMonitor.empty(5, 0.2).with(1, 1).cleared();
    assertThat(monitor).isEqualTo(new ForecastMonitor(5, 0.2, List.of(), List.of()));
    assertThat(monitor.figures()).isEmpty();
  }

  @Test
  void should_count_a_step_once_when_its_bar_is_measured_again() {
    // given: two steps
    ForecastMonitor monitor = ForecastMonitor.empty(5, 0.05).with(1.0, 2.0).with(3.0, 4.0);

    // when: the newest bar changed and its step is measured again
    ForecastMonitor again = monitor.withNewestReplaced(0.5, 1.5);

    // then
    assertThat(again.modelErrors()).containsExactly(1.0, 0.5);
    assertThat(again.naiveErrors()).containsExactly(2.0, 1.5);
    assertThat(ForecastMonitor.empty(5, 0.05).withNewestReplaced(1.0, 1.0).modelErrors())
        .containsExactly(1.0);
  }
}
