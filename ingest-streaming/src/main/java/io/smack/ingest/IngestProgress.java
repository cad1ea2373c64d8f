package io.smack.ingest;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smack.common.Tables;
import io.smack.ingest.MicroBatch.BatchReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the streaming query: for each micro-batch that ran, one log line, the Prometheus metrics
 * of {@code GET /metrics}, and a row of {@code ingest_progress} that the access service reads to
 * tell whether data is flowing. Spark's numbers (input rows, rates, duration, offsets) and the
 * batch's own ({@link BatchSummary}: quotes, rejects, late quotes, bars) are reported together.
 */
final class IngestProgress extends StreamingQueryListener {

  private static final Logger LOG = LoggerFactory.getLogger(IngestProgress.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The state of the query that {@code GET /health} reports. */
  record State(
      String status,
      Optional<Long> lastBatch,
      Optional<Instant> lastBatchAt,
      Optional<Instant> newestEvent,
      long offsetsBehind,
      Optional<String> failure) {}

  private final MicroBatch batches;
  private final CassandraConnector cassandra;
  private final String keyspace;
  private final AtomicReference<State> state =
      new AtomicReference<>(
          new State(
              "starting",
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              0,
              Optional.empty()));

  private final Counter inputRows;
  private final Counter quotes;
  private final Counter rejected;
  private final Counter late;
  private final Counter bars;
  private final Histogram batchSeconds;
  private final Gauge processedRate;
  private final Gauge offsetsBehind;
  private final Gauge newestEvent;

  IngestProgress(
      MicroBatch batches,
      CassandraConnector cassandra,
      String keyspace,
      PrometheusRegistry registry) {
    this.batches = batches;
    this.cassandra = cassandra;
    this.keyspace = keyspace;
    this.inputRows = counter(registry, "smack_ingest_input_rows", "Kafka records read");
    this.quotes = counter(registry, "smack_ingest_quotes", "Valid quotes written");
    this.rejected = counter(registry, "smack_ingest_rejected", "Records sent to the DLQ");
    this.late = counter(registry, "smack_ingest_late", "Quotes too late to correct their bar");
    this.bars = counter(registry, "smack_ingest_bars", "One-minute bars written");
    this.batchSeconds =
        Histogram.builder()
            .name("smack_ingest_batch_duration_seconds")
            .help("Duration of a micro-batch")
            .register(registry);
    this.processedRate =
        Gauge.builder()
            .name("smack_ingest_processed_rows_per_second")
            .help("Rows per second of the last micro-batch")
            .register(registry);
    this.offsetsBehind =
        Gauge.builder()
            .name("smack_ingest_offsets_behind")
            .help("Records in the topic not yet read, at the last micro-batch")
            .register(registry);
    this.newestEvent =
        Gauge.builder()
            .name("smack_ingest_newest_event_timestamp_seconds")
            .help("Event time of the newest quote written")
            .register(registry);
  }

  State state() {
    return state.get();
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    LOG.info("query {} started (run {})", event.name(), event.runId());
    state.updateAndGet(s -> withStatus(s, "ok", Optional.empty()));
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress progress = event.progress();
    Optional<BatchReport> ran = batches.takeReport(progress.batchId());
    if (ran.isEmpty()) {
      return; // an idle report: no new records, no batch
    }
    BatchSummary summary = ran.get().summary();
    long barsWritten = ran.get().bars();
    long behind = offsetsBehind(progress.sources());
    long durationMs = progress.batchDuration();
    LOG.info(
        "batch {}: {} rows in {} ms ({} rows/s, offered {} rows/s): {} quotes, {} rejected,"
            + " {} late, {} bars; newest event {}; {} records behind; ms per step {}",
        progress.batchId(),
        progress.numInputRows(),
        durationMs,
        Math.round(progress.processedRowsPerSecond()),
        Math.round(progress.inputRowsPerSecond()),
        summary.quotes(),
        summary.rejected(),
        summary.late(),
        barsWritten,
        summary.newest().map(Instant::toString).orElse("-"),
        behind,
        ran.get().phases());

    inputRows.inc(progress.numInputRows());
    quotes.inc(summary.quotes());
    rejected.inc(summary.rejected());
    late.inc(summary.late());
    bars.inc(barsWritten);
    batchSeconds.observe(durationMs / 1000.0);
    processedRate.set(progress.processedRowsPerSecond());
    offsetsBehind.set(behind);
    summary.newest().ifPresent(n -> newestEvent.set(n.toEpochMilli() / 1000.0));

    Instant at = Instant.parse(progress.timestamp());
    state.updateAndGet(
        s ->
            new State(
                "ok",
                Optional.of(progress.batchId()),
                Optional.of(at),
                summary.newest().or(s::newestEvent),
                behind,
                Optional.empty()));
    record(progress, summary, barsWritten, at, behind);
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    if (event.exception().isDefined()) {
      LOG.error("query stopped by a failure: {}", event.exception().get());
      state.updateAndGet(s -> withStatus(s, "down", Optional.of(event.exception().get())));
    } else {
      LOG.info("query stopped");
      state.updateAndGet(s -> withStatus(s, "stopped", Optional.empty()));
    }
  }

  /** The batch's row of {@code ingest_progress}; a failure to write it is logged, not fatal. */
  private void record(
      StreamingQueryProgress progress,
      BatchSummary summary,
      long barsWritten,
      Instant at,
      long behind) {
    SimpleStatement insert =
        SimpleStatement.newInstance(
            "INSERT INTO "
                + keyspace
                + "."
                + Tables.INGEST_PROGRESS
                + " (query, batch_id, at, input_rows, quotes, rejected, late, bars, newest_event,"
                + " duration_ms, input_rate, processed_rate, end_offsets, offsets_behind)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    try {
      cassandra.withSessionDo(
          session ->
              session.execute(
                  session
                      .prepare(insert)
                      .bind(
                          progress.name(),
                          progress.batchId(),
                          at,
                          progress.numInputRows(),
                          summary.quotes(),
                          summary.rejected(),
                          summary.late(),
                          barsWritten,
                          summary.newest().orElse(null),
                          progress.batchDuration(),
                          finite(progress.inputRowsPerSecond()),
                          finite(progress.processedRowsPerSecond()),
                          progress.sources().length == 0 ? null : progress.sources()[0].endOffset(),
                          behind)
                      .setIdempotent(true)));
    } catch (RuntimeException e) {
      LOG.warn("could not record the progress of batch {}: {}", progress.batchId(), e.toString());
    }
  }

  /**
   * Records in the topic not yet read when the batch ended: per partition, the latest offset less
   * the end offset the batch reached ({@code {"topic":{"0":123,...}}} JSON from Spark).
   */
  static long offsetsBehind(SourceProgress[] sources) {
    long behind = 0;
    for (SourceProgress source : sources) {
      if (source.latestOffset() == null || source.endOffset() == null) {
        continue;
      }
      JsonNode latest = parse(source.latestOffset());
      JsonNode end = parse(source.endOffset());
      for (Iterator<Map.Entry<String, JsonNode>> topics = latest.fields(); topics.hasNext(); ) {
        Map.Entry<String, JsonNode> topic = topics.next();
        for (Iterator<Map.Entry<String, JsonNode>> partitions = topic.getValue().fields();
            partitions.hasNext(); ) {
          Map.Entry<String, JsonNode> partition = partitions.next();
          long reached = end.path(topic.getKey()).path(partition.getKey()).asLong(0);
          behind += Math.max(0, partition.getValue().asLong() - reached);
        }
      }
    }
    return behind;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("Spark's offsets are not JSON: " + json, e);
    }
  }

  private static double finite(double rate) {
    return Double.isFinite(rate) ? rate : 0;
  }

  private static State withStatus(State s, String status, Optional<String> failure) {
    return new State(
        status, s.lastBatch(), s.lastBatchAt(), s.newestEvent(), s.offsetsBehind(), failure);
  }

  private static Counter counter(PrometheusRegistry registry, String name, String help) {
    return Counter.builder().name(name).help(help).register(registry);
  }
}
