package io.smack.deploy;

import static io.smack.deploy.Definitions.marathonApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smack.common.AccessServices;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The access services' Marathon apps, one per family of views: marathon-lb's routes read from their
 * labels send every endpoint of {@code openapi.json} to an app that serves it, and they are the
 * routes of the local cluster's HAProxy ({@link AccessServices}).
 */
class AccessGroupTest {

  private static final List<JsonNode> APPS =
      AccessServices.ALL.stream().map(s -> (JsonNode) marathonApp(s.name())).toList();

  @Test
  void should_route_every_endpoint_of_the_api_to_an_app_that_serves_its_family()
      throws IOException {
    // given: the API's description, each operation tagged with its family
    JsonNode spec =
        Definitions.json(
            Files.readString(
                Definitions.ROOT.resolve("access-service/src/main/resources/openapi.json")));
    List<MarathonLb.Route> routes = MarathonLb.routes(APPS);
    List<String> checked = new ArrayList<>();
    spec.get("paths")
        .fields()
        .forEachRemaining(
            path -> {
              String family = path.getValue().get("get").get("tags").get(0).asText();
              String uri =
                  path.getKey().replace("{symbol}", "JPM").replace("{file}", "vega.min.js");

              // when: marathon-lb routes it
              String app = MarathonLb.routedTo(routes, uri).orElseThrow();

              // then: the app serves the family (an instance's own endpoints: any app does)
              String views = marathonApp(app).get("env").get("ACCESS_VIEWS").asText();
              if (!family.equals("instance")) {
                assertThat(List.of(views.split(","))).as(uri + " -> " + app).contains(family);
              }
              checked.add(uri + " -> " + app);
            });
    assertThat(checked)
        .hasSize(spec.get("paths").size())
        .contains(
            "/quotes/JPM/latest -> access-latest",
            "/quotes/JPM -> access-series",
            "/models/JPM -> access-predictions",
            "/ -> access-status");
  }

  @Test
  void should_route_as_the_local_cluster_routes() {
    assertThat(MarathonLb.routes(APPS))
        .extracting(r -> Map.entry(r.app(), r.condition()))
        .containsExactlyElementsOf(
            AccessServices.ALL.stream().map(s -> Map.entry(s.name(), s.route())).toList());
    for (AccessServices.Service service : AccessServices.ALL) {
      assertThat(marathonApp(service.name()).get("env").get("ACCESS_VIEWS").asText())
          .isEqualTo(service.setting());
    }
  }

  @Test
  void should_not_send_a_longer_path_to_the_latest_service() {
    List<MarathonLb.Route> routes = MarathonLb.routes(APPS);
    assertThat(MarathonLb.routedTo(routes, "/quotes/JPM/latest")).contains("access-latest");
    assertThat(MarathonLb.routedTo(routes, "/quotes/JPM/latest/x")).contains("access-series");
    assertThat(MarathonLb.routedTo(routes, "/quotes/JPM")).contains("access-series");
    assertThat(MarathonLb.routedTo(routes, "/nowhere")).contains("access-status");
  }

  @Test
  void should_name_labels_that_marathon_lb_would_not_route_by() {
    ObjectNode noHost = marathonApp("access-series");
    ((ObjectNode) noHost.get("labels")).remove("HAPROXY_0_VHOST");
    ObjectNode badWeight = marathonApp("access-latest");
    ((ObjectNode) badWeight.get("labels")).put("HAPROXY_0_BACKEND_WEIGHT", "high");
    ((ObjectNode) badWeight.get("labels"))
        .put(MarathonLb.HTTPS_ACL_WITH_PATH, "  acl path_{backend} path_beg /quotes/\n");
    ObjectNode secondCatchAll = marathonApp("access-predictions");
    secondCatchAll.put("id", "/smack/access-other");
    ((ObjectNode) secondCatchAll.get("labels")).remove("HAPROXY_0_PATH");

    assertThat(
            MarathonLb.check(
                List.of(noHost, badWeight, marathonApp("access-status"), secondCatchAll)))
        .containsExactly(
            "app /smack/access-series.labels.HAPROXY_0_PATH: marathon-lb routes a path only on a"
                + " virtual host; set HAPROXY_0_VHOST",
            "app /smack/access-latest.labels.HAPROXY_0_BACKEND_WEIGHT: 'high' is not an integer",
            "app /smack/access-latest.labels.HAPROXY_0_HTTPS_FRONTEND_ACL_ONLY_WITH_PATH: routes"
                + " HTTPS by another condition than HAPROXY_0_HTTP_FRONTEND_ACL_WITH_PATH routes HTTP",
            "virtual host smack.example.com: apps without HAPROXY_0_PATH take every path, and"
                + " [/smack/access-status, /smack/access-other] are several; only one would answer");
    assertThat(MarathonLb.check(APPS)).isEmpty();
  }
}
