package io.smack.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.common.Tables;
import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.ForecastMonitor;
import io.smack.common.model.PortableModel;
import io.smack.common.model.SeriesCalendar;
import io.smack.common.model.ServedModels;
import io.smack.common.model.ServedModels.Served;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores the finished one-minute bars of the symbols a bars batch changed, on the executors, one
 * symbol after another within a task: each bar older than the symbol's newest is finished, and so
 * is the newest once its minute is over on the clock (at once for a replayed past minute), and
 * every finished bar after the last one scored gets a prediction of the next bar's close by the
 * symbol's served model (read afresh each batch), written to {@code predictions} with the naive
 * forecast beside it. A late quote that changes the newest scored bar has it scored again: its
 * prediction rewritten, and the outcome it gave the one before measured again, counted once. The
 * bar that follows a prediction is its outcome: the actual close, the model's and the naive
 * forecast's errors go into the prediction's row and into the symbol's live monitor ({@link
 * ForecastMonitor}), which demotes a model that the naive forecast beats over a full window.
 *
 * <p>Where a symbol stands — the last bar scored, the prediction waiting for its outcome, the
 * monitor's window — is a row of {@code prediction_monitor}, written after the symbol's bars. A
 * batch run again after a crash finds its bars scored already (or scores them again into the same
 * rows, keyed on the bar's minute): one prediction per (symbol, bar). Spark's own stateful
 * operators cannot keep it: the bars come from a streaming aggregation in update mode, which no
 * second stateful operator may follow in Spark 3.5.
 */
final class BarScorer implements FlatMapFunction<Iterator<Row>, BarScorer.Result> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(BarScorer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DAYS_PAGE = 32;

  /**
   * What scoring did for one symbol in one batch.
   *
   * @param scored bars given a prediction
   * @param skipped finished bars without one: no served model, or fewer than 21 bars before them
   * @param outcomes predictions whose outcome the batch wrote
   * @param modelVersion the version serving after the batch; null when none
   * @param steps the steps the monitor's figures cover; 0 before the first outcome
   * @param demotion the demotion's log line, when the batch demoted the model
   * @param unusable why the served version could not score, when it could not: a model this job
   *     cannot read or evaluate, or one that needs features it does not compute
   */
  record Result(
      String symbol,
      int scored,
      int skipped,
      int outcomes,
      Integer modelVersion,
      int steps,
      boolean full,
      double rmse,
      double mae,
      double naiveRmse,
      double naiveMae,
      String demotion,
      String unusable)
      implements Serializable {}

  /** One bar's minute and close. */
  private record Bar(Instant minute, double close) {}

  /** A prediction waiting for the next bar: made at {@code asOf} by {@code version}. */
  private record Pending(Instant asOf, double close, double predicted, int version) {}

  /** A bar's period. */
  private static final Duration BAR = Duration.ofMinutes(1);

  private final CassandraConnector connector;
  private final String keyspace;
  private final String consistency;
  private final IngestSettings.Scoring settings;

  BarScorer(
      CassandraConnector connector,
      String keyspace,
      String consistency,
      IngestSettings.Scoring settings) {
    this.connector = connector;
    this.keyspace = keyspace;
    this.consistency = consistency;
    this.settings = settings;
  }

  /**
   * @param newest a row (symbol, minute, earliest) per symbol: the newest and the earliest of its
   *     bars the batch changed
   */
  @Override
  public Iterator<Result> call(Iterator<Row> newest) {
    List<Result> results = new ArrayList<>();
    if (!newest.hasNext()) {
      return results.iterator();
    }
    connector.withSessionDo(
        session -> {
          Statements statements = new Statements(session);
          while (newest.hasNext()) {
            Row row = newest.next();
            results.add(
                new Symbol(
                        session,
                        statements,
                        row.getAs("symbol"),
                        row.<Timestamp>getAs("minute").toInstant(),
                        row.<Timestamp>getAs("earliest").toInstant())
                    .score());
          }
          return null;
        });
    return results.iterator();
  }

  private final class Statements {
    final PreparedStatement days;
    final PreparedStatement bars;
    final PreparedStatement state;
    final PreparedStatement saveState;
    final PreparedStatement demoted;
    final PreparedStatement prediction;
    final PreparedStatement predictionAt;
    final PreparedStatement outcome;

    Statements(CqlSession session) {
      String monitor = keyspace + "." + Tables.PREDICTION_MONITOR;
      String predictions = keyspace + "." + Tables.PREDICTIONS;
      days =
          session.prepare(
              "SELECT day FROM "
                  + keyspace
                  + "."
                  + Tables.QUOTE_DAYS
                  + " WHERE symbol = ? AND day <= ?");
      bars =
          session.prepare(
              "SELECT minute, close FROM "
                  + keyspace
                  + "."
                  + Tables.BARS_1M
                  + " WHERE symbol = ? AND day = ? AND minute < ? ORDER BY minute DESC");
      state =
          session.prepare(
              "SELECT scored_through, pending_close, pending_predicted, pending_version,"
                  + " model_version, model_errors, naive_errors, scored, skipped, last_outcome_at"
                  + " FROM "
                  + monitor
                  + " WHERE symbol = ?");
      saveState =
          session.prepare(
              "INSERT INTO "
                  + monitor
                  + " (symbol, scored_through, pending_close, pending_predicted, pending_version,"
                  + " model_version, model_errors, naive_errors, scored, skipped, model_problem,"
                  + " last_outcome_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      demoted =
          session.prepare(
              "UPDATE "
                  + monitor
                  + " SET demoted_version = ?, demoted_to = ?, demoted_at = ?, demotion = ?"
                  + " WHERE symbol = ?");
      prediction =
          session.prepare(
              "INSERT INTO "
                  + predictions
                  + " (symbol, day, ts, target_ts, predicted, model_version, inputs, naive)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      predictionAt =
          session.prepare(
              "SELECT predicted, naive, model_version FROM "
                  + predictions
                  + " WHERE symbol = ? AND day = ? AND ts = ?");
      outcome =
          session.prepare(
              "UPDATE "
                  + predictions
                  + " SET actual = ?, actual_ts = ?, error = ?, naive_error = ?"
                  + " WHERE symbol = ? AND day = ? AND ts = ?");
    }
  }

  /** One symbol's scoring in one batch. */
  private final class Symbol {
    private final CqlSession session;
    private final Statements statements;
    private final String symbol;
    private final Instant newestBar;
    private final Instant earliestChanged;
    private final ServedModels models;

    private Instant scoredThrough;
    private Instant lastOutcomeAt;
    private Pending pending;
    private Integer monitoredVersion;
    private ForecastMonitor monitor;
    private long scoredTotal;
    private long skippedTotal;

    private int scored;
    private int skipped;
    private int outcomes;
    private String demotion;
    private String unusable;

    Symbol(
        CqlSession session,
        Statements statements,
        String symbol,
        Instant newestBar,
        Instant earliestChanged) {
      this.session = session;
      this.statements = statements;
      this.symbol = symbol;
      this.newestBar = newestBar;
      this.earliestChanged = earliestChanged;
      this.models = new ServedModels(session, keyspace, consistency);
      this.monitor = ForecastMonitor.empty(settings.window(), settings.demoteMargin());
    }

    Result score() {
      readState();
      // the newest bar is finished once its minute is over on the clock
      Instant before = newestBar.plus(BAR).isAfter(Instant.now()) ? newestBar : newestBar.plus(BAR);
      // a late quote changed the newest scored bar (scored when its minute ended): again
      boolean again =
          scoredThrough != null
              && earliestChanged.equals(scoredThrough)
              && before.isAfter(scoredThrough);
      List<Bar> oldestFirst = new ArrayList<>();
      int candidates =
          finishedBars(oldestFirst, before, again ? scoredThrough.minusMillis(1) : scoredThrough);
      if (again && candidates > 0) {
        int first = oldestFirst.size() - candidates;
        pending = first > 0 ? predictionAt(oldestFirst.get(first - 1).minute()) : null;
      }
      Optional<Served> served = Optional.empty();
      if (candidates > 0) {
        served = servable(models.served(symbol));
        if (!served.map(Served::version).equals(Optional.ofNullable(monitoredVersion))) {
          monitor = monitor.cleared();
          monitoredVersion = served.map(Served::version).orElse(null);
        }
      }
      int first = oldestFirst.size() - candidates;
      for (int i = first; i < oldestFirst.size(); i++) {
        Bar bar = oldestFirst.get(i);
        boolean repeated = again && i == first; // counted when it was scored first
        if (pending != null && i > 0 && oldestFirst.get(i - 1).minute().equals(pending.asOf())) {
          served = outcome(pending, bar, served);
        }
        pending = null;
        if (served.isPresent() && i >= ForecastFeatures.PRICES_NEEDED - 1) {
          pending =
              predict(
                  served.get(), oldestFirst.subList(i - ForecastFeatures.PRICES_NEEDED + 1, i + 1));
          scored += repeated ? 0 : 1;
        } else {
          skipped += repeated ? 0 : 1;
        }
        scoredThrough = bar.minute();
      }
      if (candidates > 0) {
        saveState();
      }
      return result(served);
    }

    /**
     * Reads the symbol's finished bars (those before {@code before}), newest first, into {@code
     * oldestFirst} (oldest first): the finished bars after {@code through} (or the newest finished
     * bar alone, for a symbol never scored; at most {@code max-bars}), and the 20 before them that
     * the first one's features need.
     *
     * @return how many of them are to be scored, the newest of {@code oldestFirst}
     */
    private int finishedBars(List<Bar> oldestFirst, Instant before, Instant through) {
      List<Bar> newestFirst = new ArrayList<>();
      int candidates = 0;
      walk:
      for (com.datastax.oss.driver.api.core.cql.Row day :
          // pages of a month of days: the walk stops after the 21 bars it needs, where the
          // driver's default page would fetch up to 5 000 days of a daily series every batch
          session.execute(bind(statements.days, symbol, day(newestBar)).setPageSize(DAYS_PAGE))) {
        for (com.datastax.oss.driver.api.core.cql.Row row :
            session.execute(bind(statements.bars, symbol, day.getLocalDate(0), before))) {
          Bar bar = new Bar(row.getInstant(0), row.getDouble(1));
          boolean after = through == null || bar.minute().isAfter(through);
          if (newestFirst.isEmpty() && !after) {
            return 0; // the newest finished bar is scored already
          }
          boolean candidate =
              after
                  && candidates < settings.maxBars()
                  && (through != null || newestFirst.isEmpty());
          newestFirst.add(bar);
          if (candidate) {
            candidates++;
          } else if (newestFirst.size() - candidates >= ForecastFeatures.PRICES_NEEDED - 1) {
            break walk;
          }
        }
      }
      Collections.reverse(newestFirst);
      oldestFirst.addAll(newestFirst);
      return candidates;
    }

    /** The outcome of {@code made} at {@code bar}: into its row and the monitor; may demote. */
    private Optional<Served> outcome(Pending made, Bar bar, Optional<Served> served) {
      double error = bar.close() - made.predicted();
      double naiveError = bar.close() - made.close();
      session.execute(
          bind(
              statements.outcome,
              bar.close(),
              bar.minute(),
              error,
              naiveError,
              symbol,
              day(made.asOf()),
              made.asOf()));
      outcomes++;
      if (monitoredVersion == null || made.version() != monitoredVersion) {
        return served;
      }
      // the step this bar gave before it changed is measured again, not counted twice
      monitor =
          bar.minute().equals(lastOutcomeAt)
              ? monitor.withNewestReplaced(error, naiveError)
              : monitor.with(error, naiveError);
      lastOutcomeAt = bar.minute();
      Optional<ForecastMonitor.Figures> worse = monitor.demotion();
      if (worse.isEmpty() || !settings.demote()) {
        return served;
      }
      Instant now = Instant.now();
      String why =
          String.format(
              "version %d demoted at bar %s: %s, margin %.0f %%",
              made.version(), bar.minute(), worse.get(), 100 * settings.demoteMargin());
      ServedModels.Demotion done = models.demote(symbol, made.version(), now, "naive: " + why);
      Optional<Served> after = servable(done.now());
      if (done.done()) {
        Integer to = after.map(Served::version).orElse(null);
        demotion =
            String.format(
                "%s %s; %s",
                symbol,
                why,
                to == null ? "no version serves now" : "version " + to + " (naive) serves now");
        LOG.warn(demotion);
        session.execute(bind(statements.demoted, made.version(), to, now, demotion, symbol));
      }
      monitor = monitor.cleared();
      monitoredVersion = after.map(Served::version).orElse(null);
      return after;
    }

    /** The prediction made at {@code bar}, as written; null when none was (or without a model). */
    private Pending predictionAt(Instant bar) {
      com.datastax.oss.driver.api.core.cql.Row row =
          session.execute(bind(statements.predictionAt, symbol, day(bar), bar)).one();
      return row == null || row.isNull(0) || row.isNull(1) || row.isNull(2)
          ? null
          : new Pending(bar, row.getDouble(1), row.getDouble(0), row.getInt(2));
    }

    /** The prediction at the last of {@code bars} (21 of them), written; it waits for the next. */
    private Pending predict(Served served, List<Bar> bars) {
      double[] closes = bars.stream().mapToDouble(Bar::close).toArray();
      double[] features = ForecastFeatures.of(closes);
      Bar last = bars.get(bars.size() - 1);
      double predicted = PortableModel.nextPrice(last.close(), served.model().predict(features));
      Instant target = SeriesCalendar.next(bars.stream().map(Bar::minute).toList());
      Map<String, Object> inputs = new LinkedHashMap<>();
      Map<String, Double> named = new LinkedHashMap<>();
      for (int i = 0; i < features.length; i++) {
        named.put(ForecastFeatures.NAMES.get(i), features[i]);
      }
      inputs.put("features", named);
      inputs.put("prices", closes);
      // with the model version: the bars it was computed from, the first to the last (asOf)
      inputs.put("from", bars.get(0).minute().toString());
      inputs.put("at", Instant.now().toString());
      session.execute(
          bind(
              statements.prediction,
              symbol,
              day(last.minute()),
              last.minute(),
              target,
              predicted,
              served.version(),
              json(inputs),
              last.close()));
      return new Pending(last.minute(), last.close(), predicted, served.version());
    }

    /**
     * The served model, unless this job cannot use it: one it cannot read or evaluate, or one that
     * needs features it does not compute. Then the symbol's bars go unscored, and the reason goes
     * into the result (logged once by the driver) and the monitor's row: the stream goes on.
     */
    private Optional<Served> servable(Optional<Served> served) {
      unusable = null;
      return served.filter(
          s -> {
            if (!s.usable()) {
              unusable = s.unusable();
            } else if (!s.model().features().equals(ForecastFeatures.NAMES)) {
              unusable =
                  "version "
                      + s.version()
                      + " uses features "
                      + s.model().features()
                      + "; scoring computes "
                      + ForecastFeatures.NAMES;
            }
            return unusable == null;
          });
    }

    private void readState() {
      com.datastax.oss.driver.api.core.cql.Row row =
          session.execute(bind(statements.state, symbol)).one();
      if (row == null) {
        return;
      }
      scoredThrough = row.getInstant(0);
      if (!row.isNull(1) && !row.isNull(2) && !row.isNull(3) && scoredThrough != null) {
        pending = new Pending(scoredThrough, row.getDouble(1), row.getDouble(2), row.getInt(3));
      }
      monitoredVersion = row.isNull(4) ? null : row.getInt(4);
      List<Double> modelErrors = row.getList(5, Double.class);
      List<Double> naiveErrors = row.getList(6, Double.class);
      if (modelErrors.size() == naiveErrors.size() && modelErrors.size() <= settings.window()) {
        monitor =
            new ForecastMonitor(
                settings.window(), settings.demoteMargin(), modelErrors, naiveErrors);
      } else {
        // a window of another size, before the setting changed: the newest steps of it
        int keep = Math.min(Math.min(modelErrors.size(), naiveErrors.size()), settings.window());
        monitor =
            new ForecastMonitor(
                settings.window(),
                settings.demoteMargin(),
                modelErrors.subList(modelErrors.size() - keep, modelErrors.size()),
                naiveErrors.subList(naiveErrors.size() - keep, naiveErrors.size()));
      }
      scoredTotal = row.getLong(7);
      skippedTotal = row.getLong(8);
      lastOutcomeAt = row.getInstant(9);
    }

    private void saveState() {
      session.execute(
          bind(
              statements.saveState,
              symbol,
              scoredThrough,
              pending == null ? null : pending.close(),
              pending == null ? null : pending.predicted(),
              pending == null ? null : pending.version(),
              monitoredVersion,
              monitor.modelErrors(),
              monitor.naiveErrors(),
              scoredTotal + scored,
              skippedTotal + skipped,
              unusable,
              lastOutcomeAt,
              Instant.now()));
    }

    private Result result(Optional<Served> served) {
      Optional<ForecastMonitor.Figures> figures = monitor.figures();
      return new Result(
          symbol,
          scored,
          skipped,
          outcomes,
          served.map(Served::version).orElse(monitoredVersion),
          figures.map(ForecastMonitor.Figures::steps).orElse(0),
          figures.map(ForecastMonitor.Figures::full).orElse(false),
          figures.map(ForecastMonitor.Figures::rmse).orElse(Double.NaN),
          figures.map(ForecastMonitor.Figures::mae).orElse(Double.NaN),
          figures.map(ForecastMonitor.Figures::naiveRmse).orElse(Double.NaN),
          figures.map(ForecastMonitor.Figures::naiveMae).orElse(Double.NaN),
          demotion,
          unusable);
    }

    private BoundStatement bind(PreparedStatement statement, Object... values) {
      return statement
          .bind(values)
          .setIdempotent(true)
          .setConsistencyLevel(DefaultConsistencyLevel.valueOf(consistency));
    }
  }

  private static LocalDate day(Instant time) {
    return LocalDate.ofInstant(time, ZoneOffset.UTC);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("inputs that cannot be written as JSON: " + value, e);
    }
  }
}
