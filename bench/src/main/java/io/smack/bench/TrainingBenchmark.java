package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.smack.common.CqlSchema;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The training job's time and peak memory on 1 M and 10 M stored quotes (ten symbols, a random walk
 * each, one a second), run as {@code bin/smack train} runs it, in a JVM of its own with a 2 GiB
 * heap. Peak memory is the process's peak resident set (VmHWM), read while it runs.
 */
final class TrainingBenchmark implements Benchmark {

  private static final int SYMBOLS = 10;
  private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

  @Override
  public String name() {
    return "training";
  }

  @Override
  public String description() {
    return "the training job on 1 M stored quotes (and 10 M with --full): seconds and peak"
        + " resident memory";
  }

  @Override
  public List<Figure> run(StackAddresses stack, BenchOptions options) throws Exception {
    List<Figure> figures = new ArrayList<>();
    try (CqlSession session = CassandraWriteBaseline.session(stack)) {
      List<Integer> sizes =
          options.full()
              ? List.of(options.scale(1_000_000), options.scale(10_000_000))
              : List.of(options.scale(1_000_000));
      for (int rows : sizes) {
        String label = rows >= 1_000_000 ? rows / 1_000_000 + "M" : rows / 1_000 + "k";
        String keyspace =
            "bench_train_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        CqlSchema.apply(session, keyspace, REPLICATION);
        fill(session, keyspace, rows);
        Path log = Path.of("target", "bench", "training-" + label + ".log").toAbsolutePath();
        long start = System.nanoTime();
        Process job =
            SparkJobProcess.start(
                "model-training",
                List.of("io.smack.training.TrainingMain"),
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
        long peakKb = 0;
        while (!job.waitFor(200, TimeUnit.MILLISECONDS)) {
          peakKb = Math.max(peakKb, peakResidentKb(job.pid()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (job.exitValue() != 0) {
          throw new IllegalStateException("the training job failed; see " + log);
        }
        if (!Files.readString(log).contains("trained " + SYMBOLS + " of " + SYMBOLS + " symbols")) {
          throw new IllegalStateException(
              "the training job did not train every symbol; see " + log);
        }
        figures.add(Figure.raw("training." + label + ".seconds", seconds, "s"));
        figures.add(Figure.raw("training." + label + ".rows", rows / seconds, "rows/s"));
        figures.add(Figure.raw("training." + label + ".peak-rss", peakKb / 1024.0, "MiB"));
        CqlSchema.execute(session, "DROP KEYSPACE " + keyspace);
      }
    }
    return figures;
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

  /** The peak resident set of a process, in KiB (Linux), 0 when it cannot be read. */
  private static long peakResidentKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process just ended
    }
    return 0;
  }
}
