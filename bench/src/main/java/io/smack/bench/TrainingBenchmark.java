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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The training job's time and peak memory on stored quotes (ten symbols, a random walk each, one a
 * second), run as {@code bin/smack train} runs it, in a JVM of its own with a 2 GiB heap, against
 * its start-up: the same job on an empty keyspace (JVM, Spark and the connector's start, the reads
 * that find nothing), alternating. Peak memory is the process's peak resident set (VmHWM), read
 * while it runs.
 */
final class TrainingBenchmark implements Benchmark {

  private static final int SYMBOLS = 10;
  private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

  private final int fullRows;
  private final String label;

  /**
   * @param fullRows the stored quotes of a full run (a quarter by default, a tenth quick)
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
        + " stored quotes (a quarter by default) against its start-up on none: seconds, rows/s"
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
      Paired.Rounds rounds =
          Paired.of(name())
              .trial("job", before -> train(stack, filled, SYMBOLS, name))
              .trial("start-up", before -> train(stack, empty, 0, name + ".start-up"))
              .rounds(options.rounds())
              .run();
      Figure startUp = rounds.raw(name + ".start-up", "s", "start-up", "seconds");
      Figure seconds = rounds.against(startUp, name + ".seconds", "job", "seconds");
      double[] work = seconds.value().values();
      double[] idle = startUp.value().values();
      double[] rates = new double[work.length];
      for (int i = 0; i < work.length; i++) {
        rates[i] = rows / Math.max(0.001, work[i] - idle[i]);
      }
      out.accept(Figure.raw(name + ".stored", "quotes", rows));
      out.accept(startUp);
      out.accept(seconds);
      out.accept(Figure.raw(name + ".rows", "rows/s", rates));
      out.accept(rounds.raw(name + ".peak-rss", "MiB", "job", "peak-rss"));
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
      StackAddresses stack, String keyspace, int symbols, String name) throws Exception {
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
            Map.of(
                "CASSANDRA_CONTACT_POINTS",
                stack.cassandraHost() + ":" + stack.cassandraPort(),
                "CASSANDRA_LOCAL_DC",
                stack.cassandraDatacenter(),
                "CASSANDRA_KEYSPACE",
                keyspace,
                "SPARK_MASTER",
                "local[*]"),
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

  /** Ten random walks, a quote a second each, as async prepared inserts. */
  private static void fill(CqlSession session, String keyspace, int rows) throws Exception {
    PreparedStatement insert =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".quotes_by_day (symbol, day, ts, price, volume, source) VALUES (?, ?, ?, ?, ?, ?)");
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    double[] prices = new double[SYMBOLS];
    Arrays.fill(prices, 100);
    Random random = new Random(1);
    CassandraWriteBaseline.writeAll(
        session,
        rows,
        i -> {
          int s = i % SYMBOLS;
          prices[s] *= Math.exp(random.nextGaussian() * 0.001);
          Instant ts = start.plusSeconds(i / SYMBOLS);
          return insert.bind(
              String.format("T%02d", s),
              LocalDate.ofInstant(ts, ZoneOffset.UTC),
              ts,
              prices[s],
              1L,
              "bench");
        });
  }
}
