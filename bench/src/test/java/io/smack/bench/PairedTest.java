package io.smack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairedTest {

  @Test
  void should_warm_up_every_trial_then_rotate_which_goes_first() throws Exception {
    // given
    List<String> ran = new ArrayList<>();
    Paired paired =
        Paired.of("test")
            .trial("subject", before -> record(ran, "subject"))
            .trial("baseline", before -> record(ran, "baseline"))
            .rounds(3);

    // when
    paired.run();

    // then
    assertThat(ran)
        .containsExactly(
            "subject", "baseline", // the warm-up
            "subject", "baseline",
            "baseline", "subject",
            "subject", "baseline");
  }

  @Test
  void should_keep_the_warm_up_out_of_the_figures() throws Exception {
    // given: a cold first run, then steady rates
    double[] subject = {1, 90, 60, 72};
    double[] baseline = {1, 100, 120, 80};
    int[] next = {0, 0};
    Paired.Rounds rounds =
        Paired.of("test")
            .trial("subject", before -> Map.of("rate", subject[next[0]++]))
            .trial("baseline", before -> Map.of("rate", baseline[next[1]++]))
            .rounds(3)
            .run();

    // when
    Figure bare = rounds.raw("bare", "x/s", "baseline", "rate");
    Figure figure = rounds.against(bare, "subject", "subject", "rate");

    // then: the per-round ratios 0.9, 0.5, 0.9
    assertThat(bare.value().rounds()).containsExactly(100.0, 120.0, 80.0);
    assertThat(figure.value().median()).isEqualTo(72);
    assertThat(figure.ratio().orElseThrow().value().median()).isEqualTo(0.9);
    assertThat(figure.ratio().orElseThrow().value().min()).isEqualTo(0.5);
  }

  @Test
  void should_give_a_trial_what_ran_before_it() throws Exception {
    // given: the baseline does the work the subject's latest round did
    int[] work = {0};
    Paired.Rounds rounds =
        Paired.of("test")
            .trial("subject", before -> Map.of("rows", (double) ++work[0]))
            .trial(
                "baseline",
                before -> Map.of("rows", before.latest("subject").orElseThrow().get("rows")))
            .warmUps(0)
            .rounds(3)
            .run();

    // then: round 2 runs the baseline first, on round 1's work
    assertThat(rounds.of("subject", "rows")).containsExactly(1, 2, 3);
    assertThat(rounds.of("baseline", "rows")).containsExactly(1, 1, 3);
  }

  @Test
  void should_refuse_fewer_than_three_rounds() {
    assertThatThrownBy(() -> Paired.of("test").rounds(2)).hasMessageContaining("at least 3");
    assertThatThrownBy(() -> new BenchOptions(BenchOptions.Mode.FULL, 1))
        .hasMessageContaining("at least 3");
  }

  private static Map<String, Double> record(List<String> ran, String name) {
    ran.add(name);
    return Map.of("rate", 1.0);
  }
}
