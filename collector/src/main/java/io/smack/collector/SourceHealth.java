package io.smack.collector;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smack.common.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one source is doing, for {@code GET /health} and the Prometheus metrics: its state, the
 * counts of quotes sent and inputs rejected (both counted once Kafka has acknowledged them), the
 * event time of its newest quote and its last failure.
 */
final class SourceHealth {

  private static final Logger LOG = LoggerFactory.getLogger(SourceHealth.class);

  enum State {
    STARTING,
    RUNNING,
    RESTARTING,
    COMPLETED,
    /** Its settings can never work ({@link SourceMisconfigured}): not restarted. */
    FAILED,
    STOPPED
  }

  /** The Prometheus metrics of all sources, labelled by source. */
  static final class Metrics {
    final PrometheusRegistry registry = new PrometheusRegistry();
    final Counter sent =
        Counter.builder()
            .name("smack_collector_quotes_sent_total")
            .help("Quotes acknowledged by Kafka on the quotes topic")
            .labelNames("source")
            // an exemplar is looked up in the tracing context on every increment: none here
            .withoutExemplars()
            .register(registry);
    final Counter rejected =
        Counter.builder()
            .name("smack_collector_quotes_rejected_total")
            .help("Inputs acknowledged by Kafka on the dead-letter topic")
            .labelNames("source", "reason")
            .withoutExemplars()
            .register(registry);
    final Counter failures =
        Counter.builder()
            .name("smack_collector_source_failures_total")
            .help("Failures of a source, each followed by a restart with backoff")
            .labelNames("source")
            .register(registry);
    final Gauge up =
        Gauge.builder()
            .name("smack_collector_source_up")
            .help("1 while a source runs, 0 while it waits to restart or is done")
            .labelNames("source")
            .register(registry);
  }

  private final String name;
  private final Metrics metrics;
  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<Instant> newestQuote = new AtomicReference<>();
  private final AtomicReference<String> lastError = new AtomicReference<>();

  // this source's series, looked up once: acknowledged() runs for every batch
  private final CounterDataPoint sentSeries;
  private final GaugeDataPoint upSeries;
  private final CounterDataPoint failureSeries;

  SourceHealth(String name, Metrics metrics) {
    this.name = name;
    this.metrics = metrics;
    this.sentSeries = metrics.sent.labelValues(name);
    this.upSeries = metrics.up.labelValues(name);
    this.failureSeries = metrics.failures.labelValues(name);
  }

  String name() {
    return name;
  }

  State state() {
    return state.get();
  }

  long sent() {
    return sent.get();
  }

  long rejected() {
    return rejected.get();
  }

  void started() {
    state.set(State.RUNNING);
    upSeries.set(1);
    LOG.info("source {} started", name);
  }

  /**
   * The source's run failed: it is restarted with backoff, unless the failure is {@link
   * SourceMisconfigured}, which no restart mends: then it is {@code failed} for good.
   */
  void failed(Throwable error) {
    failures.incrementAndGet();
    upSeries.set(0);
    failureSeries.inc();
    if (error instanceof SourceMisconfigured) {
      state.set(State.FAILED);
      lastError.set(error.getMessage());
      LOG.error("source {} cannot work, not restarting it: {}", name, error.getMessage());
    } else {
      state.set(State.RESTARTING);
      lastError.set(error.toString());
      LOG.warn("source {} failed, restarting with backoff: {}", name, error.toString());
    }
  }

  void completed() {
    state.set(State.COMPLETED);
    upSeries.set(0);
    LOG.info("source {} completed", name);
  }

  void stopped() {
    if (state.get() != State.COMPLETED && state.get() != State.FAILED) {
      state.set(State.STOPPED);
      upSeries.set(0);
      LOG.info("source {} stopped", name);
    }
  }

  /**
   * What a run of one source's items adds to its health once Kafka has acknowledged them: taken
   * when a batch is made, so that the items themselves can be let go as soon as they are sent.
   *
   * @param accepted quotes, bound for the quotes topic
   * @param newest the newest event time among them, null when none
   * @param rejected the reason of each dead letter
   */
  record Tally(String source, long accepted, Instant newest, List<Rejection.Reason> rejected) {

    /** One tally per run of one source's items, in order. */
    static List<Tally> of(List<Collected> items) {
      List<Tally> tallies = new ArrayList<>(1);
      int from = 0;
      while (from < items.size()) {
        String source = items.get(from).source();
        long accepted = 0;
        Instant newest = null;
        List<Rejection.Reason> rejected = new ArrayList<>(0);
        int to = from;
        for (; to < items.size() && items.get(to).source().equals(source); to++) {
          if (items.get(to) instanceof Collected.Accepted quote) {
            accepted++;
            Instant ts = quote.quote().ts();
            newest = newest == null || ts.isAfter(newest) ? ts : newest;
          } else {
            rejected.add(((Collected.Rejected) items.get(to)).letter().rejection().reason());
          }
        }
        tallies.add(new Tally(source, accepted, newest, rejected));
        from = to;
      }
      return tallies;
    }
  }

  /** Counts what Kafka has acknowledged, each tally into the health of its source. */
  static void acknowledge(List<Tally> tallies, Map<String, SourceHealth> bySource) {
    tallies.forEach(tally -> bySource.get(tally.source()).acknowledged(tally));
  }

  private void acknowledged(Tally tally) {
    tally
        .rejected()
        .forEach(
            reason -> {
              rejected.incrementAndGet();
              metrics.rejected.labelValues(name, reason.label()).inc();
            });
    if (tally.accepted() > 0) {
      sent.addAndGet(tally.accepted());
      sentSeries.inc(tally.accepted());
      newestQuote.accumulateAndGet(tally.newest(), (a, b) -> a == null || b.isAfter(a) ? b : a);
    }
  }

  /** The source's part of {@code GET /health}. */
  Map<String, Object> snapshot() {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("state", state.get().name().toLowerCase(Locale.ROOT));
    view.put("sent", sent.get());
    view.put("rejected", rejected.get());
    view.put("failures", failures.get());
    view.put(
        "newest_quote_ts",
        Optional.ofNullable(newestQuote.get()).map(Instant::toString).orElse(null));
    view.put("last_error", lastError.get());
    return view;
  }
}
