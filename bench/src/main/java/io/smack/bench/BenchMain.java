package io.smack.bench;

import io.smack.localstack.LauncherProcess;
import io.smack.localstack.StackAddresses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs benchmarks against a local stack started for the run (or a running one) and prints each
 * figure next to its baseline, measured in the same rounds on the same machine.
 *
 * <pre>
 * BenchMain [NAME ...] [--quick | --full] [--rounds N] [--profile] [--stack-file FILE]
 * BenchMain --list | --render [--results FILE] | --capacity QUOTES[,REQUESTS] [--results FILE]
 *   NAME              benchmarks to run (default: all); --list shows them
 *   (default)         a quarter of the full work per round: a quarter of an hour
 *   --quick           a tenth of the work per round: a look, not a figure to report
 *   --full            the figures the READMEs report: written to bench/results/report.json and
 *                     rendered into the READMEs' tables when every benchmark ran
 *   --rounds N        timed rounds of each benchmark (default and least: 3)
 *   --profile         sample the CPU of what is measured, where a benchmark can (ingest: the
 *                     job's sustained batches, as a flame graph and a breakdown per quote)
 *   --stack-file FILE use the running stack whose ready file this is
 *   --render          make the results file the reported one, and the READMEs' tables from it
 *   --capacity Q[,R]  a cluster's size for Q quotes/s (and R API requests/s) from the results file
 *   --results FILE    the results file to render or size from (default bench/results/report.json)
 * </pre>
 *
 * A run writes its figures to {@code target/bench/results.json} after each one; a benchmark that
 * fails is reported with its reason while the others go on, and the run then exits 1.
 */
public final class BenchMain {

  private static final Logger LOG = LoggerFactory.getLogger(BenchMain.class);
  private static final Path RESULTS = Path.of("target", "bench", "results.json");

  /** The run the READMEs report: committed, rendered into their figure tables. */
  static final Path REPORTED = Path.of("bench", "results", "report.json");

  /** Every benchmark, the raw baselines first. */
  static final List<Benchmark> BENCHMARKS =
      List.of(
          new KafkaProducerBaseline(),
          new CassandraWriteBaseline(),
          new CollectorBenchmark(),
          new IngestBenchmark(),
          new TrainingBenchmark(1_000_000),
          new AccessBenchmark(),
          new PipelineBenchmark());

  /**
   * Run only when named: filling 10 M quotes takes ~9 min here and each training round ~3 min,
   * longer than all the others together; the isolation of the access services runs their images,
   * which {@code bin/smack bench access-isolation} builds first.
   */
  static final List<Benchmark> ON_REQUEST =
      List.of(new TrainingBenchmark(10_000_000), new IsolationBenchmark());

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    BenchOptions.Mode mode = BenchOptions.Mode.DEFAULT;
    int rounds = Paired.MIN_ROUNDS;
    Optional<Path> stackFile = Optional.empty();
    Path resultsFile = REPORTED;
    Optional<String> capacity = Optional.empty();
    boolean render = false;
    boolean profile = false;
    List<Benchmark> chosen = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> mode = BenchOptions.Mode.QUICK;
        case "--full" -> mode = BenchOptions.Mode.FULL;
        case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, "--rounds"));
        case "--list" -> {
          BENCHMARKS.forEach(
              b -> LOG.info("{}  {}", String.format("%-18s", b.name()), b.description()));
          ON_REQUEST.forEach(
              b ->
                  LOG.info(
                      "{}  {} (only when named)",
                      String.format("%-18s", b.name()),
                      b.description()));
          return;
        }
        case "--stack-file" -> stackFile = Optional.of(Path.of(value(args, ++i, "--stack-file")));
        case "--results" -> resultsFile = Path.of(value(args, ++i, "--results"));
        case "--render" -> render = true;
        case "--profile" -> profile = true;
        case "--capacity" -> capacity = Optional.of(value(args, ++i, "--capacity"));
        default -> chosen.add(byName(args[i]));
      }
    }
    if (render) {
      // the rendered run becomes the reported one, so that the READMEs and the file agree
      if (!resultsFile.toAbsolutePath().equals(REPORTED.toAbsolutePath())) {
        Files.createDirectories(REPORTED.getParent());
        Files.copy(resultsFile, REPORTED, StandardCopyOption.REPLACE_EXISTING);
      }
      ReadmeTables.render(Path.of("."), Results.read(REPORTED));
      LOG.info("rendered the figure tables of README.md and bench/README.md from {}", resultsFile);
      return;
    }
    if (capacity.isPresent()) {
      LOG.info("{}", Capacity.parse(capacity.get()).size(Results.read(resultsFile)).report());
      return;
    }
    boolean all = chosen.isEmpty();
    Results results =
        run(all ? BENCHMARKS : chosen, new BenchOptions(mode, rounds, profile), stackFile);
    if (all && mode == BenchOptions.Mode.FULL) {
      Files.createDirectories(REPORTED.getParent());
      Files.copy(RESULTS, REPORTED, StandardCopyOption.REPLACE_EXISTING);
      ReadmeTables.render(Path.of("."), results);
      LOG.info("written to {}; the READMEs' figure tables rendered from it", REPORTED);
    }
    if (results.failed()) {
      System.exit(1);
    }
  }

  private static Results run(
      List<Benchmark> benchmarks, BenchOptions options, Optional<Path> stackFile) {
    Results results = Results.ofThisMachine(Instant.now(), options.mode()).writingTo(RESULTS);
    LOG.info(
        "measuring, {} mode, {} timed rounds each after a warm-up, commit {}, {} cores:",
        results.mode(),
        options.rounds(),
        results.commit(),
        results.machine().path("cores").asInt());
    benchmarks.forEach(
        b -> LOG.info("  {}  {}", String.format("%-17s", b.name()), b.description()));
    LauncherProcess launcher = null;
    try {
      StackAddresses stack = null;
      Optional<String> noStack = Optional.empty();
      Instant startingStack = Instant.now();
      try {
        if (stackFile.isPresent()) {
          stack = StackAddresses.readFrom(stackFile.get());
        } else {
          LOG.info("starting a local stack for the benchmarks (target/bench/stack)");
          launcher = LauncherProcess.start(Path.of("target", "bench", "stack"));
          stack = launcher.addresses();
          LOG.info(
              "stack ready in {} s", Duration.between(startingStack, Instant.now()).toSeconds());
        }
      } catch (Exception e) {
        noStack = Optional.of("no stack: " + reason(e));
      }
      for (Benchmark benchmark : benchmarks) {
        Instant start = Instant.now();
        Optional<String> failure = noStack;
        if (stack != null) {
          LOG.info("running {}: {}", benchmark.name(), benchmark.description());
          try {
            benchmark.run(stack, options, figure -> results.add(benchmark.name(), figure));
          } catch (Exception | AssertionError e) {
            failure = Optional.of(reason(e));
            LOG.error("{} failed: {}", benchmark.name(), failure.get(), e);
          }
        }
        results.ended(benchmark.name(), Duration.between(start, Instant.now()), failure);
      }
    } finally {
      if (launcher != null) {
        launcher.close();
      }
    }
    LOG.info("\n{}", results.table());
    LOG.info("written to {}", RESULTS.toAbsolutePath());
    return results;
  }

  /** The exception's message and its causes', e.g. "the job failed: see …". */
  static String reason(Throwable e) {
    StringBuilder reason = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (reason.indexOf(message) < 0) {
        reason.append(reason.isEmpty() ? "" : ": ").append(message);
      }
    }
    return reason.toString();
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static Benchmark byName(String name) {
    return Stream.concat(BENCHMARKS.stream(), ON_REQUEST.stream())
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no benchmark named '"
                        + name
                        + "'; there are "
                        + Stream.concat(BENCHMARKS.stream(), ON_REQUEST.stream())
                            .map(Benchmark::name)
                            .toList()));
  }
}
