package io.smack.bench;

import io.smack.localstack.StackAddresses;
import java.util.List;

/**
 * A named measurement against a running local stack. A benchmark that compares with a baseline
 * measures that baseline itself, interleaved with its own rounds (see {@link CollectorBenchmark}).
 */
interface Benchmark {

  String name();

  /** One line on what it measures, for the list of benchmarks. */
  String description();

  List<Figure> run(StackAddresses stack, BenchOptions options) throws Exception;
}
