package io.smack.deploy;

import static io.smack.deploy.Definitions.chronosJob;
import static io.smack.deploy.Definitions.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChronosRulesTest {

  /** Before the training job's start in its file: the file as it is must pass. */
  private static final Instant BEFORE_START = Instant.parse("2025-12-31T00:00:00Z");

  @Test
  void should_accept_the_training_job_of_the_project_before_its_start() {
    assertThat(ChronosRules.check(chronosJob("model-training"), BEFORE_START)).isEmpty();
  }

  @Test
  void should_refuse_a_schedule_whose_start_has_passed() {
    ObjectNode job = chronosJob("model-training");

    assertThat(ChronosRules.check(job, Instant.parse("2026-11-28T12:00:00Z")))
        .containsExactly(
            "job smack-model-training.schedule: starts at 2026-01-01T02:00Z, not after now:"
                + " Chronos would run it at once, on every post");
  }

  @Test
  void should_refuse_names_schedules_and_durations_chronos_cannot_read() {
    ObjectNode job = chronosJob("model-training");
    job.put("name", "smack/model-training");
    job.put("schedule", "R/2030-01-01T02:00:00Z/P1H");
    job.put("epsilon", "30M");

    assertThat(ChronosRules.check(job, BEFORE_START))
        .containsExactlyInAnyOrder(
            "job smack/model-training.name: 'smack/model-training' is not a Chronos job name"
                + " (letters, digits, . # _ -)",
            "job smack/model-training.schedule: 'P1H' is not an ISO-8601 duration (P1D, PT30M,"
                + " P1DT12H; T before hours)",
            "job smack/model-training.epsilon: '30M' is not an ISO-8601 duration (P1D, PT30M,"
                + " P1DT12H; T before hours)");
  }

  @Test
  void should_want_a_schedule_or_parents_but_not_both() {
    ObjectNode both = chronosJob("model-training");
    both.set("parents", json("{\"p\": [\"smack-model-training\"]}").get("p"));
    ObjectNode neither = chronosJob("model-training");
    neither.remove("schedule");

    assertThat(ChronosRules.check(both, BEFORE_START))
        .containsExactly(
            "job smack-model-training: needs a schedule or parents (a dependent job), not both or"
                + " neither");
    assertThat(ChronosRules.check(neither, BEFORE_START)).hasSize(1);
  }

  @Test
  void should_check_the_container_the_environment_and_ignored_arguments() {
    ObjectNode job = chronosJob("model-training");
    ((ObjectNode) job.get("container")).remove("image");
    ((ObjectNode) job.get("container")).put("network", "bridge");
    ((ObjectNode) job.get("environmentVariables").get(0)).put("value", 4);
    job.put("shell", true);

    assertThat(ChronosRules.check(job, BEFORE_START))
        .containsExactlyInAnyOrder(
            "job smack-model-training.container.image: is required",
            "job smack-model-training.container.network: \"bridge\" is not one of [BRIDGE, HOST,"
                + " NONE, USER]",
            "job smack-model-training.environmentVariables[0].value: must be a string (quote"
                + " numbers), not 4",
            "job smack-model-training.arguments: are ignored unless shell is false");
  }
}
