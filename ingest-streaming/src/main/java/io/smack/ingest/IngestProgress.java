package io.smack.ingest;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smack.common.CassandraSettings;
import io.smack.common.Tables;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the job's two queries: for each micro-batch that ran, one log line, the Prometheus
 * metrics of {@code GET /metrics}, and a row of {@code ingest_batches} that the access service
 * reads to tell whether data is flowing. Spark's numbers (input rows, rates, duration, offsets, the
 * watermark and the rows its state dropped behind it) and the batch's own ({@link
 * QuotesBatch.Report}, {@link BarsBatch.Report}) are reported together.
 */
final class IngestProgress extends StreamingQueryListener {

  private static final Logger LOG = LoggerFactory.getLogger(IngestProgress.class);

  /** The state of the job that {@code GET /health} reports. */
  record State(
      String status,
      Optional<Long> lastBatch,
      Optional<Instant> lastBatchAt,
      Optional<Instant> newestEvent,
      long offsetsBehind,
      Optional<Long> barsLastBatch,
      Optional<Instant> watermark,
      Optional<String> failure) {

    static final State STARTING =
        new State(
            "starting",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            0,
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    State withStatus(String status, Optional<String> failure) {
      return new State(
          status,
          lastBatch,
          lastBatchAt,
          newestEvent,
          offsetsBehind,
          barsLastBatch,
          watermark,
          failure.or(this::failure));
    }
  }

  private final IngestSettings settings;
  private final QuotesBatch quotesBatches;
  private final BarsBatch barsBatches;
  private final CassandraConnector cassandra;
  private final TopicEnds topicEnds;
  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
  private int running;
  private PreparedStatement insert;

  private final Counter inputRows;
  private final Counter quotes;
  private final Counter rejected;
  private final Counter late;
  private final Counter bars;
  private final Counter backfilled;
  private final Histogram batchSeconds;
  private final Gauge processedRate;
  private final Gauge offsetsBehind;
  private final Gauge newestEvent;
  private final Gauge watermark;
  private final Counter scored;
  private final Counter unscored;
  private final Counter demotions;
  private final Gauge rollingRmse;
  private final Gauge rollingMae;
  private final Gauge unusableModels;

  /** Each symbol's unusable served version as last logged, so that it is logged once. */
  private final Map<String, String> unusable = new ConcurrentHashMap<>();

  IngestProgress(
      IngestSettings settings,
      QuotesBatch quotesBatches,
      BarsBatch barsBatches,
      CassandraConnector cassandra,
      TopicEnds topicEnds,
      PrometheusRegistry registry) {
    this.settings = settings;
    this.quotesBatches = quotesBatches;
    this.barsBatches = barsBatches;
    this.cassandra = cassandra;
    this.topicEnds = topicEnds;
    this.inputRows = counter(registry, "smack_ingest_input_rows", "Kafka records read");
    this.quotes = counter(registry, "smack_ingest_quotes", "Valid quotes written");
    this.rejected = counter(registry, "smack_ingest_rejected", "Records sent to the DLQ");
    this.late = counter(registry, "smack_ingest_late", "Quotes behind the bars' watermark");
    this.bars = counter(registry, "smack_ingest_bars", "Bars written from the streaming state");
    this.backfilled =
        counter(registry, "smack_ingest_backfilled_bars", "Bars given again from stored quotes");
    this.batchSeconds =
        Histogram.builder()
            .name("smack_ingest_batch_duration_seconds")
            .help("Duration of a micro-batch, per query")
            .labelNames("query")
            .register(registry);
    this.processedRate =
        Gauge.builder()
            .name("smack_ingest_processed_rows_per_second")
            .help("Rows per second of the last micro-batch of the quotes query")
            .register(registry);
    this.offsetsBehind =
        Gauge.builder()
            .name("smack_ingest_offsets_behind")
            .help("Records in the topic not yet read by the quotes query, after its last batch")
            .register(registry);
    this.newestEvent =
        Gauge.builder()
            .name("smack_ingest_newest_event_timestamp_seconds")
            .help("Event time of the newest quote written")
            .register(registry);
    this.watermark =
        Gauge.builder()
            .name("smack_ingest_watermark_timestamp_seconds")
            .help("The bars query's event-time watermark")
            .register(registry);
    this.scored =
        counter(registry, "smack_scoring_scored_bars", "Finished bars scored by a served model");
    this.unscored =
        counter(
            registry,
            "smack_scoring_unscored_bars",
            "Finished bars not scored: no served model, or too few bars before them");
    this.demotions =
        Counter.builder()
            .name("smack_scoring_demotions")
            .help("Served models demoted by the live monitor")
            .labelNames("symbol")
            .register(registry);
    this.rollingRmse =
        Gauge.builder()
            .name("smack_scoring_rolling_rmse")
            .help("RMSE of the next-bar forecasts over the monitor's window, per forecast")
            .labelNames("symbol", "forecast")
            .register(registry);
    this.rollingMae =
        Gauge.builder()
            .name("smack_scoring_rolling_mae")
            .help("MAE of the next-bar forecasts over the monitor's window, per forecast")
            .labelNames("symbol", "forecast")
            .register(registry);
    this.unusableModels =
        Gauge.builder()
            .name("smack_scoring_unusable_model")
            .help("1 while the symbol's served model cannot score (see prediction_monitor)")
            .labelNames("symbol")
            .register(registry);
  }

  State state() {
    return state.get();
  }

  @Override
  public synchronized void onQueryStarted(QueryStartedEvent event) {
    LOG.info("query {} started (run {})", event.name(), event.runId());
    running++;
    if (running == 2) {
      state.updateAndGet(s -> s.withStatus("ok", Optional.empty()));
    }
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress progress = event.progress();
    if (progress.name().equals(settings.queryName())) {
      quotesBatches.takeReport(progress.batchId()).ifPresent(r -> quotesProgress(progress, r));
    } else if (progress.name().equals(settings.barsQueryName())) {
      barsBatches.takeReport(progress.batchId()).ifPresent(r -> barsProgress(progress, r));
    }
  }

  @Override
  public synchronized void onQueryTerminated(QueryTerminatedEvent event) {
    running--;
    if (event.exception().isDefined()) {
      LOG.error("query {} stopped by a failure: {}", event.id(), event.exception().get());
      state.updateAndGet(s -> s.withStatus("down", Optional.of(event.exception().get())));
    } else {
      LOG.info("query {} stopped", event.id());
      state.updateAndGet(
          s -> s.status().equals("down") ? s : s.withStatus("stopped", Optional.empty()));
    }
  }

  private void quotesProgress(StreamingQueryProgress progress, QuotesBatch.Report report) {
    String endOffsets = progress.sources().length == 0 ? null : progress.sources()[0].endOffset();
    long behind = endOffsets == null ? 0 : topicEnds.behind(KafkaOffsets.parse(endOffsets));
    LOG.info(
        "{} batch {}: {} records in {} ms ({} rows/s, offered {} rows/s): {} quotes, {} rejected;"
            + " newest event {}; {} records behind the topic's end; Spark jobs {}",
        progress.name(),
        progress.batchId(),
        progress.numInputRows(),
        progress.batchDuration(),
        Math.round(progress.processedRowsPerSecond()),
        Math.round(progress.inputRowsPerSecond()),
        report.quotes(),
        report.rejected(),
        report.newest().map(Instant::toString).orElse("-"),
        behind,
        report.steps());
    inputRows.inc(progress.numInputRows());
    quotes.inc(report.quotes());
    rejected.inc(report.rejected());
    batchSeconds.labelValues(progress.name()).observe(progress.batchDuration() / 1000.0);
    processedRate.set(finite(progress.processedRowsPerSecond()));
    offsetsBehind.set(behind);
    report.newest().ifPresent(n -> newestEvent.set(n.toEpochMilli() / 1000.0));
    Instant at = Instant.parse(progress.timestamp());
    state.updateAndGet(
        s ->
            new State(
                s.status(),
                Optional.of(progress.batchId()),
                Optional.of(at),
                report.newest().or(s::newestEvent),
                behind,
                s.barsLastBatch(),
                s.watermark(),
                s.failure()));
    record(
        progress,
        at,
        progress.numInputRows(),
        new Row(
            report.quotes(),
            report.rejected(),
            0,
            0,
            0,
            report.newest().orElse(null),
            null,
            endOffsets,
            behind,
            report.steps().toString(),
            null,
            null));
  }

  private void barsProgress(StreamingQueryProgress progress, BarsBatch.Report report) {
    long dropped = 0;
    long updated = 0;
    for (StateOperatorProgress operator : progress.stateOperators()) {
      dropped += operator.numRowsDroppedByWatermark();
      if (operator.operatorName().equals("stateStoreSave")) {
        updated += operator.numRowsUpdated();
      }
    }
    long droppedLate = dropped;
    long records =
        progress.sources().length == 0
            ? 0
            : KafkaOffsets.records(
                progress.sources()[0].startOffset(), progress.sources()[0].endOffset());
    Optional<Instant> mark =
        Optional.ofNullable(progress.eventTime().get("watermark")).map(Instant::parse);
    LOG.info(
        "{} batch {}: {} records in {} ms: {} bars from the state, {} quotes behind the watermark"
            + " ({}), {} bars from stored quotes; Spark jobs {}",
        progress.name(),
        progress.batchId(),
        records,
        progress.batchDuration(),
        updated,
        dropped,
        mark.map(Instant::toString).orElse("-"),
        report.backfilled(),
        report.steps());
    long scoredBars = report.scoring().stream().mapToLong(BarScorer.Result::scored).sum();
    long unscoredBars = report.scoring().stream().mapToLong(BarScorer.Result::skipped).sum();
    if (scoredBars + unscoredBars > 0) {
      LOG.info(
          "{} batch {}: scored {} finished bars of {} symbols, {} left unscored, {} outcomes",
          progress.name(),
          progress.batchId(),
          scoredBars,
          report.scoring().size(),
          unscoredBars,
          report.scoring().stream().mapToLong(BarScorer.Result::outcomes).sum());
    }
    scoring(report.scoring());
    scored.inc(scoredBars);
    unscored.inc(unscoredBars);
    late.inc(dropped);
    bars.inc(updated);
    backfilled.inc(report.backfilled());
    batchSeconds.labelValues(progress.name()).observe(progress.batchDuration() / 1000.0);
    mark.ifPresent(w -> watermark.set(w.toEpochMilli() / 1000.0));
    state.updateAndGet(
        s ->
            new State(
                s.status(),
                s.lastBatch(),
                s.lastBatchAt(),
                s.newestEvent(),
                s.offsetsBehind(),
                Optional.of(progress.batchId()),
                mark.or(s::watermark),
                s.failure()));
    record(
        progress,
        Instant.parse(progress.timestamp()),
        records,
        new Row(
            0,
            0,
            droppedLate,
            updated,
            report.backfilled(),
            null,
            mark.orElse(null),
            progress.sources().length == 0 ? null : progress.sources()[0].endOffset(),
            null,
            report.steps().toString(),
            scoredBars,
            unscoredBars));
  }

  /** The monitor's figures as gauges, and each demotion, logged by the executor too. */
  private void scoring(List<BarScorer.Result> results) {
    for (BarScorer.Result result : results) {
      if (result.demotion() != null) {
        LOG.warn("demoted: {}", result.demotion());
        demotions.labelValues(result.symbol()).inc();
      }
      String before =
          result.unusable() == null
              ? unusable.remove(result.symbol())
              : unusable.put(result.symbol(), result.unusable());
      if (result.unusable() != null && !result.unusable().equals(before)) {
        LOG.warn(
            "{} not scored until another version serves: {}", result.symbol(), result.unusable());
      } else if (result.unusable() == null && before != null) {
        LOG.info("{} scored again", result.symbol());
      }
      unusableModels.labelValues(result.symbol()).set(result.unusable() == null ? 0 : 1);
      if (result.steps() > 0) {
        rollingRmse.labelValues(result.symbol(), "model").set(result.rmse());
        rollingRmse.labelValues(result.symbol(), "naive").set(result.naiveRmse());
        rollingMae.labelValues(result.symbol(), "model").set(result.mae());
        rollingMae.labelValues(result.symbol(), "naive").set(result.naiveMae());
      }
    }
  }

  /** A batch's own figures in its {@code ingest_batches} row. */
  private record Row(
      long quotes,
      long rejected,
      long late,
      long bars,
      long backfilled,
      Instant newestEvent,
      Instant watermark,
      String endOffsets,
      Long offsetsBehind,
      String sparkJobs,
      Long scored,
      Long unscored) {}

  /** The batch's row of {@code ingest_batches}; a failure to write it is logged, not fatal. */
  private void record(StreamingQueryProgress progress, Instant at, long inputRows, Row row) {
    CassandraSettings db = settings.cassandra();
    try {
      cassandra.withSessionDo(
          session -> {
            if (insert == null) {
              insert =
                  session.prepare(
                      "INSERT INTO "
                          + db.keyspace()
                          + "."
                          + Tables.INGEST_BATCHES
                          + " (query, day, batch_id, at, input_rows, quotes, rejected, late, bars,"
                          + " backfilled, newest_event, watermark, duration_ms, input_rate,"
                          + " processed_rate, end_offsets, offsets_behind, spark_jobs, scored,"
                          + " unscored)"
                          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            }
            return session.execute(
                insert
                    .bind(
                        progress.name(),
                        LocalDate.ofInstant(at, ZoneOffset.UTC),
                        progress.batchId(),
                        at,
                        inputRows,
                        row.quotes(),
                        row.rejected(),
                        row.late(),
                        row.bars(),
                        row.backfilled(),
                        row.newestEvent(),
                        row.watermark(),
                        progress.batchDuration(),
                        finite(progress.inputRowsPerSecond()),
                        finite(progress.processedRowsPerSecond()),
                        row.endOffsets(),
                        row.offsetsBehind(),
                        row.sparkJobs(),
                        row.scored(),
                        row.unscored())
                    .setIdempotent(true)
                    .setConsistencyLevel(DefaultConsistencyLevel.valueOf(db.consistency())));
          });
    } catch (RuntimeException e) {
      LOG.warn(
          "could not record the progress of {} batch {}: {}",
          progress.name(),
          progress.batchId(),
          e.toString());
    }
  }

  private static double finite(double rate) {
    return Double.isFinite(rate) ? rate : 0;
  }

  private static Counter counter(PrometheusRegistry registry, String name, String help) {
    return Counter.builder().name(name).help(help).register(registry);
  }
}
