package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smack.ingest.IngestProgress.State;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class IngestHttpTest {

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void should_serve_health_as_json_503_once_the_query_is_down_and_metrics_as_text()
      throws Exception {
    // given
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("smack_ingest_quotes").register(registry).inc(42);
    AtomicReference<State> state =
        new AtomicReference<>(
            new State(
                "ok",
                Optional.of(7L),
                Optional.of(Instant.parse("2026-11-24T10:00:00Z")),
                Optional.of(Instant.parse("2026-11-24T09:59:59Z")),
                12,
                Optional.of(3L),
                Optional.of(Instant.parse("2026-11-24T09:49:00Z")),
                Optional.empty()));
    try (HTTPServer server = IngestHttp.start("127.0.0.1", 0, registry, state::get)) {
      // when
      HttpResponse<String> health = get(server, "/health");
      HttpResponse<String> metrics = get(server, "/metrics");
      HttpResponse<String> unknown = get(server, "/nope");
      state.set(
          new State(
              "down",
              Optional.of(7L),
              Optional.empty(),
              Optional.empty(),
              0,
              Optional.empty(),
              Optional.empty(),
              Optional.of("Cassandra unreachable")));
      HttpResponse<String> down = get(server, "/health");

      // then
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body())
          .contains("\"status\":\"ok\"")
          .contains("\"last_batch\":7")
          .contains("\"offsets_behind\":12")
          .contains("\"newest_event\":\"2026-11-24T09:59:59Z\"")
          .contains("\"bars_last_batch\":3")
          .contains("\"watermark\":\"2026-11-24T09:49:00Z\"");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("smack_ingest_quotes_total 42.0");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("\"error\":\"not_found\"");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("\"failure\":\"Cassandra unreachable\"");
    }
  }

  private HttpResponse<String> get(HTTPServer server, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
