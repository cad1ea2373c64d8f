package io.smack.bench;

import io.smack.localstack.StackAddresses;
import java.util.List;
import java.util.Map;

/** A named measurement against a running local stack. */
interface Benchmark {

  String name();

  /** One line on what it measures, for the list of benchmarks. */
  String description();

  /** The benchmarks whose figures this one compares with; the harness runs them first. */
  default List<String> needs() {
    return List.of();
  }

  /**
   * @param earlier the figures measured so far in this run, by name
   */
  List<Figure> run(StackAddresses stack, BenchOptions options, Map<String, Figure> earlier)
      throws Exception;
}
