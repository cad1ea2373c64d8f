package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.smack.common.CqlSchema;
import io.smack.localstack.ModuleProcess;
import io.smack.localstack.StackAddresses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The training job's time and peak memory per model family, on stored one-minute bars ({@value
 * #SYMBOLS} symbols, a random walk each), run as {@code bin/smack train} runs it, in a JVM of its
 * own with a 2 GiB heap: every family together (the default), each family alone ({@code
 * TRAINING_FAMILIES}), all against the single linear model of the job before there were families
 * (one fold of linear regression: one time-ordered split, as then, though its grid of three adds
 * two fits), and the start-up (the same job on an empty keyspace), alternating. Peak memory is the
 * process's peak resident set (VmHWM), read while it runs.
 */
final class TrainingBenchmark implements Benchmark {

  private static final int SYMBOLS = 4;
  private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

  /** The trial of the job before families: linear regression on one split. */
  private static final String ONE_LINEAR = "linear-one-fold";

  /** The trials of one family each, by its kind. */
  private static final List<String> FAMILIES =
      List.of("linear_regression", "gradient_boosted_trees", "random_forest", "drift");

  private final int fullRows;
  private final String label;

  /**
   * @param fullRows the stored bars of a full run (a quarter by default, a tenth quick)
   */
  TrainingBenchmark(int fullRows) {
    this.fullRows = fullRows;
    this.label = fullRows >= 1_000_000 ? fullRows / 1_000_000 + "M" : fullRows / 1_000 + "k";
  }

  @Override
  public String name() {
    return fullRows == 1_000_000 ? "training" : "training-" + label.toLowerCase(Locale.ROOT);
  }

  @Override
  public String description() {
    return "the training job on "
        + label
        + " stored bars (a quarter by default): every family, each alone, against the linear"
        + " model on one split it had before families, and its start-up on none: seconds, rows/s"
        + " after start-up, peak resident memory";
  }

  @Override
  public void run(StackAddresses stack, BenchOptions options, Consumer<Figure> out)
      throws Exception {
    int rows = options.scale(fullRows);
    String name = name();
    try (CqlSession session = CassandraWriteBaseline.session(stack)) {
      String filled = keyspace(session);
      String empty = keyspace(session);
      fill(session, filled, rows);
      Paired paired =
          Paired.of(name())
              .trial("families", before -> train(stack, filled, SYMBOLS, Map.of(), name))
              .trial(
                  ONE_LINEAR,
                  before ->
                      train(
                          stack,
                          filled,
                          SYMBOLS,
                          Map.of("TRAINING_FAMILIES", "linear_regression", "TRAINING_FOLDS", "1"),
                          name + "." + ONE_LINEAR));
      for (String family : FAMILIES) {
        paired.trial(
            family,
            before ->
                train(
                    stack,
                    filled,
                    SYMBOLS,
                    Map.of("TRAINING_FAMILIES", family),
                    name + "." + family));
      }
      Paired.Rounds rounds =
          paired
              .trial("start-up", before -> train(stack, empty, 0, Map.of(), name + ".start-up"))
              // each run is a JVM of its own: no warm-up to carry over
              .warmUps(0)
              .rounds(options.rounds())
              .run();
      Figure startUp = rounds.raw(name + ".start-up", "s", "start-up", "seconds");
      Figure oneLinear =
          rounds.raw(name + "." + ONE_LINEAR + ".seconds", "s", ONE_LINEAR, "seconds");
      Figure seconds = rounds.against(oneLinear, name + ".seconds", "families", "seconds");
      double[] work = seconds.value().values();
      double[] idle = startUp.value().values();
      double[] rates = new double[work.length];
      for (int i = 0; i < work.length; i++) {
        rates[i] = rows / Math.max(0.001, work[i] - idle[i]);
      }
      out.accept(Figure.raw(name + ".stored", "bars", rows));
      out.accept(startUp);
      out.accept(oneLinear);
      out.accept(seconds);
      for (String family : FAMILIES) {
        out.accept(rounds.against(oneLinear, name + "." + family + ".seconds", family, "seconds"));
      }
      out.accept(Figure.raw(name + ".rows", "rows/s", rates));
      out.accept(rounds.raw(name + ".peak-rss", "MiB", "families", "peak-rss"));
      out.accept(rounds.raw(name + "." + ONE_LINEAR + ".peak-rss", "MiB", ONE_LINEAR, "peak-rss"));
      for (String family : FAMILIES) {
        out.accept(rounds.raw(name + "." + family + ".peak-rss", "MiB", family, "peak-rss"));
      }
      CqlSchema.execute(session, "DROP KEYSPACE " + filled);
      CqlSchema.execute(session, "DROP KEYSPACE " + empty);
    }
  }

  private static String keyspace(CqlSession session) {
    String keyspace =
        "bench_train_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    CqlSchema.apply(session, keyspace, REPLICATION);
    return keyspace;
  }

  /** One run of the job on {@code keyspace}: seconds from launch to exit, and its peak memory. */
  private static Map<String, Double> train(
      StackAddresses stack, String keyspace, int symbols, Map<String, String> more, String name)
      throws Exception {
    Path log = Path.of("target", "bench", name + ".log").toAbsolutePath();
    Files.deleteIfExists(log); // the log is appended to: its last line must be this run's
    long start = System.nanoTime();
    ModuleProcess job =
        ModuleProcess.sparkJob(
            ServiceProcess.ROOT,
            "model-training",
            "io.smack.training.TrainingMain",
            List.of(),
            "2g",
            environment(stack, keyspace, more),
            log);
    double peakMib = 0;
    while (job.awaitExit(Duration.ofMillis(200)).isEmpty()) {
      peakMib = Math.max(peakMib, ProcessMemory.peakResidentMib(job.pid()));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (job.exitCode().orElse(-1) != 0) {
      throw new IllegalStateException("the training job failed; see " + log);
    }
    if (!Files.readString(log).contains("trained " + symbols + " of " + symbols + " symbols")) {
      throw new IllegalStateException(
          "the training job did not train " + symbols + " symbols; see " + log);
    }
    return Map.of("seconds", seconds, "peak-rss", peakMib);
  }

  private static Map<String, String> environment(
      StackAddresses stack, String keyspace, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.put("CASSANDRA_CONTACT_POINTS", stack.cassandraHost() + ":" + stack.cassandraPort());
    env.put("CASSANDRA_LOCAL_DC", stack.cassandraDatacenter());
    env.put("CASSANDRA_KEYSPACE", keyspace);
    env.put("SPARK_MASTER", "local[*]");
    return env;
  }

  /** A random walk per symbol, a bar a minute each, as async prepared inserts. */
  private static void fill(CqlSession session, String keyspace, int rows) throws Exception {
    PreparedStatement insert =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".bars_1m (symbol, day, minute, open, high, low, close, volume, quotes,"
                + " close_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    double[] prices = new double[SYMBOLS];
    Arrays.fill(prices, 100);
    Random random = new Random(1);
    CassandraWriteBaseline.writeAll(
        session,
        rows,
        i -> {
          int s = i % SYMBOLS;
          double open = prices[s];
          prices[s] *= Math.exp(random.nextGaussian() * 0.001);
          Instant minute = start.plusSeconds(60L * (i / SYMBOLS));
          return insert.bind(
              String.format("T%02d", s),
              LocalDate.ofInstant(minute, ZoneOffset.UTC),
              minute,
              open,
              Math.max(open, prices[s]),
              Math.min(open, prices[s]),
              prices[s],
              1L,
              1,
              minute.plusSeconds(59));
        });
  }
}
