package io.smack.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.smack.common.Tables;
import io.smack.training.Trainer.Trained;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run: the series of each symbol in the window, its features, and per symbol the model
 * {@link Trainer} chooses (naive when no family beats it, or when there are too few rows to judge),
 * stored as the symbol's next version and served, with the reason and the walk-forward table.
 */
final class TrainingJob {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);

  /**
   * What happened to one symbol.
   *
   * @param version the stored version
   * @param reason why its model serves
   */
  record Outcome(
      String symbol,
      Optional<Integer> version,
      boolean promoted,
      Map<String, Double> metrics,
      String reason) {}

  private TrainingJob() {}

  static List<Outcome> run(
      SparkSession spark, TrainingSettings settings, ModelStore store, Instant now) {
    Dataset<Row> series = series(spark, settings, now).cache();
    List<String> symbols =
        settings.symbols().isEmpty()
            ? series
                .select("symbol")
                .distinct()
                .orderBy("symbol")
                .as(Encoders.STRING())
                .collectAsList()
            : settings.symbols();
    List<Outcome> outcomes = new ArrayList<>();
    if (symbols.isEmpty()) {
      return outcomes;
    }
    Dataset<Row> features = SeriesFeatures.of(series).cache();
    Trainer.Options options = settings.trainerOptions();
    // Several symbols at once: a fit on a symbol's few thousand rows is mostly the driver's work
    // (planning, scheduling, growing trees), so one symbol alone leaves the cores idle; Spark runs
    // the jobs of several threads side by side on the same executors.
    ExecutorService threads = Executors.newFixedThreadPool(settings.parallelism());
    try {
      List<Future<Outcome>> trained = new ArrayList<>();
      for (String symbol : symbols) {
        trained.add(
            threads.submit(() -> train(spark, settings, store, now, features, options, symbol)));
      }
      for (Future<Outcome> outcome : trained) {
        outcomes.add(outcome.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while training", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException failure
          ? failure
          : new IllegalStateException(e.getCause());
    } finally {
      threads.shutdownNow();
      features.unpersist();
      series.unpersist();
    }
    return outcomes;
  }

  private static Outcome train(
      SparkSession spark,
      TrainingSettings settings,
      ModelStore store,
      Instant now,
      Dataset<Row> features,
      Trainer.Options options,
      String symbol) {
    Trained trained = Trainer.train(features.where(col("symbol").equalTo(symbol)), options);
    Lineage lineage = Lineage.of(settings, symbol, trained, spark.version());
    int version = store.store(symbol, trained, lineage.toJson(), true, now);
    LOG.info(
        "{}: version {} serves: {}; {}",
        symbol,
        version,
        trained.reason(),
        trained.rows() == 0
            ? "no labelled rows"
            : "trained on " + trained.rows() + " rows " + trained.from() + " .. " + trained.to());
    return new Outcome(symbol, Optional.of(version), true, trained.metrics(), trained.reason());
  }

  /** symbol, ts, price of the configured series in the window, of the configured symbols. */
  static Dataset<Row> series(SparkSession spark, TrainingSettings settings, Instant now) {
    boolean bars = settings.series().equals(TrainingSettings.BARS);
    Dataset<Row> table =
        spark
            .read()
            .format("org.apache.spark.sql.cassandra")
            .option("keyspace", settings.cassandra().keyspace())
            .option("table", bars ? Tables.BARS_1M : Tables.QUOTES_BY_DAY)
            .load();
    Dataset<Row> series =
        bars
            ? table.select(col("symbol"), col("minute").as("ts"), col("close").as("price"))
            : table.select("symbol", "ts", "price");
    series = series.where(col("ts").geq(lit(Timestamp.from(now.minus(settings.lookback())))));
    if (!settings.symbols().isEmpty()) {
      series = series.where(col("symbol").isin(settings.symbols().toArray()));
    }
    return series;
  }
}
