package io.smack.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.smack.common.model.ForecastFeatures;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SeriesFeaturesTest {

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TrainingSparks.local("series-features-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void should_give_the_features_that_the_java_predictor_computes_from_the_same_history() {
    // given
    double[] prices = walk(60, 1);

    // when
    List<Row> rows = features(prices);

    // then: a row for each price with 21 before it, each equal to ForecastFeatures on its history
    assertThat(rows).hasSize(60 - ForecastFeatures.PRICES_NEEDED + 1);
    for (int r = 0; r < rows.size(); r++) {
      int t = r + ForecastFeatures.PRICES_NEEDED - 1;
      double[] expected = ForecastFeatures.of(Arrays.copyOf(prices, t + 1));
      for (int f = 0; f < expected.length; f++) {
        assertThat(rows.get(r).getDouble(3 + f))
            .as("%s at %d", ForecastFeatures.NAMES.get(f), t)
            .isCloseTo(expected[f], within(1e-15 + Math.abs(expected[f]) * 1e-12));
      }
      if (t + 1 < prices.length) {
        assertThat(rows.get(r).getDouble(11)).isEqualTo(Math.log(prices[t + 1] / prices[t]));
      } else {
        assertThat(rows.get(r).isNullAt(11)).as("no label on the last row").isTrue();
      }
    }
  }

  @Test
  void should_leave_every_feature_of_earlier_rows_alone_when_the_future_changes() {
    // given: the same history up to t = 40, then two different futures
    double[] prices = walk(60, 2);
    double[] otherFuture = prices.clone();
    for (int i = 41; i < otherFuture.length; i++) {
      otherFuture[i] = otherFuture[i] * 3;
    }

    // when
    List<Row> rows = features(prices);
    List<Row> other = features(otherFuture);

    // then: the features of rows up to t = 40 are identical; only t = 40's label differs
    int row40 = 40 - (ForecastFeatures.PRICES_NEEDED - 1);
    for (int r = 0; r <= row40; r++) {
      for (int f = 3; f < 3 + ForecastFeatures.NAMES.size(); f++) {
        assertThat(other.get(r).getDouble(f)).isEqualTo(rows.get(r).getDouble(f));
      }
    }
    assertThat(other.get(row40).getDouble(11)).isNotEqualTo(rows.get(row40).getDouble(11));
    assertThat(other.get(row40 - 1).getDouble(11)).isEqualTo(rows.get(row40 - 1).getDouble(11));
  }

  private static List<Row> features(double[] prices) {
    return SeriesFeatures.of(TrainingSparks.series(spark, "AAPL", prices))
        .orderBy("ts")
        .collectAsList();
  }

  static double[] walk(int n, long seed) {
    Random random = new Random(seed);
    double[] prices = new double[n];
    prices[0] = 100;
    for (int i = 1; i < n; i++) {
      prices[i] = prices[i - 1] * Math.exp(random.nextGaussian() * 0.01);
    }
    return prices;
  }
}
