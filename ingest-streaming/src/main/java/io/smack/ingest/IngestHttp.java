package io.smack.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smack.ingest.IngestProgress.State;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The driver's own HTTP port, on Prometheus's HTTP server: {@code GET /metrics} (Prometheus text
 * format) and {@code GET /health} (the queries' state as JSON; 200 while both run, 503 otherwise).
 */
final class IngestHttp {

  private static final ObjectMapper JSON = new ObjectMapper();

  private IngestHttp() {}

  /**
   * @param https the TLS context when the port serves HTTPS ({@code smack.http.tls})
   */
  static HTTPServer start(
      String host,
      int port,
      Optional<SSLContext> https,
      PrometheusRegistry registry,
      Supplier<State> state)
      throws IOException {
    HTTPServer.Builder builder =
        HTTPServer.builder()
            .hostname(host)
            .port(port)
            .registry(registry)
            .defaultHandler(exchange -> answer(exchange, state.get()));
    https.ifPresent(context -> builder.httpsConfigurator(new HttpsConfigurator(context)));
    return builder.buildAndStart();
  }

  private static void answer(HttpExchange exchange, State state) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      ObjectNode body = JSON.createObjectNode();
      int status;
      if (!path.equals("/health")) {
        status = 404;
        body.put("error", "not_found").put("detail", "no route " + path + "; try /health");
      } else {
        status = state.status().equals("down") || state.status().equals("stopped") ? 503 : 200;
        body.put("status", state.status());
        state.lastBatch().ifPresent(b -> body.put("last_batch", b));
        state.lastBatchAt().ifPresent(at -> body.put("last_batch_at", at.toString()));
        state.newestEvent().ifPresent(at -> body.put("newest_event", at.toString()));
        body.put("offsets_behind", state.offsetsBehind());
        state.barsLastBatch().ifPresent(b -> body.put("bars_last_batch", b));
        state.watermark().ifPresent(at -> body.put("watermark", at.toString()));
        state.failure().ifPresent(f -> body.put("failure", f));
        body.put("now", Instant.now().toString());
      }
      byte[] bytes = JSON.writeValueAsBytes(body);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
