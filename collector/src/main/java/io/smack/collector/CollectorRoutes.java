package io.smack.collector;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The collector's own HTTP port: {@code GET /health} (per source: state, counts, newest quote, last
 * error) and {@code GET /metrics} (Prometheus text format).
 */
final class CollectorRoutes extends AllDirectives {

  private final List<SourceHealth> sources;
  private final PrometheusRegistry registry;

  CollectorRoutes(List<SourceHealth> sources, PrometheusRegistry registry) {
    this.sources = sources;
    this.registry = registry;
  }

  Route routes() {
    return concat(
        path("health", () -> get(() -> complete(StatusCodes.OK, health(), Jackson.marshaller()))),
        path(
            "metrics",
            () ->
                get(
                    () ->
                        complete(
                            HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, prometheusText())))));
  }

  /**
   * {@code ok} while every source runs or has completed; {@code degraded} while one waits to
   * restart; {@code failed} when one can never work ({@link SourceMisconfigured}) — its settings
   * must change. Always 200: the collector keeps serving the sources that work, so a failing source
   * is not a reason for Marathon to kill it.
   */
  Map<String, Object> health() {
    Map<String, Object> bySource = new LinkedHashMap<>();
    boolean degraded = false;
    boolean failed = false;
    for (SourceHealth source : sources) {
      bySource.put(source.name(), source.snapshot());
      degraded |= source.state() == SourceHealth.State.RESTARTING;
      failed |= source.state() == SourceHealth.State.FAILED;
    }
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("status", failed ? "failed" : degraded ? "degraded" : "ok");
    health.put("sources", bySource);
    return health;
  }

  private byte[] prometheusText() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("writing metrics to memory failed", e);
    }
    return out.toByteArray();
  }
}
