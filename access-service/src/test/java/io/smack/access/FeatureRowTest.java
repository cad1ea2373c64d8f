package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.access.Forecast.Price;
import io.smack.access.Views.FeatureRow;
import io.smack.common.model.ForecastFeatures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureRowTest {

  private static final Instant START = Instant.parse("2026-11-23T14:00:00Z");

  /** 30 prices a minute apart, oldest first. */
  private static final double[] PRICES = new double[30];

  static {
    for (int i = 0; i < PRICES.length; i++) {
      PRICES[i] = 100 + Math.sin(i / 3.0) * 4 + i * 0.1;
    }
  }

  /** Prices {@code from} to {@code to} (exclusive), newest first, as the series reads them. */
  private static List<Price> newestFirst(int from, int to) {
    List<Price> prices = new ArrayList<>();
    for (int i = from; i < to; i++) {
      prices.add(new Price(START.plusSeconds(60L * i), PRICES[i]));
    }
    Collections.reverse(prices);
    return prices;
  }

  @Test
  void should_give_each_price_of_the_page_the_features_of_the_21_prices_ending_at_it() {
    // when: the newest 5 prices, with the 20 before them
    List<FeatureRow> rows = FeatureRow.of(newestFirst(25, 30), newestFirst(5, 25));

    // then: newest first, each what ForecastFeatures gives on its own 21 prices
    assertThat(rows)
        .extracting(FeatureRow::ts)
        .containsExactly(
            START.plusSeconds(60L * 29),
            START.plusSeconds(60L * 28),
            START.plusSeconds(60L * 27),
            START.plusSeconds(60L * 26),
            START.plusSeconds(60L * 25));
    for (int k = 0; k < rows.size(); k++) {
      int i = 29 - k;
      double[] expected = ForecastFeatures.of(Arrays.copyOfRange(PRICES, i - 20, i + 1));
      assertThat(rows.get(k).price()).isEqualTo(PRICES[i]);
      assertThat(rows.get(k).values())
          .containsExactly(Arrays.stream(expected).boxed().toArray(Double[]::new));
    }
  }

  @Test
  void should_leave_a_price_with_fewer_than_20_before_it_without_features() {
    // when: the series' first 25 prices, the page its newest 5, with the 20 before them
    List<FeatureRow> rows = FeatureRow.of(newestFirst(18, 23), newestFirst(0, 18));

    // then: prices 20, 21, 22 have 20 before them; 19 and 18 do not
    assertThat(rows)
        .extracting(r -> r.values() != null)
        .containsExactly(true, true, true, false, false);
  }
}
