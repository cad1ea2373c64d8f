package io.smack.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.PortableModel;
import io.smack.training.Trainer.Trained;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainerTest {

  private static SparkSession spark;
  private static Trained trained;
  private static final int ROWS = 4000;

  @BeforeAll
  static void train() {
    spark = TrainingSparks.local("trainer-test");
    // given: returns with a known linear structure, r(t+1) = 0.4 r(t) - 0.25 r(t-1) + noise
    Random random = new Random(5);
    double[] prices = new double[ROWS];
    prices[0] = 100;
    double previous = 0;
    double last = 0;
    for (int t = 1; t < ROWS; t++) {
      double next = 0.4 * last - 0.25 * previous + random.nextGaussian() * 0.01;
      prices[t] = prices[t - 1] * Math.exp(next);
      previous = last;
      last = next;
    }
    trained =
        Trainer.train(
            SeriesFeatures.of(TrainingSparks.series(spark, "SYN", prices)),
            new Trainer.Options(0.2, 0.0));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void should_recover_the_coefficients_of_a_known_linear_series_and_beat_the_naive_forecast() {
    // then: on the original scale, coefficient / std
    PortableModel model = trained.model();
    assertThat(model.coefficients().get(0) / model.std().get(0)).isCloseTo(0.4, within(0.06));
    assertThat(model.coefficients().get(1) / model.std().get(1)).isCloseTo(-0.25, within(0.06));
    for (int f = 2; f < ForecastFeatures.LAGS; f++) {
      assertThat(model.coefficients().get(f) / model.std().get(f)).isCloseTo(0.0, within(0.06));
    }
    assertThat(trained.beatsBaseline()).isTrue();
    assertThat(trained.metrics().get("improvement")).isPositive();
    assertThat(trained.metrics()).containsKeys("rmse", "mae", "baseline_rmse", "baseline_mae");
  }

  @Test
  void should_promote_only_a_model_better_than_the_naive_forecast_in_both_rmse_and_mae() {
    assertThat(withMetrics(0.9, 0.9).beatsBaseline()).isTrue();
    // the replayed S&P 500 case: a little better in RMSE, worse in MAE
    assertThat(withMetrics(0.9983, 1.01).beatsBaseline()).isFalse();
    assertThat(withMetrics(1.01, 0.9).beatsBaseline()).isFalse();
  }

  /** A trained model's metrics alone, rmse and mae as fractions of the naive forecast's 1.0. */
  private static Trained withMetrics(double rmse, double mae) {
    return new Trained(
        trained.model(),
        trained.spark(),
        trained.test(),
        Map.of("rmse", rmse, "mae", mae, "baseline_rmse", 1.0, "baseline_mae", 1.0),
        1,
        1,
        trained.from(),
        trained.to());
  }

  @Test
  void should_split_by_time_with_the_newest_fifth_held_out() {
    // then: 4000 prices give 3979 labelled rows; the test set is the newest 20 %
    long labelled = ROWS - ForecastFeatures.PRICES_NEEDED;
    assertThat(trained.testRows()).isEqualTo(labelled - (long) Math.floor(labelled * 0.8));
    assertThat(trained.trainRows()).isEqualTo(labelled - trained.testRows() - 1);
    Row firstTest = trained.test().orderBy("ts").first();
    assertThat(firstTest.getTimestamp(firstTest.fieldIndex("ts")).toInstant())
        .isAfter(trained.to());
  }

  @Test
  void should_predict_with_the_portable_model_what_spark_predicts_on_every_held_out_row() {
    // given
    PortableModel portable = PortableModel.fromJson(trained.model().toJson());
    List<Row> test = trained.test().collectAsList();

    // then
    assertThat(test).hasSizeGreaterThan(700);
    for (Row row : test) {
      double[] features = new double[ForecastFeatures.NAMES.size()];
      for (int f = 0; f < features.length; f++) {
        features[f] = row.getDouble(row.fieldIndex(ForecastFeatures.NAMES.get(f)));
      }
      double spark = row.getDouble(row.fieldIndex("prediction"));
      assertThat(portable.predict(features)).isCloseTo(spark, within(Math.abs(spark) * 1e-9));
    }
  }
}
