package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.smack.access.Forecast.Price;
import io.smack.access.Views.PredictionView;
import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.PortableModel;
import io.smack.common.model.SeriesCalendar;
import io.smack.common.model.ServedModels.Served;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastTest {

  static final PortableModel.Linear MODEL =
      new PortableModel.Linear(
          PortableModel.NEXT_LOG_RETURN,
          ForecastFeatures.NAMES,
          List.of(0.001, 0.0, 0.0, 0.0, 0.0, 0.01, 0.02, 0.03),
          List.of(0.02, 0.02, 0.02, 0.02, 0.02, 0.05, 0.08, 0.01),
          List.of(0.4, -0.25, 0.0, 0.1, 0.0, 0.05, -0.02, 0.3),
          0.0005);

  @Test
  void should_predict_what_the_model_gives_on_the_newest_prices_evaluated_by_hand() {
    // given: 30 prices a minute apart, newest first; the newest 21 are the inputs
    Instant start = Instant.parse("2026-11-23T14:00:00Z");
    List<Price> newestFirst = new ArrayList<>();
    for (int i = 29; i >= 0; i--) {
      newestFirst.add(new Price(start.plusSeconds(60L * i), 100 + Math.sin(i) * 3 + i * 0.1));
    }
    Instant now = Instant.parse("2026-11-23T14:30:05Z");

    // when
    PredictionView prediction =
        Forecast.predict("AAPL", new Served(3, MODEL, Instant.EPOCH), newestFirst, now);

    // then: the features and the linear model, worked out here from their definitions
    double[] p = new double[21];
    for (int k = 0; k < 21; k++) {
      p[k] = newestFirst.get(20 - k).price();
    }
    double[] x = featuresByHand(p);
    double expected = byHand(MODEL, x);
    assertThat(prediction.predictedReturn()).isCloseTo(expected, within(1e-12));
    assertThat(prediction.predicted()).isCloseTo(p[20] * Math.exp(expected), within(1e-9));
    assertThat(prediction.inputs().values())
        .zipSatisfy(
            Arrays.stream(x).boxed().toList(),
            (actual, byHand) -> assertThat(actual).isCloseTo(byHand, within(1e-12)));
    assertThat(prediction.asOf()).isEqualTo(start.plusSeconds(60L * 29));
    assertThat(prediction.targetTs()).isEqualTo(start.plusSeconds(60L * 30));
    assertThat(prediction.modelVersion()).isEqualTo(3);
    assertThat(prediction.prices()).hasSize(21).startsWith(p[0]).endsWith(p[20]);
    assertThat(prediction.at()).isEqualTo(now);
  }

  @Test
  void should_refuse_to_predict_from_fewer_prices_than_the_features_need() {
    List<Price> twenty = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      twenty.add(new Price(Instant.EPOCH.plusSeconds(i), 10));
    }
    assertThatThrownBy(
            () ->
                Forecast.predict("IBM", new Served(1, MODEL, Instant.EPOCH), twenty, Instant.EPOCH))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status().intValue()).isEqualTo(404);
              assertThat(e.error()).isEqualTo("not_enough_prices");
            })
        .hasMessage("IBM has 20 prices; a prediction needs the newest 21");
  }

  @Test
  void should_answer_503_naming_why_when_the_served_model_is_one_this_service_cannot_use() {
    // given: version 4 of a kind a newer training job wrote
    Served trees = Served.read(4, "{\"kind\":\"transformer\"}", Instant.EPOCH);

    // when, then
    assertThatThrownBy(() -> Forecast.predict("IBM", trees, List.of(), Instant.EPOCH))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status().intValue()).isEqualTo(503);
              assertThat(e.error()).isEqualTo("unservable_model");
            })
        .hasMessage(
            "IBM cannot be predicted: version 4 is not a model this version can use: unknown model"
                + " kind 'transformer'");
  }

  @Test
  void should_expect_the_next_step_after_the_median_spacing() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    List<Instant> oldestFirst =
        List.of(t, t.plusSeconds(10), t.plusSeconds(20), t.plusSeconds(3600));
    assertThat(SeriesCalendar.medianStep(oldestFirst)).isEqualTo(Duration.ofSeconds(10));
    assertThat(SeriesCalendar.next(oldestFirst)).isEqualTo(t.plusSeconds(3610));
  }

  /**
   * The eight features at the newest of 21 prices (oldest first), worked out here from their
   * definitions: the last five log returns, the gaps to the 10- and 20-price means, the sample
   * deviation of the last 20 returns.
   */
  static double[] featuresByHand(double[] p) {
    double[] x = new double[8];
    for (int lag = 0; lag < 5; lag++) {
      x[lag] = Math.log(p[20 - lag] / p[19 - lag]);
    }
    x[5] = p[20] / mean(p, 11, 20) - 1;
    x[6] = p[20] / mean(p, 1, 20) - 1;
    double[] returns = new double[20];
    for (int k = 1; k <= 20; k++) {
      returns[k - 1] = Math.log(p[k] / p[k - 1]);
    }
    double m = 0;
    for (double r : returns) {
      m += r / 20;
    }
    double ss = 0;
    for (double r : returns) {
      ss += (r - m) * (r - m);
    }
    x[7] = Math.sqrt(ss / 19);
    return x;
  }

  /** A linear {@code model} applied to the features {@code x} by hand. */
  static double byHand(PortableModel.Linear model, double[] x) {
    double result = model.intercept();
    for (int i = 0; i < x.length; i++) {
      result += model.coefficients().get(i) * (x[i] - model.mean().get(i)) / model.std().get(i);
    }
    return result;
  }

  private static double mean(double[] p, int from, int to) {
    double sum = 0;
    for (int i = from; i <= to; i++) {
      sum += p[i];
    }
    return sum / (to - from + 1);
  }
}
