package io.smack.collector;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The collector's own HTTP port: {@code GET /health} (per source: state, counts, newest quote, last
 * error; and Kafka's), {@code GET /health/live} (the process serves), {@code GET /health/ready}
 * (Kafka takes what it sends) and {@code GET /metrics} (Prometheus text format).
 */
final class CollectorRoutes extends AllDirectives {

  private final List<SourceHealth> sources;
  private final PrometheusRegistry registry;
  private final KafkaReach kafka;
  private final Duration unreachableAfter;

  /**
   * @param unreachableAfter readiness fails once Kafka has acknowledged nothing for this long while
   *     records wait
   */
  CollectorRoutes(
      List<SourceHealth> sources,
      PrometheusRegistry registry,
      KafkaReach kafka,
      Duration unreachableAfter) {
    this.sources = sources;
    this.registry = registry;
    this.kafka = kafka;
    this.unreachableAfter = unreachableAfter;
  }

  Route routes() {
    return concat(
        path("health", () -> get(() -> complete(StatusCodes.OK, health(), Jackson.marshaller()))),
        path(
            PathMatchers.segment("health").slash("live"),
            () ->
                get(() -> complete(StatusCodes.OK, Map.of("status", "ok"), Jackson.marshaller()))),
        path(
            PathMatchers.segment("health").slash("ready"),
            () ->
                get(
                    () -> {
                      Optional<KafkaReach.Unreachable> away = kafka.unreachable(unreachableAfter);
                      return away.isEmpty()
                          ? complete(StatusCodes.OK, Map.of("status", "ok"), Jackson.marshaller())
                          : complete(
                              StatusCodes.SERVICE_UNAVAILABLE,
                              Map.of("status", "unready", "detail", detail(away.get())),
                              Jackson.marshaller());
                    })),
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
    Map<String, Object> toKafka = new LinkedHashMap<>();
    toKafka.put("waiting", kafka.waiting());
    kafka.unreachable(unreachableAfter).ifPresent(away -> toKafka.put("unreachable", detail(away)));
    health.put("kafka", toKafka);
    return health;
  }

  private static String detail(KafkaReach.Unreachable away) {
    return "Kafka has acknowledged nothing since "
        + away.since()
        + " ("
        + away.waiting()
        + " records waiting)";
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
