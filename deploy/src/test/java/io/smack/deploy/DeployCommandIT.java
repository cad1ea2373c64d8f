package io.smack.deploy;

import static io.smack.deploy.Definitions.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.localstack.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/smack deploy} as a user runs it: a process, its output and exit status, and the HTTP
 * requests it makes, recorded by servers in the test that answer as told.
 */
class DeployCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a run printed and how it ended. */
  record Run(int exit, String output) {}

  @Test
  void should_put_the_group_to_marathon_and_post_the_job_to_chronos() throws Exception {
    try (RecordingServer marathon =
            new RecordingServer(
                200, "{\"version\":\"2026-11-28T00:00:00Z\",\"deploymentId\":\"d1\"}");
        RecordingServer chronos = new RecordingServer(204, "")) {
      Instant before = Instant.now();

      Run run = deploy(Map.of("MARATHON_URL", marathon.url() + "/", "CHRONOS_URL", chronos.url()));

      assertThat(run.exit()).as(run.output()).isZero();
      RecordingServer.Recorded group = marathon.requests().get(0);
      assertThat(marathon.requests()).hasSize(1);
      assertThat(group.method() + " " + group.path()).isEqualTo("PUT /v2/groups/smack");
      assertThat(group.contentType()).isEqualTo("application/json");
      JsonNode sent = JSON.readTree(group.body());
      assertThat(sent)
          .isEqualTo(DeployPlan.load(Definitions.DEPLOY, DeployOptions.none(), before).group());

      RecordingServer.Recorded job = chronos.requests().get(0);
      assertThat(chronos.requests()).hasSize(1);
      assertThat(job.method() + " " + job.path()).isEqualTo("POST /v1/scheduler/iso8601");
      String schedule = JSON.readTree(job.body()).get("schedule").asText();
      OffsetDateTime start = OffsetDateTime.parse(schedule.split("/")[1]);
      assertThat(start.toInstant()).isAfter(before).isBefore(before.plusSeconds(86_400 + 60));
      assertThat(schedule).endsWith("/P1D");

      assertThat(run.output())
          .contains("Marathon: PUT " + marathon.url() + "/v2/groups/smack -> HTTP 200")
          .contains("\"deploymentId\":\"d1\"")
          .contains("Chronos: POST " + chronos.url() + "/v1/scheduler/iso8601 -> HTTP 204");
    }
  }

  @Test
  void should_print_what_it_would_send_and_send_nothing_on_a_dry_run() throws Exception {
    try (RecordingServer marathon = new RecordingServer(200, "{}");
        RecordingServer chronos = new RecordingServer(204, "")) {

      Run run =
          deploy(
              Map.of("MARATHON_URL", marathon.url(), "CHRONOS_URL", chronos.url()),
              "--dry-run",
              "--image-tag",
              "1.2.3");

      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(marathon.requests()).isEmpty();
      assertThat(chronos.requests()).isEmpty();
      assertThat(run.output())
          .contains("# Marathon: PUT " + marathon.url() + "/v2/groups/smack")
          .contains("# Chronos: POST " + chronos.url() + "/v1/scheduler/iso8601")
          .contains("\"image\" : \"smack/access-service:1.2.3\"")
          .contains("dry run, nothing sent");
    }
  }

  @Test
  void should_run_a_dry_run_without_any_url() throws Exception {
    Run run = deploy(Map.of(), "--dry-run");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("# Marathon: PUT $MARATHON_URL/v2/groups/smack");
  }

  @Test
  void should_report_a_refusal_and_stop_before_chronos() throws Exception {
    String busy =
        "{\"message\":\"App is locked by one or more deployments. Override with the option"
            + " '?force=true'.\"}";
    try (RecordingServer marathon = new RecordingServer(409, busy);
        RecordingServer chronos = new RecordingServer(204, "")) {

      Run run = deploy(Map.of("MARATHON_URL", marathon.url(), "CHRONOS_URL", chronos.url()));
      Run forced =
          deploy(Map.of("MARATHON_URL", marathon.url(), "CHRONOS_URL", chronos.url()), "--force");

      assertThat(run.exit()).isNotZero();
      assertThat(run.output())
          .contains("-> HTTP 409")
          .contains("App is locked by one or more deployments")
          .contains("smack: Marathon refused PUT /v2/groups/smack (HTTP 409)");
      assertThat(chronos.requests()).isEmpty();
      assertThat(marathon.requests().get(1).path()).isEqualTo("/v2/groups/smack?force=true");
      assertThat(forced.exit()).isNotZero();
    }
  }

  @Test
  void should_name_a_missing_url() throws Exception {
    try (RecordingServer marathon = new RecordingServer(200, "{}")) {

      Run noMarathon = deploy(Map.of("CHRONOS_URL", "http://127.0.0.1:1"));
      Run noChronos = deploy(Map.of("MARATHON_URL", marathon.url()));

      assertThat(noMarathon.exit()).isNotZero();
      assertThat(noMarathon.output()).contains("smack: MARATHON_URL is not set");
      assertThat(noChronos.exit()).isNotZero();
      assertThat(noChronos.output()).contains("smack: CHRONOS_URL is not set");
      assertThat(marathon.requests()).isEmpty();
    }
  }

  @Test
  void should_say_which_endpoint_it_cannot_reach() throws Exception {
    String closed = "http://127.0.0.1:" + Ports.free();
    try (RecordingServer marathon = new RecordingServer(200, "{}")) {

      Run noMarathon = deploy(Map.of("MARATHON_URL", closed, "CHRONOS_URL", closed));
      Run noChronos = deploy(Map.of("MARATHON_URL", marathon.url(), "CHRONOS_URL", closed));

      assertThat(noMarathon.exit()).isNotZero();
      assertThat(noMarathon.output()).contains("smack: cannot reach Marathon at " + closed);
      assertThat(noChronos.exit()).isNotZero();
      assertThat(noChronos.output())
          .contains("-> HTTP 200")
          .contains("smack: cannot reach Chronos at " + closed);
    }
  }

  @Test
  void should_send_nothing_when_an_option_breaks_the_definitions() throws Exception {
    try (RecordingServer marathon = new RecordingServer(200, "{}");
        RecordingServer chronos = new RecordingServer(204, "")) {

      Run run =
          deploy(
              Map.of("MARATHON_URL", marathon.url(), "CHRONOS_URL", chronos.url()),
              "--set",
              "KAFKA_BOOTSTRAP=broker:9092");

      assertThat(run.exit()).isNotZero();
      assertThat(run.output())
          .contains("nothing sent")
          .contains("--set KAFKA_BOOTSTRAP: no app or job sets KAFKA_BOOTSTRAP");
      assertThat(marathon.requests()).isEmpty();
    }
  }

  private static Run deploy(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/smack").toString(), "deploy"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().remove("MARATHON_URL");
    builder.environment().remove("CHRONOS_URL");
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("bin/smack deploy ended").isTrue();
    return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
