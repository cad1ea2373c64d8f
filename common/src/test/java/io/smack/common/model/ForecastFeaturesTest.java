package io.smack.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ForecastFeaturesTest {

  @Test
  void should_compute_returns_gaps_and_volatility_from_the_last_prices_only() {
    // given: 25 prices; the first four are far off and must not count
    double[] prices = new double[25];
    for (int i = 0; i < prices.length; i++) {
      prices[i] = i < 4 ? 1_000_000.0 : 100.0 + i;
    }

    // when
    double[] features = ForecastFeatures.of(prices);

    // then
    assertThat(features[0]).isCloseTo(Math.log(124.0 / 123.0), within(1e-15));
    assertThat(features[4]).isCloseTo(Math.log(120.0 / 119.0), within(1e-15));
    // mean of 115..124 = 119.5, of 105..124 = 114.5
    assertThat(features[5]).isCloseTo(124.0 / 119.5 - 1, within(1e-15));
    assertThat(features[6]).isCloseTo(124.0 / 114.5 - 1, within(1e-15));
    double[] returns = new double[20];
    for (int i = 0; i < 20; i++) {
      returns[i] = Math.log((105.0 + i) / (104.0 + i));
    }
    double mean = Arrays.stream(returns).average().orElseThrow();
    double squares = Arrays.stream(returns).map(r -> (r - mean) * (r - mean)).sum();
    assertThat(features[7]).isCloseTo(Math.sqrt(squares / 19), within(1e-15));
  }

  @Test
  void should_refuse_too_short_a_history() {
    assertThatThrownBy(() -> ForecastFeatures.of(new double[20]))
        .hasMessageContaining("need 21 prices");
  }
}
