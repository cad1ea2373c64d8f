package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smack.common.HttpTls;
import io.smack.common.Settings;
import io.smack.ingest.IngestProgress.State;
import io.smack.localstack.SelfSignedKeystore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    try (HTTPServer server =
        IngestHttp.start("127.0.0.1", 0, Optional.empty(), registry, state::get)) {
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

  @Test
  void should_serve_health_over_https_with_the_configured_key(@TempDir Path dir) throws Exception {
    // given: a key made here, and the settings a Marathon app would set
    SelfSignedKeystore key = SelfSignedKeystore.create(dir);
    HttpTls tls = HttpTls.from(Settings.load(key.environment()));
    State ok =
        new State(
            "ok",
            Optional.of(1L),
            Optional.empty(),
            Optional.empty(),
            0,
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    try (HTTPServer server =
        IngestHttp.start("127.0.0.1", 0, tls.context(), new PrometheusRegistry(), () -> ok)) {
      // when: a client that trusts this certificate alone
      HttpResponse<String> health = key.get("https://127.0.0.1:" + server.getPort() + "/health");

      // then: served over TLS with that key, and plain HTTP is not answered as HTTP
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.sslSession()).isPresent();
      assertThat(health.body()).contains("\"status\":\"ok\"");
      assertThatThrownBy(() -> get(server, "/health")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void should_refuse_a_keystore_it_cannot_serve_naming_the_setting(@TempDir Path dir) {
    SelfSignedKeystore key = SelfSignedKeystore.create(dir);
    HttpTls wrongPassword =
        HttpTls.from(
            Settings.load(
                Map.of(
                    "HTTP_TLS_KEYSTORE",
                    key.keystore().toString(),
                    "HTTP_TLS_KEYSTORE_PASSWORD",
                    "not-" + key.password())));
    HttpTls missing =
        HttpTls.from(
            Settings.load(Map.of("HTTP_TLS_KEYSTORE", dir.resolve("none.p12").toString())));

    assertThatThrownBy(wrongPassword::serverContext)
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.http.tls.keystore")
        .hasMessageContaining("HTTP_TLS_KEYSTORE_PASSWORD")
        .hasMessageContaining(key.keystore().toString());
    assertThatThrownBy(missing::serverContext)
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("none.p12");
  }

  private HttpResponse<String> get(HTTPServer server, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
