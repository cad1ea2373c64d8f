package io.smack.common.model;

import java.util.List;

/**
 * The features of the next-step forecast, worked out from a symbol's most recent prices, oldest
 * first. The training job computes the same features with Spark window functions; a test holds the
 * two to agree. Every feature at time t uses prices up to t only.
 *
 * <ul>
 *   <li>{@code ret_1} … {@code ret_5}: the last five log returns, {@code ret_1} the newest
 *   <li>{@code ma_10_gap}, {@code ma_20_gap}: the price over its 10- and 20-price moving average,
 *       less one. (A 5-price average would be, to first order, a fixed mix of the five returns
 *       already there, and the regression could not tell them apart.)
 *   <li>{@code vol_20}: the sample standard deviation of the last 20 log returns
 * </ul>
 */
public final class ForecastFeatures {

  public static final int LAGS = 5;
  public static final int SHORT_AVERAGE = 10;
  public static final int LONG_AVERAGE = 20;
  public static final int VOLATILITY_RETURNS = 20;

  /** The feature names, in the order of {@link #of}. */
  public static final List<String> NAMES =
      List.of("ret_1", "ret_2", "ret_3", "ret_4", "ret_5", "ma_10_gap", "ma_20_gap", "vol_20");

  /** Prices needed for one feature vector: 20 returns need 21 prices. */
  public static final int PRICES_NEEDED = VOLATILITY_RETURNS + 1;

  private ForecastFeatures() {}

  /**
   * The features at the last of {@code prices}.
   *
   * @param prices at least {@link #PRICES_NEEDED} prices, oldest first, all positive
   * @throws IllegalArgumentException when there are too few prices
   */
  public static double[] of(double[] prices) {
    if (prices.length < PRICES_NEEDED) {
      throw new IllegalArgumentException(
          "need " + PRICES_NEEDED + " prices for the features, got " + prices.length);
    }
    int last = prices.length - 1;
    double[] features = new double[NAMES.size()];
    for (int k = 0; k < LAGS; k++) {
      features[k] = logReturn(prices, last - k);
    }
    features[LAGS] = prices[last] / average(prices, last, SHORT_AVERAGE) - 1;
    features[LAGS + 1] = prices[last] / average(prices, last, LONG_AVERAGE) - 1;
    features[LAGS + 2] = sampleStandardDeviation(prices, last);
    return features;
  }

  /** ln(p[i] / p[i - 1]). */
  public static double logReturn(double[] prices, int i) {
    return Math.log(prices[i] / prices[i - 1]);
  }

  /** The mean of the {@code n} prices ending at {@code last}, summed oldest first. */
  private static double average(double[] prices, int last, int n) {
    double sum = 0;
    for (int i = last - n + 1; i <= last; i++) {
      sum += prices[i];
    }
    return sum / n;
  }

  /**
   * The sample standard deviation of the log returns ending at {@code last}, updated one value at a
   * time as Spark's {@code stddev_samp} does (running mean and sum of squared deviations), so both
   * give the same number to the last bits.
   */
  private static double sampleStandardDeviation(double[] prices, int last) {
    double n = 0;
    double mean = 0;
    double m2 = 0;
    for (int i = last - VOLATILITY_RETURNS + 1; i <= last; i++) {
      double x = logReturn(prices, i);
      n += 1;
      double delta = x - mean;
      double deltaN = delta / n;
      mean += deltaN;
      m2 += delta * (delta - deltaN);
    }
    return Math.sqrt(m2 / (n - 1));
  }
}
