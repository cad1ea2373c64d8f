package io.smack.bench;

import io.smack.localstack.LauncherProcess;
import io.smack.localstack.StackAddresses;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs benchmarks against a local stack started for the run (or a running one) and prints each
 * figure next to its baseline, measured in the same run on the same machine.
 *
 * <pre>
 * BenchMain [NAME ...] [--quick | --full] [--stack-file FILE] [--list]
 *   NAME              benchmarks to run (default: all); --list shows them
 *   (default)         a quarter of the full work, fewer and shorter rounds: a few minutes
 *   --quick           a tenth of the work, one short round: a look, not a figure to report
 *   --full            the figures the READMEs report, and training on 10 M quotes
 *   --stack-file FILE use the running stack whose ready file this is
 * </pre>
 *
 * Writes the same figures to {@code target/bench/results.json}.
 */
public final class BenchMain {

  private static final Logger LOG = LoggerFactory.getLogger(BenchMain.class);
  private static final Path RESULTS = Path.of("target", "bench", "results.json");

  /** Every benchmark, the raw baselines first. */
  private static final List<Benchmark> BENCHMARKS =
      List.of(
          new KafkaProducerBaseline(),
          new CassandraWriteBaseline(),
          new CollectorBenchmark(),
          new IngestBenchmark(),
          new TrainingBenchmark(),
          new AccessBenchmark(),
          new PipelineBenchmark());

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    BenchOptions.Mode mode = BenchOptions.Mode.DEFAULT;
    Optional<Path> stackFile = Optional.empty();
    List<Benchmark> chosen = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> mode = BenchOptions.Mode.QUICK;
        case "--full" -> mode = BenchOptions.Mode.FULL;
        case "--list" -> {
          BENCHMARKS.forEach(
              b -> LOG.info("{}  {}", String.format("%-18s", b.name()), b.description()));
          return;
        }
        case "--stack-file" -> stackFile = Optional.of(Path.of(args[++i]));
        default -> chosen.add(byName(args[i]));
      }
    }
    run(chosen.isEmpty() ? BENCHMARKS : chosen, new BenchOptions(mode), stackFile);
  }

  private static void run(
      List<Benchmark> benchmarks, BenchOptions options, Optional<Path> stackFile) throws Exception {
    Results results = new Results(Instant.now(), options.mode());
    LauncherProcess launcher = null;
    try {
      StackAddresses stack;
      if (stackFile.isPresent()) {
        stack = StackAddresses.readFrom(stackFile.get());
      } else {
        LOG.info("starting a local stack for the benchmarks (target/bench/stack)");
        launcher = LauncherProcess.start(Path.of("target", "bench", "stack"));
        stack = launcher.addresses();
      }
      for (Benchmark benchmark : benchmarks) {
        LOG.info("running {}: {}", benchmark.name(), benchmark.description());
        results.addAll(benchmark.run(stack, options));
      }
    } finally {
      if (launcher != null) {
        launcher.close();
      }
    }
    results.writeJson(RESULTS);
    LOG.info("\n{}", results.table());
    LOG.info("written to {}", RESULTS.toAbsolutePath());
  }

  private static Benchmark byName(String name) {
    return BENCHMARKS.stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no benchmark named '"
                        + name
                        + "'; there are "
                        + BENCHMARKS.stream().map(Benchmark::name).toList()));
  }
}
