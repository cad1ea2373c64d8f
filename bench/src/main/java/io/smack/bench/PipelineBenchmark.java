package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.common.CqlSchema;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline, each part in a JVM of its own: the collector's simulator → Kafka → the
 * streaming job → Cassandra → the access service. The streaming job and the access service start
 * once (their start-up is a figure of its own); the collector starts each round.
 *
 * <ul>
 *   <li>Sustained rate, in rounds alternating with its baselines on the same work: the simulator at
 *       full speed sends a tenth more than N quotes (500 k in a full run), symbols of their own
 *       each round; the clock starts when Kafka has acknowledged a tenth (as the collector's and
 *       the bare loop's rounds are timed) and stops when all are stored and the bars query has read
 *       them all; the rate is the quotes stored in between over that time (the collector's
 *       start-up, from its launch to its first acknowledged quote, is a figure of its own). The
 *       baselines: the bare producer loop sending as many records, timed the same way, and the raw
 *       inserts of the rows the round's job wrote (quotes, bars, latest, days).
 *   <li>Latency: the simulator at 500 quotes/s (event time then follows the wall clock), while
 *       every symbol's {@code /quotes/{symbol}/latest} is polled through the access service every
 *       50 ms; each newly visible quote gives its time from production (its event time) to the poll
 *       that first saw it. A round lasts until it has its samples (or 3 minutes, and says how many
 *       it got). The access service keeps the latest quote 250 ms (its default), which is part of
 *       what a client sees.
 * </ul>
 */
final class PipelineBenchmark implements Benchmark {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineBenchmark.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
  private static final List<String> SYMBOLS =
      List.of("AAPL", "MSFT", "GOOG", "AMZN", "IBM", "ORCL", "INTC", "CSCO");
  private static final int LATENCY_RATE = 500;
  private static final Duration LATENCY_ROUND_LIMIT = Duration.ofMinutes(3);

  @Override
  public String name() {
    return "pipeline";
  }

  @Override
  public String description() {
    return "collector → Kafka → streaming job → Cassandra → access service: sustained quotes/s vs"
        + " the bare producer and raw inserts of the same rows, start-up, and p50/p99 from"
        + " production to visibility through the API";
  }

  @Override
  public void run(StackAddresses stack, BenchOptions options, Consumer<Figure> out)
      throws Exception {
    int quotes = options.scale(500_000);
    double[] ingestStartUps = new double[2];
    double[] accessStartUps = new double[2];
    try (World world = World.start(stack, "rate")) {
      ingestStartUps[0] = world.ingestStartUp;
      accessStartUps[0] = world.accessStartUp;
      AtomicInteger round = new AtomicInteger();
      Paired.Rounds rounds =
          Paired.of(name())
              .trial("pipeline", before -> world.sustained(round.incrementAndGet(), quotes))
              .trial("bare-producer", before -> KafkaProducerBaseline.round(stack, quotes).sample())
              .trial(
                  "raw-inserts",
                  before -> {
                    Map<String, Double> pipeline = before.latest("pipeline").orElseThrow();
                    return Map.of(
                        "records/s",
                        RawWrites.quotesPerSecond(
                            world.session,
                            SYMBOLS.size(),
                            quotes,
                            pipeline.get("bars").intValue(),
                            pipeline.get("batches").intValue()));
                  })
              .warmUps(1)
              .rounds(options.rounds())
              .run();
      out.accept(rounds.raw("pipeline.start-up.collector", "s", "pipeline", "start-up"));
      // the collector at full speed, each round's from launch to its last acknowledgement
      out.accept(
          rounds.raw("pipeline.collector.peak-rss", "MiB", "pipeline", "collector-peak-rss"));
      Figure producer =
          rounds.raw("pipeline.bare-producer", "quotes/s", "bare-producer", "records/s");
      Figure inserts = rounds.raw("pipeline.raw-inserts", "quotes/s", "raw-inserts", "records/s");
      out.accept(producer);
      out.accept(inserts);
      out.accept(rounds.against(producer, "pipeline.sustained", "pipeline", "records/s"));
      out.accept(rounds.against(inserts, "pipeline.sustained.vs-inserts", "pipeline", "records/s"));
    }
    int samples = options.pick(100, 300, 600);
    try (World world = World.start(stack, "latency")) {
      ingestStartUps[1] = world.ingestStartUp;
      accessStartUps[1] = world.accessStartUp;
      latency(world, samples, options).forEach(out);
    }
    // each from its launch to its health, both started at once, in the two runs above
    out.accept(Figure.raw("pipeline.start-up.streaming-job", "s", ingestStartUps));
    out.accept(Figure.raw("pipeline.start-up.access-service", "s", accessStartUps));
  }

  /**
   * Rounds of the simulator at {@value #LATENCY_RATE} quotes/s (after 15 s of warm-up), each until
   * it has {@code samples} newly visible quotes or its time is up.
   */
  private static List<Figure> latency(World world, int samples, BenchOptions options)
      throws Exception {
    long count = (long) LATENCY_RATE * 3600; // more than the rounds can take
    try (ServiceProcess collector = world.collector(LATENCY_RATE, count, "", SYMBOLS)) {
      Map<String, Instant> newest = new HashMap<>();
      Paired.Rounds rounds =
          Paired.of("pipeline latency")
              .trial("visible", before -> visibility(world, newest, samples))
              .warmUps(0)
              .rounds(options.rounds())
              .run();
      return List.of(
          rounds.raw("pipeline.visible.p50", "ms", "visible", "p50"),
          rounds.raw("pipeline.visible.p99", "ms", "visible", "p99"),
          rounds.raw("pipeline.visible.samples", "quotes", "visible", "samples"));
    }
  }

  private static Map<String, Double> visibility(
      World world, Map<String, Instant> newest, int wanted) throws Exception {
    List<Long> latencies = new ArrayList<>();
    boolean warm = !newest.isEmpty();
    long warmUntil = System.nanoTime() + (warm ? 0 : Duration.ofSeconds(15).toNanos());
    long deadline = warmUntil + LATENCY_ROUND_LIMIT.toNanos();
    while (latencies.size() < wanted && System.nanoTime() < deadline) {
      for (String symbol : SYMBOLS) {
        JsonNode latest = world.latest(symbol);
        if (latest == null) {
          continue;
        }
        Instant ts = Instant.parse(latest.get("ts").asText());
        Instant before = newest.put(symbol, ts);
        if (System.nanoTime() > warmUntil && before != null && ts.isAfter(before)) {
          latencies.add(Duration.between(ts, Instant.now()).toMillis());
        }
      }
      Thread.sleep(50);
    }
    if (latencies.isEmpty()) {
      throw new IllegalStateException(
          "no quote became visible through the access service within "
              + LATENCY_ROUND_LIMIT.toMinutes()
              + " minutes; see "
              + world.work);
    }
    if (latencies.size() < wanted) {
      LOG.warn(
          "pipeline latency: {} of {} samples within {} minutes",
          latencies.size(),
          wanted,
          LATENCY_ROUND_LIMIT.toMinutes());
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    return Map.of(
        "p50", (double) sorted[(int) Math.ceil(0.50 * sorted.length) - 1],
        "p99", (double) sorted[(int) Math.ceil(0.99 * sorted.length) - 1],
        "samples", (double) sorted.length);
  }

  /** A keyspace and topics of one run, with the streaming job and the access service on them. */
  private static final class World implements AutoCloseable {

    private final CqlSession session;
    private final String keyspace;
    private final Map<String, String> env = new HashMap<>();
    private final Path work;
    private final ServiceProcess ingest;
    private final ServiceProcess access;
    private final double ingestStartUp;
    private final double accessStartUp;

    private World(StackAddresses stack, String name) throws Exception {
      String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
      this.keyspace = "bench_pipeline_" + suffix;
      this.work = Path.of("target", "bench", "pipeline-" + name + "-" + suffix).toAbsolutePath();
      this.session = CassandraWriteBaseline.session(stack);
      CqlSchema.apply(session, keyspace, REPLICATION);
      String topic = "bench-pipeline-" + suffix;
      KafkaProducerBaseline.createTopic(stack, topic);
      KafkaProducerBaseline.createTopic(stack, topic + ".dlq");
      env.putAll(stack.environment());
      env.put("KAFKA_QUOTES_TOPIC", topic);
      env.put("KAFKA_DLQ_TOPIC", topic + ".dlq");
      env.put("CASSANDRA_KEYSPACE", keyspace);
      Map<String, String> ingestEnv = new HashMap<>(env);
      ingestEnv.put("INGEST_CHECKPOINT_DIR", work.resolve("checkpoint").toString());
      ingestEnv.put("INGEST_TRIGGER", "0s");
      long launched = System.nanoTime();
      this.ingest =
          ServiceProcess.sparkJob(
              "ingest-streaming",
              "io.smack.ingest.IngestMain",
              ingestEnv,
              ServiceProcess.freePort(),
              work.resolve("ingest-streaming.log"));
      this.access =
          ServiceProcess.accessService(
              env, ServiceProcess.freePort(), work.resolve("access-service.log"));
      // both start at once, as under bin/smack up; each figure is from launch to its health
      access.awaitOk("/health/ready", Duration.ofMinutes(1));
      this.accessStartUp = (System.nanoTime() - launched) / 1e9;
      ingest.awaitOk("/health", Duration.ofMinutes(4));
      this.ingestStartUp = (System.nanoTime() - launched) / 1e9;
    }

    static World start(StackAddresses stack, String name) throws Exception {
      return new World(stack, name);
    }

    /**
     * One round: the collector sends a tenth more than {@code quotes} at full speed, with symbols
     * of the round's own (so that no quote repeats an earlier round's symbol and time); timed from
     * a tenth stored to the last.
     */
    Map<String, Double> sustained(int round, int quotes) throws Exception {
      int warmUp = quotes / 10;
      int total = warmUp + quotes;
      List<String> symbols = SYMBOLS.stream().map(s -> s + "R" + round).toList();
      long before = stored();
      long barredBefore = barred();
      Instant began = Instant.now();
      long launched = System.nanoTime();
      double startUp = Double.NaN;
      long start = 0;
      long storedAtStart = 0;
      double collectorPeakRss;
      try (ServiceProcess collector = collector(0, total, "-R" + round, symbols)) {
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        long stored;
        // the round ends when every quote is stored and the bars query has read them all: the
        // bars are part of what the pipeline writes, and of what its raw baseline inserts
        while ((stored = stored() - before) < total || barred() - barredBefore < total) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                stored + " of " + total + " quotes stored within 15 minutes; see " + work);
          }
          if (start == 0) {
            long sent = sent(collector);
            if (Double.isNaN(startUp) && sent > 0) {
              startUp = (System.nanoTime() - launched) / 1e9;
            }
            if (sent >= warmUp) {
              // the collector sends far faster than the job stores: what the clock times is the
              // quotes stored from here on, not those sent (often all of them by now)
              start = System.nanoTime();
              storedAtStart = stored;
            }
          }
          Thread.sleep(start == 0 ? 5 : 50);
        }
        collectorPeakRss = ProcessMemory.peakResidentMib(collector.pid());
      }
      if (start == 0) {
        // every quote stored before a tenth was seen acknowledged: the collector's health unread
        throw new IllegalStateException(
            "no acknowledgement count read from the collector's /health; see " + work);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      List<Row> batches =
          session
              .execute("SELECT query, at, bars, backfilled FROM " + keyspace + ".ingest_batches")
              .all()
              .stream()
              .filter(r -> !r.getInstant("at").isBefore(began))
              .toList();
      double rate = (total - storedAtStart) / seconds;
      LOG.info("pipeline: {} quotes stored, {} quotes/s sustained", total, Math.round(rate));
      return Map.of(
          "records/s",
          rate,
          "start-up",
          startUp,
          "collector-peak-rss",
          collectorPeakRss,
          "batches",
          (double) batches.stream().filter(r -> r.getString("query").equals("ingest")).count(),
          "bars",
          (double)
              batches.stream()
                  .filter(r -> r.getString("query").equals("ingest-bars"))
                  .mapToLong(r -> r.getLong("bars") + r.getLong("backfilled"))
                  .sum());
    }

    /** The collector with the simulator at {@code rate} (0: full speed) for {@code count}. */
    ServiceProcess collector(int rate, long count, String logSuffix, List<String> symbols)
        throws IOException {
      Map<String, String> collectorEnv = new HashMap<>(env);
      collectorEnv.put("COLLECTOR_SOURCES", "sim");
      collectorEnv.put(
          "SIMULATOR_SYMBOLS",
          symbols.stream().map(symbol -> symbol + ":100").collect(Collectors.joining(",")));
      collectorEnv.put("SIMULATOR_RATE", String.valueOf(rate));
      return ServiceProcess.collector(
          List.of("-Dsmack.collector.source.sim.limit=" + count),
          collectorEnv,
          ServiceProcess.freePort(),
          work.resolve("collector" + logSuffix + ".log"));
    }

    /**
     * Quotes the collector has sent and Kafka acknowledged, from its /health; 0 before it answers.
     */
    private static long sent(ServiceProcess collector) throws InterruptedException {
      try {
        var response = collector.get("/health");
        if (response.statusCode() != 200) {
          return 0;
        }
        long sent = 0;
        for (JsonNode source : JSON.readTree(response.body()).path("sources")) {
          sent += source.path("sent").asLong();
        }
        return sent;
      } catch (IOException notListeningYet) {
        return 0;
      }
    }

    /** Quotes the streaming job has stored, from its quotes query's rows of today and before. */
    long stored() {
      return sum("ingest", "quotes");
    }

    /** Records the bars query has read, and so made bars of. */
    long barred() {
      return sum("ingest-bars", "input_rows");
    }

    /** The sum of a column of a query's {@code ingest_batches} rows of today and yesterday. */
    private long sum(String query, String column) {
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      long sum = 0;
      for (Row row :
          session.execute(
              "SELECT "
                  + column
                  + " FROM "
                  + keyspace
                  + ".ingest_batches WHERE query = ? AND day IN (?, ?)",
              query,
              today.minusDays(1),
              today)) {
        sum += row.getLong(0);
      }
      return sum;
    }

    /** The latest quote of a symbol through the access service; null while it has none. */
    JsonNode latest(String symbol) throws IOException, InterruptedException {
      var response = access.get("/quotes/" + symbol + "/latest");
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }

    @Override
    public void close() throws Exception {
      access.close();
      ingest.close();
      CqlSchema.execute(session, "DROP KEYSPACE " + keyspace);
      session.close();
    }
  }
}
