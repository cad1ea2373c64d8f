package io.smack.access;

import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import com.github.benmanes.caffeine.cache.AsyncCache;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.caffeine.CacheMetricsCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The service's Prometheus metrics: requests by route template and status, their latency by route,
 * Cassandra errors by kind, and the caches' hits, misses, evictions and sizes. {@code GET /metrics}
 * writes them in the text format.
 */
final class HttpMetrics {

  /** The route label of requests no endpoint took: unknown path or method, no token. */
  static final String REJECTED = "rejected";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests =
      Counter.builder()
          .name("access_requests_total")
          .help("HTTP requests answered, by route template, method and status code")
          .labelNames("route", "method", "status")
          .register(registry);
  private final Histogram latency =
      Histogram.builder()
          .name("access_request_seconds")
          .help("Time from the request to the response, by route template")
          .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
          .classicOnly()
          .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
          .labelNames("route")
          .register(registry);
  private final Counter cassandraErrors =
      Counter.builder()
          .name("access_cassandra_errors_total")
          .help("Requests that failed on Cassandra, by exception class")
          .labelNames("kind")
          .register(registry);

  private final Counter statements =
      Counter.builder()
          .name("access_cassandra_statements_total")
          .help(
              "Statements (and further pages) sent to Cassandra to answer requests, the readiness"
                  + " probe's left out, by outcome")
          .labelNames("outcome")
          .register(registry);
  private final Counter rows =
      Counter.builder()
          .name("access_cassandra_series_rows_total")
          .help("Rows of the series (quotes, bars, predictions) read from Cassandra for requests")
          .register(registry);
  private final CacheMetricsCollector caches = CacheMetricsCollector.builder().build();

  HttpMetrics() {
    registry.register(caches);
  }

  /** Reports {@code cache}'s statistics as {@code caffeine_cache_*{cache="NAME"}}. */
  void watch(String name, AsyncCache<?, ?> cache) {
    caches.addCache(name, cache);
  }

  /**
   * Counts the statements the session runs, except {@code probe}: what each endpoint costs
   * Cassandra, which the module README writes down and the tests check.
   */
  RequestTracker statementCounter(Request probe) {
    return new RequestTracker() {
      @Override
      public void onSuccess(
          Request request,
          long latencyNanos,
          DriverExecutionProfile profile,
          Node node,
          String logPrefix) {
        if (request != probe) {
          statements.labelValues("ok").inc();
        }
      }

      @Override
      public void onError(
          Request request,
          Throwable error,
          long latencyNanos,
          DriverExecutionProfile profile,
          Node node,
          String logPrefix) {
        if (request != probe) {
          statements.labelValues("error").inc();
        }
      }

      @Override
      public void close() {}
    };
  }

  /** Rows a statement of a series read: what a page costs beside its statements. */
  void rowsRead(int count) {
    rows.inc(count);
  }

  void request(String route, String method, int status, long startNanos) {
    requests.labelValues(route, method, String.valueOf(status)).inc();
    latency.labelValues(route).observe((System.nanoTime() - startNanos) / 1e9);
  }

  void cassandraError(Throwable error) {
    cassandraErrors.labelValues(error.getClass().getSimpleName()).inc();
  }

  byte[] text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("writing metrics to memory failed", e);
    }
    return out.toByteArray();
  }
}
