package io.smack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DeployPlanTest {

  private static final Instant NOW = Instant.parse("2026-11-27T21:15:00Z");

  @Test
  void should_put_the_apps_into_the_smack_group_in_the_order_they_start() {
    DeployPlan plan = DeployPlan.load(Definitions.DEPLOY, DeployOptions.none(), NOW);

    DeployPlan.Request marathon = plan.requests().get(0);

    assertThat(plan.problems()).isEmpty();
    assertThat(marathon.method() + " " + marathon.path()).isEqualTo("PUT /v2/groups/smack");
    assertThat(marathon.body().get("id").asText()).isEqualTo("/smack");
    assertThat(ids(marathon.body().get("apps")))
        .containsExactlyElementsOf(
            Stream.of(
                    Stream.of("/smack/ingest-streaming"),
                    // the apps that depend on it alone, by id
                    Definitions.marathonApps().stream()
                        .filter(name -> name.startsWith("access-"))
                        .map(name -> "/smack/" + name),
                    Stream.of("/smack/collector"))
                .flatMap(s -> s)
                .toList());
    // each as its file has it: no option given, nothing changed
    for (JsonNode app : marathon.body().get("apps")) {
      String id = app.get("id").asText();
      assertThat(app).isEqualTo(Definitions.marathonApp(id.substring("/smack/".length())));
    }
  }

  @Test
  void should_post_the_training_job_starting_at_its_next_nightly_run() {
    DeployPlan plan = DeployPlan.load(Definitions.DEPLOY, DeployOptions.none(), NOW);

    DeployPlan.Request chronos = plan.requests().get(1);

    assertThat(chronos.method() + " " + chronos.path()).isEqualTo("POST /v1/scheduler/iso8601");
    assertThat(chronos.body().get("schedule").asText()).isEqualTo("R/2026-11-28T02:00:00Z/P1D");
    assertThat(chronos.summary())
        .isEqualTo("job smack-model-training: first run 2026-11-28T02:00Z, then every P1D");
    assertThat(plan.requests()).hasSize(2);
  }

  @Test
  void should_point_every_image_at_the_registry_and_tag_given() {
    DeployOptions options =
        new DeployOptions(
            Optional.of("registry.example.com:5000/smack"), Optional.of("1.0.0"), Map.of(), false);

    DeployPlan plan = DeployPlan.load(Definitions.DEPLOY, options, NOW);

    String bodies = plan.requests().get(0).body() + " " + plan.requests().get(1).body();
    assertThat(bodies)
        .contains("\"image\":\"registry.example.com:5000/smack/ingest-streaming:1.0.0\"")
        .contains(
            "spark.mesos.executor.docker.image=registry.example.com:5000/smack/ingest-streaming:1.0.0")
        .contains("\"image\":\"registry.example.com:5000/smack/access-service:1.0.0\"")
        .contains("\"image\":\"registry.example.com:5000/smack/collector:1.0.0\"")
        .contains("\"image\":\"registry.example.com:5000/smack/model-training:1.0.0\"")
        .contains(
            "spark.mesos.executor.docker.image=registry.example.com:5000/smack/model-training:1.0.0")
        .doesNotContain("\"smack/");
  }

  @Test
  void should_set_a_variable_in_every_app_and_job_that_sets_it() {
    DeployOptions options =
        new DeployOptions(
            Optional.empty(),
            Optional.empty(),
            Map.of(
                "CASSANDRA_CONTACT_POINTS", "10.0.0.7:9042", "KAFKA_BOOTSTRAP_SERVERS", "k:9092"),
            true);

    DeployPlan plan = DeployPlan.load(Definitions.DEPLOY, options, NOW);

    JsonNode apps = plan.requests().get(0).body().get("apps");
    assertThat(plan.requests().get(0).path()).isEqualTo("/v2/groups/smack?force=true");
    assertThat(apps.get(0).get("env").get("CASSANDRA_CONTACT_POINTS").asText())
        .isEqualTo("10.0.0.7:9042");
    assertThat(apps.get(1).get("env").get("CASSANDRA_CONTACT_POINTS").asText())
        .isEqualTo("10.0.0.7:9042");
    JsonNode collector = apps.get(apps.size() - 1);
    assertThat(collector.get("id").asText()).isEqualTo("/smack/collector");
    assertThat(collector.get("env").get("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("k:9092");
    assertThat(collector.get("env").has("CASSANDRA_CONTACT_POINTS")).isFalse();
    assertThat(plan.requests().get(1).body().get("environmentVariables").toString())
        .contains("{\"name\":\"CASSANDRA_CONTACT_POINTS\",\"value\":\"10.0.0.7:9042\"}");
  }

  @Test
  void should_refuse_to_set_a_variable_nothing_reads() {
    DeployOptions options =
        new DeployOptions(
            Optional.empty(), Optional.empty(), Map.of("KAFKA_BOOTSTRAP_SERVER", "k:9092"), false);

    DeployPlan plan = DeployPlan.load(Definitions.DEPLOY, options, NOW);

    assertThat(plan.problems())
        .singleElement()
        .asString()
        .startsWith("--set KAFKA_BOOTSTRAP_SERVER: no app or job sets KAFKA_BOOTSTRAP_SERVER;")
        .contains("KAFKA_BOOTSTRAP_SERVERS");
  }

  private static List<String> ids(JsonNode apps) {
    List<String> ids = new ArrayList<>();
    apps.forEach(app -> ids.add(app.get("id").asText()));
    return ids;
  }
}
