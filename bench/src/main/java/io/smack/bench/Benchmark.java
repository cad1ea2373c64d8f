package io.smack.bench;

import io.smack.localstack.StackAddresses;
import java.util.List;

/** A named measurement against a running local stack. */
interface Benchmark {

  String name();

  /** One line on what it measures, for the list of benchmarks. */
  String description();

  List<Figure> run(StackAddresses stack, BenchOptions options) throws Exception;
}
