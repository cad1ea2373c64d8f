package io.smack.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One measured figure: the median over its rounds with their range, and, when it is compared with a
 * baseline, the median of the per-round ratios with their range.
 *
 * @param name what was measured, e.g. {@code collector.quotes}
 * @param value the measurement over its rounds
 * @param unit its unit, e.g. {@code quotes/s}
 * @param ratio the comparison with the baseline measured in the same rounds, when there is one
 */
record Figure(String name, Spread value, String unit, Optional<Ratio> ratio) {

  /**
   * A measurement over rounds, in the order they ran: their median (of an even count, the mean of
   * the two middle values), minimum and maximum.
   */
  record Spread(double median, double min, double max, List<Double> rounds) {

    static Spread of(double... rounds) {
      if (rounds.length == 0) {
        throw new IllegalArgumentException("a figure needs at least one round");
      }
      double[] sorted = rounds.clone();
      Arrays.sort(sorted);
      int middle = sorted.length / 2;
      double median =
          sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
      return new Spread(
          median, sorted[0], sorted[sorted.length - 1], Arrays.stream(rounds).boxed().toList());
    }

    double[] values() {
      return rounds.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  /** The figure over its baseline's, round by round: {@code subject[i] / baseline[i]}. */
  record Ratio(String baseline, Spread value) {}

  /** A figure of one measurement, or of rounds, without a baseline. */
  static Figure raw(String name, String unit, double... rounds) {
    return new Figure(name, Spread.of(rounds), unit, Optional.empty());
  }

  /**
   * A figure measured in the same rounds as {@code baseline}: its ratio is the median of the
   * per-round ratios, not the ratio of the medians (rounds on a shared machine drift together, so a
   * round's pair is the fair comparison).
   */
  static Figure against(Figure baseline, String name, double... rounds) {
    double[] base = baseline.value().values();
    if (rounds.length != base.length) {
      throw new IllegalArgumentException(
          name + " has " + rounds.length + " rounds, its baseline " + base.length);
    }
    double[] ratios = new double[rounds.length];
    for (int i = 0; i < rounds.length; i++) {
      ratios[i] = rounds[i] / base[i];
    }
    return new Figure(
        name,
        Spread.of(rounds),
        baseline.unit(),
        Optional.of(new Ratio(baseline.name(), Spread.of(ratios))));
  }

  double median() {
    return value.median();
  }
}
