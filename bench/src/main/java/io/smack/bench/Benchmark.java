package io.smack.bench;

import io.smack.localstack.StackAddresses;
import java.util.function.Consumer;

/**
 * A named measurement against a running local stack. It measures through {@link Paired}: a figure
 * compared with a baseline comes from rounds in which the benchmark measured that baseline itself,
 * on identical work, alternating with its own.
 */
interface Benchmark {

  String name();

  /** One line on what it measures, for the list of benchmarks and the head of a run. */
  String description();

  /**
   * Measures, handing each figure to {@code out} as soon as it is known: when a later part fails,
   * the figures before it are kept.
   */
  void run(StackAddresses stack, BenchOptions options, Consumer<Figure> out) throws Exception;
}
