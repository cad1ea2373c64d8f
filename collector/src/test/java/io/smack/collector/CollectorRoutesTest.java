package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.common.DeadLetter;
import io.smack.common.HttpTls;
import io.smack.common.Quote;
import io.smack.common.Rejection;
import io.smack.common.Settings;
import io.smack.localstack.SelfSignedKeystore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health and metrics routes through a socket, with the Jackson line the service runs on. */
class CollectorRoutesTest {

  private static ActorSystem system;
  private static ServerBinding binding;
  private static final SourceHealth.Metrics METRICS = new SourceHealth.Metrics();
  private static final SourceHealth SIM = new SourceHealth("sim", METRICS);
  private static final SourceHealth FEED = new SourceHealth("feed", METRICS);
  private static final KafkaReach KAFKA = new KafkaReach(java.time.Clock.systemUTC());

  @BeforeAll
  static void serve() throws Exception {
    system = TestSystems.actorSystem("routes-test");
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(
                new CollectorRoutes(
                        List.of(SIM, FEED), METRICS.registry, KAFKA, Duration.ofSeconds(15))
                    .routes())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    SIM.started();
    SourceHealth.acknowledge(
        SourceHealth.Tally.of(
            List.of(
                new Collected.Accepted(
                    "sim",
                    new Quote("AAPL", Instant.parse("2026-11-23T14:30:00Z"), 189.5, 1, "sim")),
                new Collected.Rejected(
                    new DeadLetter(
                        "sim",
                        new Rejection(Rejection.Reason.BAD_PRICE, "price -1 is not above 0"),
                        "AAPL,-1".getBytes(StandardCharsets.UTF_8),
                        Instant.parse("2026-11-23T14:30:01Z"))))),
        Map.of("sim", SIM));
    FEED.started();
    FEED.failed(new HttpFeed.FeedException("http://feed/q answered 500"));
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void should_report_each_source_and_a_degraded_status_while_one_restarts() throws Exception {
    // when
    HttpResponse<String> response = get("/health");
    JsonNode health = new ObjectMapper().readTree(response.body());

    // then
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(health.get("status").asText()).isEqualTo("degraded");
    JsonNode sim = health.get("sources").get("sim");
    assertThat(sim.get("state").asText()).isEqualTo("running");
    assertThat(sim.get("sent").asLong()).isEqualTo(1);
    assertThat(sim.get("rejected").asLong()).isEqualTo(1);
    assertThat(sim.get("newest_quote_ts").asText()).isEqualTo("2026-11-23T14:30:00Z");
    JsonNode feed = health.get("sources").get("feed");
    assertThat(feed.get("state").asText()).isEqualTo("restarting");
    assertThat(feed.get("last_error").asText()).contains("answered 500");
  }

  @Test
  void should_report_failed_over_degraded_when_a_source_cannot_work() {
    // given: one source restarting, one misconfigured
    SourceHealth.Metrics metrics = new SourceHealth.Metrics();
    SourceHealth restarting = new SourceHealth("feed", metrics);
    SourceHealth misconfigured = new SourceHealth("sp500", metrics);
    restarting.failed(new IllegalStateException("the feed answered 500"));
    misconfigured.failed(
        new SourceMisconfigured("source sp500: the header [date] has no column 'symbol'"));
    misconfigured.stopped();

    // when
    Map<String, Object> health =
        new CollectorRoutes(
                List.of(restarting, misconfigured), metrics.registry, KAFKA, Duration.ofSeconds(15))
            .health();

    // then: failed for good, with its message as it is; the other is still restarting
    assertThat(health).containsEntry("status", "failed");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> sources =
        (Map<String, Map<String, Object>>) health.get("sources");
    assertThat(sources.get("sp500"))
        .containsEntry("state", "failed")
        .containsEntry("last_error", "source sp500: the header [date] has no column 'symbol'");
    assertThat(sources.get("feed")).containsEntry("state", "restarting");
  }

  @Test
  void should_serve_prometheus_counters_per_source() throws Exception {
    // when
    HttpResponse<String> response = get("/metrics");

    // then
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("smack_collector_quotes_sent_total{source=\"sim\"} 1.0")
        // the count /health gives as rejected, by reason
        .contains("smack_collector_quotes_rejected_total{reason=\"bad_price\",source=\"sim\"} 1.0")
        .contains("smack_collector_source_failures_total{source=\"feed\"} 1.0")
        .contains("smack_collector_source_up{source=\"feed\"} 0.0");
  }

  @Test
  void should_serve_health_over_https_with_the_configured_key(@TempDir Path dir) throws Exception {
    // given: a key made here, and the settings a Marathon app would set
    SelfSignedKeystore key = SelfSignedKeystore.create(dir);
    HttpTls tls = HttpTls.from(Settings.load(key.environment()));
    ServerBinding https =
        CollectorMain.serverAt(system, "127.0.0.1", 0, tls.context())
            .bind(
                new CollectorRoutes(
                        List.of(SIM, FEED), METRICS.registry, KAFKA, Duration.ofSeconds(15))
                    .routes())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    try {
      // when: a client that trusts this certificate alone
      HttpResponse<String> health =
          key.get("https://127.0.0.1:" + https.localAddress().getPort() + "/health");

      // then
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.sslSession()).isPresent();
      assertThat(health.body()).contains("\"sim\"");
    } finally {
      https.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
