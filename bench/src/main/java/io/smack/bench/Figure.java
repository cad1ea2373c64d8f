package io.smack.bench;

import java.util.Arrays;
import java.util.Optional;

/**
 * One measured figure, and the baseline it is compared with when it has one.
 *
 * @param name what was measured, e.g. {@code kafka-producer.records}
 * @param value the measurement
 * @param unit its unit, e.g. {@code records/s}
 * @param baseline the figure of the same run this one is compared with
 */
record Figure(String name, double value, String unit, Optional<Figure> baseline) {

  static Figure raw(String name, double value, String unit) {
    return new Figure(name, value, unit, Optional.empty());
  }

  static Figure against(Figure baseline, String name, double value) {
    return new Figure(name, value, baseline.unit(), Optional.of(baseline));
  }

  /** value / baseline value, when there is a baseline. */
  Optional<Double> ratio() {
    return baseline.map(b -> value / b.value());
  }

  /** The middle of the values; of an even count, the mean of the two middle ones. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
