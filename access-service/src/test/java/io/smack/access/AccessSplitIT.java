package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.smack.access.TestTables.Written;
import io.smack.common.AccessServices;
import io.smack.localstack.Await;
import io.smack.localstack.Haproxy;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.Ports;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The access services as deployed: one instance of each service of {@link AccessServices} (two of
 * the series service), each started with its {@code ACCESS_VIEWS}, behind a real HAProxy that
 * routes by path as marathon-lb does from the deploy files' labels. Every endpoint of {@code
 * openapi.json} answers through the one entry point and is counted by the service of its family;
 * with every series instance down, the other families answer every request.
 */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessSplitIT {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static TestTables tables;
  private static final Map<String, List<RunningService>> SERVICES = new LinkedHashMap<>();
  private static Haproxy haproxy;
  private static ApiClient entry;

  @BeforeAll
  static void start(StackAddresses stack) throws InterruptedException {
    assertThat(Haproxy.binary()).as("haproxy (bin/smack test installs it)").isPresent();
    String keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    tables = new TestTables(stack, keyspace);
    tables.quote(new Written("JPM", NOW.minusSeconds(60), 248.5, 300));
    List<Haproxy.Backend> backends = new ArrayList<>();
    for (AccessServices.Service service : AccessServices.ALL) {
      int instances = service.name().equals("access-series") ? 2 : 1;
      List<RunningService> running = new ArrayList<>();
      List<InetSocketAddress> servers = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        RunningService instance =
            RunningService.start(stack, keyspace, Map.of("ACCESS_VIEWS", service.setting()));
        running.add(instance);
        servers.add(InetSocketAddress.createUnresolved("127.0.0.1", instance.port()));
      }
      SERVICES.put(service.name(), running);
      backends.add(new Haproxy.Backend(service.name(), service.route(), servers));
    }
    haproxy =
        Haproxy.routing(
            Path.of("target", "access-split-haproxy").toAbsolutePath(), Ports.free(), backends);
    entry = new ApiClient(haproxy.port());
    // the balancer serves a backend once its first check of an instance passed
    Await.until(
        () ->
            entry.get("/quotes/JPM/latest").status() == 200
                && entry.get("/symbols").status() == 200
                && entry.get("/models/JPM").status() != 503
                && entry.get("/status").status() == 200,
        Duration.ofSeconds(60),
        Duration.ofMillis(500));
  }

  @AfterAll
  static void stop() {
    if (haproxy != null) {
      haproxy.close();
    }
    SERVICES.values().forEach(instances -> instances.forEach(RunningService::close));
    if (tables != null) {
      tables.close();
    }
  }

  @Test
  @Order(1)
  void should_answer_every_endpoint_through_one_entry_point_from_the_service_of_its_family()
      throws InterruptedException {
    Map<String, String> familyOf = families();
    assertThat(familyOf).hasSize(Endpoint.values().length);
    for (Map.Entry<String, String> endpoint : familyOf.entrySet()) {
      String template = endpoint.getKey();
      String uri = template.replace("{symbol}", "JPM").replace("{file}", "vega.min.js");
      String service =
          endpoint.getValue().equals("instance")
              ? "access-status"
              : AccessServices.serving(endpoint.getValue()).orElseThrow().name();
      double before = counted(service, template);

      // when: asked through the balancer
      ApiClient.Reply reply = entry.get(uri);

      // then: answered (a symbol without a model has no prediction: 404 of its own) ...
      assertThat(reply.status()).as(uri + ": " + reply.body()).isIn(200, 404);
      if (reply.status() == 404) {
        assertThat(reply.json().get("error").asText()).as(uri).isNotEqualTo("not_served_here");
      }
      // ... by the service of its family, which counted it (an instance's own endpoints are
      // answered by whichever instance is asked, and the balancer's checks count too)
      if (!endpoint.getValue().equals("instance")) {
        Await.until(
            () -> counted(service, template) > before,
            Duration.ofSeconds(10),
            Duration.ofMillis(100));
      }
    }
  }

  @Test
  @Order(2)
  void should_keep_answering_the_other_families_when_every_series_instance_is_down() {
    // given: the series service down, every instance of it
    List<RunningService> series = SERVICES.get("access-series");
    series.forEach(RunningService::close);
    Map<String, String> uris =
        Map.of(
            "latest", "/quotes/JPM/latest",
            "quotes", "/quotes/JPM",
            "bars", "/bars/JPM",
            "predictions", "/predictions/JPM/errors",
            "models", "/models/JPM",
            "status", "/status",
            "page", "/");

    // when: each family is asked 40 times
    Map<String, Integer> failures = new TreeMap<>();
    for (int round = 0; round < 40; round++) {
      uris.forEach(
          (family, uri) -> {
            int status = entry.get(uri).status();
            failures.merge(family, status >= 500 ? 1 : 0, Integer::sum);
          });
    }

    // then: no failure where the service runs; every request fails where it does not
    assertThat(failures)
        .containsEntry("latest", 0)
        .containsEntry("predictions", 0)
        .containsEntry("models", 0)
        .containsEntry("status", 0)
        .containsEntry("page", 0)
        .containsEntry("quotes", 40)
        .containsEntry("bars", 40);
  }

  /** Each path of the full {@code openapi.json} and its family, the tag of its operation. */
  private static Map<String, String> families() {
    try (InputStream in = AccessSplitIT.class.getResourceAsStream("/openapi.json")) {
      JsonNode spec = Json.MAPPER.readTree(in);
      Map<String, String> families = new LinkedHashMap<>();
      spec.get("paths")
          .fields()
          .forEachRemaining(
              p -> families.put(p.getKey(), p.getValue().get("get").get("tags").get(0).asText()));
      return families;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The requests of {@code template} the instances of {@code service} have counted. */
  private static double counted(String service, String template) {
    Pattern line =
        Pattern.compile(
            "^access_requests_total\\{[^}]*route=\""
                + Pattern.quote(template)
                + "\"[^}]*} ([0-9.eE+]+)$",
            Pattern.MULTILINE);
    double sum = 0;
    for (RunningService instance : SERVICES.get(service)) {
      Matcher m = line.matcher(instance.api().get("/metrics").body());
      while (m.find()) {
        sum += Double.parseDouble(m.group(1));
      }
    }
    return sum;
  }
}
