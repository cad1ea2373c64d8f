package io.smack.deploy;

import static io.smack.deploy.Definitions.groupOf;
import static io.smack.deploy.Definitions.json;
import static io.smack.deploy.Definitions.marathonApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarathonRulesTest {

  private static final List<String> APPS = Definitions.marathonApps();

  @Test
  void should_accept_the_group_of_the_project() {
    ObjectNode group =
        groupOf(APPS.stream().map(Definitions::marathonApp).toArray(JsonNode[]::new));

    assertThat(MarathonRules.checkGroup(group)).isEmpty();
  }

  @Test
  void should_accept_each_app_alone_as_put_to_v2_apps() {
    for (String app : APPS) {
      assertThat(MarathonRules.checkApp(marathonApp(app))).as(app).isEmpty();
    }
  }

  @Test
  void should_name_a_field_marathon_does_not_know() {
    ObjectNode app = marathonApp("collector");
    app.put("instance", 2);
    ((ObjectNode) app.get("healthChecks").get(0)).put("gracePeriod", 60);

    assertThat(MarathonRules.checkApp(app))
        .containsExactlyInAnyOrder(
            "app /smack/collector.instance: is not a field of this object (a typo is ignored or rejected)",
            "app /smack/collector.healthChecks[0].gracePeriod: is not a field of this object"
                + " (a typo is ignored or rejected)");
  }

  @Test
  void should_refuse_ids_that_are_not_paths_of_lowercase_names() {
    assertThat(MarathonRules.checkApp(marathonApp("collector").put("id", "/smack/Collector")))
        .singleElement()
        .asString()
        .contains("is not a Marathon path id");
    assertThat(MarathonRules.checkApp(marathonApp("collector").put("id", "/smack/-collector")))
        .isNotEmpty();
  }

  @Test
  void should_check_health_checks_against_the_ports_of_the_app() {
    ObjectNode app = marathonApp("access-series");
    ObjectNode check = (ObjectNode) app.get("healthChecks").get(0);
    check.put("portIndex", 1).put("protocol", "GRPC").put("timeoutSeconds", 10);

    assertThat(MarathonRules.checkApp(app))
        .anySatisfy(p -> assertThat(p).contains("portIndex: 1 but the app has 1 port(s)"))
        .anySatisfy(p -> assertThat(p).contains("protocol: \"GRPC\" is not one of"))
        .anySatisfy(
            p -> assertThat(p).contains("timeoutSeconds must be smaller than intervalSeconds"));
  }

  @Test
  void should_check_that_the_readiness_check_names_a_port_of_the_app() {
    ObjectNode app = marathonApp("access-series");
    ((ObjectNode) app.get("readinessChecks").get(0)).put("portName", "api");

    assertThat(MarathonRules.checkApp(app))
        .containsExactly(
            "app /smack/access-series.readinessChecks[0].portName: 'api' names none of the app's"
                + " ports [http]");
  }

  @Test
  void should_keep_port_mappings_and_port_definitions_to_their_network_modes() {
    ObjectNode bridged = marathonApp("collector");
    bridged.set("networks", json("[{\"mode\": \"host\"}]"));
    ObjectNode deprecated = marathonApp("collector");
    ((ObjectNode) deprecated.get("container").get("docker")).put("network", "BRIDGE");

    assertThat(MarathonRules.checkApp(bridged))
        .anySatisfy(p -> assertThat(p).contains("portMappings: are for container or bridge"));
    assertThat(MarathonRules.checkApp(deprecated))
        .anySatisfy(p -> assertThat(p).contains("is the deprecated form"));
  }

  @Test
  void should_check_constraints_upgrade_and_unreachable_strategies() {
    ObjectNode app = marathonApp("access-series");
    ((ArrayNode) app.get("constraints")).add(array().add("rack").add("SPREAD"));
    ((ArrayNode) app.get("constraints")).add(array().add("rack").add("LIKE"));
    ((ObjectNode) app.get("upgradeStrategy")).put("maximumOverCapacity", 1.5);
    app.set(
        "unreachableStrategy",
        json("{\"inactiveAfterSeconds\": 600, \"expungeAfterSeconds\": 60}"));

    assertThat(MarathonRules.checkApp(app))
        .containsExactlyInAnyOrder(
            "app /smack/access-series.constraints[1]: 'SPREAD' is not one of"
                + " [CLUSTER, GROUP_BY, IS, LIKE, MAX_PER, UNIQUE, UNLIKE]",
            "app /smack/access-series.constraints[2]: LIKE needs a value",
            "app /smack/access-series.upgradeStrategy.maximumOverCapacity: 1.5 is outside [0.0, 1.0]",
            "app /smack/access-series.unreachableStrategy: expungeAfterSeconds must be greater than"
                + " inactiveAfterSeconds");
  }

  @Test
  void should_hold_the_single_instance_label_to_what_marathon_requires() {
    ObjectNode scaled = marathonApp("ingest-streaming").put("instances", 2);
    ObjectNode rolling = marathonApp("ingest-streaming");
    ((ObjectNode) rolling.get("upgradeStrategy")).put("minimumHealthCapacity", 1);

    assertThat(MarathonRules.checkApp(scaled))
        .containsExactly(
            "app /smack/ingest-streaming: MARATHON_SINGLE_INSTANCE_APP allows one instance");
    assertThat(MarathonRules.checkApp(rolling))
        .containsExactly(
            "app /smack/ingest-streaming: MARATHON_SINGLE_INSTANCE_APP needs upgradeStrategy 0 and 0");
  }

  @Test
  void should_refuse_env_values_that_are_not_strings_and_cmd_with_args() {
    ObjectNode app = marathonApp("collector");
    ((ObjectNode) app.get("env")).put("SIMULATOR_RATE", 50);
    app.put("cmd", "java -jar collector.jar");
    app.set("args", array().add("x"));

    assertThat(MarathonRules.checkApp(app))
        .containsExactlyInAnyOrder(
            "app /smack/collector.env.SIMULATOR_RATE: must be a string or {\"secret\": NAME}"
                + " (quote numbers), not 50",
            "app /smack/collector: has both cmd and args; Marathon takes one");
  }

  @Test
  void should_check_the_apps_of_a_group_belong_to_it_and_their_dependencies() {
    ObjectNode stranger = marathonApp("ingest-streaming").put("id", "/other/ingest-streaming");
    ObjectNode orphan = marathonApp("access-series");
    ObjectNode ingest = marathonApp("ingest-streaming");
    ingest.set("dependencies", array().add("/smack/access-series"));

    assertThat(MarathonRules.checkGroup(groupOf(stranger)))
        .containsExactly(
            "app /other/ingest-streaming: is not a child of /smack (use an id under it)");
    assertThat(MarathonRules.checkGroup(groupOf(orphan)))
        .containsExactly(
            "app /smack/access-series: depends on /smack/ingest-streaming, not in the group");
    assertThat(MarathonRules.checkGroup(groupOf(ingest, orphan)))
        .anySatisfy(p -> assertThat(p).contains("depends on itself"));
  }

  private static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }
}
