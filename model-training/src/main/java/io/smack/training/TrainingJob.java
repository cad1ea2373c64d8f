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
    for (String symbol : symbols) {
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
      outcomes.add(
          new Outcome(symbol, Optional.of(version), true, trained.metrics(), trained.reason()));
    }
    features.unpersist();
    series.unpersist();
    return outcomes;
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
