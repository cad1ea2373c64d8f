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
 * One training run: the series of each symbol in the window, its features, a model per symbol,
 * stored as the symbol's next version. A symbol with too little data is skipped with its reason.
 */
final class TrainingJob {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);

  /**
   * What happened to one symbol.
   *
   * @param version the stored version, empty when skipped
   * @param reason why it was skipped, or how the model compares with the naive forecast
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
    Trainer.Options options = new Trainer.Options(settings.testFraction(), settings.regParam());
    for (String symbol : symbols) {
      Dataset<Row> mine = features.where(col("symbol").equalTo(symbol));
      long labelled = mine.where(col(SeriesFeatures.LABEL).isNotNull()).count();
      if (labelled < settings.minRows()) {
        String reason =
            labelled
                + " labelled rows, "
                + settings.minRows()
                + " needed (smack.training.min-rows; the features take the first 21 prices)";
        LOG.info("{}: skipped: {}", symbol, reason);
        outcomes.add(new Outcome(symbol, Optional.empty(), false, Map.of(), reason));
        continue;
      }
      Trained trained = Trainer.train(mine, options);
      boolean promoted = trained.beatsBaseline() || settings.promoteWorse();
      int version = store.store(symbol, trained, promoted, now);
      Map<String, Double> metrics = trained.metrics();
      String comparison =
          String.format(
              "rmse %.6g vs naive %.6g (%+.2f %%), mae %.6g vs naive %.6g (%+.2f %%)",
              metrics.get("rmse"),
              metrics.get("baseline_rmse"),
              100 * metrics.get("improvement"),
              metrics.get("mae"),
              metrics.get("baseline_mae"),
              100 * metrics.get("mae_improvement"));
      LOG.info(
          "{}: version {} {}: {}; trained on {} rows {} .. {}, tested on {}",
          symbol,
          version,
          promoted
              ? "promoted"
              : "stored, not promoted (not better than the naive forecast in both RMSE and MAE)",
          comparison,
          trained.trainRows(),
          trained.from(),
          trained.to(),
          trained.testRows());
      outcomes.add(new Outcome(symbol, Optional.of(version), promoted, metrics, comparison));
      trained.test().unpersist();
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
