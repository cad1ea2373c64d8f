package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.common.CqlSchema;
import io.smack.localstack.Await;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline, each part in a JVM of its own: the collector's simulator → Kafka → the
 * streaming job → Cassandra → the access service.
 *
 * <ul>
 *   <li>Sustained rate: the simulator at full speed sends 500 k quotes; the figure is that number
 *       over the time from the collector's start until the streaming job has stored them all,
 *       beside the bare Kafka producer's rate and the raw Cassandra insert rate of quote rows (the
 *       stage that bounds it), both measured in the same benchmark.
 *   <li>Latency: the simulator at 500 quotes/s (event time then follows the wall clock), while
 *       every symbol's {@code /quotes/{symbol}/latest} is polled through the access service every
 *       50 ms; each newly visible quote gives its time from production (its event time) to the poll
 *       that first saw it. The access service keeps the latest quote 250 ms (its default), which is
 *       part of what a client sees.
 * </ul>
 */
final class PipelineBenchmark implements Benchmark {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineBenchmark.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
  private static final String SYMBOLS =
      "AAPL:189.5,MSFT:410.2,GOOG:171.3,AMZN:182.1,IBM:168.4,ORCL:120.5,INTC:30.2,CSCO:50.1";
  private static final int LATENCY_RATE = 500;

  @Override
  public String name() {
    return "pipeline";
  }

  @Override
  public String description() {
    return "collector → Kafka → streaming job → Cassandra → access service: sustained quotes/s vs"
        + " the bare producer, and p50/p99 from production to visibility through the API";
  }

  @Override
  public List<Figure> run(StackAddresses stack, BenchOptions options) throws Exception {
    int quotes = options.scale(500_000);
    int latencySeconds = options.pick(10, 15, 30);
    Figure producer =
        Figure.raw(
            "pipeline.bare-producer",
            KafkaProducerBaseline.recordsPerSecond(stack, quotes),
            "quotes/s");
    // one quote row per insert, as fast as the driver goes: the stage that bounds the pipeline
    Figure cassandra =
        Figure.raw(
            "pipeline.bare-cassandra-writes",
            new CassandraWriteBaseline().run(stack, options).get(0).value(),
            "quotes/s");
    double sustained = sustained(stack, quotes);
    List<Figure> figures = new ArrayList<>();
    figures.add(producer);
    figures.add(cassandra);
    figures.add(Figure.against(producer, "pipeline.sustained", sustained));
    figures.add(Figure.against(cassandra, "pipeline.sustained.vs-writes", sustained));
    figures.addAll(latency(stack, latencySeconds));
    return figures;
  }

  /**
   * Quotes stored per second from the collector's start until the streaming job has stored them
   * all: what a user of the pipeline sees. Enough quotes that the collector's JVM start (~3 s) is a
   * small part of it.
   */
  private static double sustained(StackAddresses stack, int quotes) throws Exception {
    try (World world = World.start(stack, "rate")) {
      long started = System.nanoTime();
      try (ServiceProcess collector = world.collector(0, quotes)) {
        Await.until(() -> world.stored() >= quotes, Duration.ofMinutes(15));
      }
      double rate = quotes / ((System.nanoTime() - started) / 1e9);
      LOG.info("pipeline: {} quotes stored at {} quotes/s", quotes, Math.round(rate));
      return rate;
    }
  }

  private static List<Figure> latency(StackAddresses stack, int seconds) throws Exception {
    try (World world = World.start(stack, "latency")) {
      List<String> symbols =
          List.of(SYMBOLS.split(",")).stream().map(s -> s.substring(0, s.indexOf(':'))).toList();
      Map<String, Instant> newest = new HashMap<>();
      List<Long> latencies = new ArrayList<>();
      try (ServiceProcess collector =
          world.collector(LATENCY_RATE, (long) LATENCY_RATE * (seconds + 15))) {
        // the first 15 s warm the JVMs up and are not counted
        long warm = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long end = warm + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
          for (String symbol : symbols) {
            JsonNode latest = world.latest(symbol);
            if (latest == null) {
              continue;
            }
            Instant ts = Instant.parse(latest.get("ts").asText());
            Instant before = newest.put(symbol, ts);
            if (System.nanoTime() > warm && before != null && ts.isAfter(before)) {
              latencies.add(Duration.between(ts, Instant.now()).toMillis());
            }
          }
          Thread.sleep(50);
        }
      }
      if (latencies.isEmpty()) {
        throw new IllegalStateException("no quote became visible through the access service");
      }
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      LOG.info("pipeline: {} visibility samples", sorted.length);
      return List.of(
          Figure.raw("pipeline.visible.p50", sorted[sorted.length / 2], "ms"),
          Figure.raw("pipeline.visible.p99", sorted[(int) (sorted.length * 0.99)], "ms"));
    }
  }

  /** A keyspace and topics of one run, with the streaming job and the access service on them. */
  private static final class World implements AutoCloseable {

    private final StackAddresses stack;
    private final CqlSession session;
    private final String keyspace;
    private final Map<String, String> env = new HashMap<>();
    private final Path work;
    private final ServiceProcess ingest;
    private final ServiceProcess access;

    private World(StackAddresses stack, String name) throws Exception {
      this.stack = stack;
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
      int ingestPort = ServiceProcess.freePort();
      ingestEnv.put("HTTP_PORT", String.valueOf(ingestPort));
      ingestEnv.put("INGEST_CHECKPOINT_DIR", work.resolve("checkpoint").toString());
      ingestEnv.put("INGEST_TRIGGER", "0s");
      this.ingest =
          SparkJobProcess.service(
              "ingest-streaming",
              "io.smack.ingest.IngestMain",
              ingestEnv,
              ingestPort,
              work.resolve("ingest-streaming.log"));
      Map<String, String> accessEnv = new HashMap<>(env);
      int accessPort = ServiceProcess.freePort();
      accessEnv.put("HTTP_PORT", String.valueOf(accessPort));
      this.access =
          ServiceProcess.start(
              ServiceProcess.moduleClasspath("access-service", "access.classpath"),
              List.of("io.smack.access.AccessMain"),
              "512m",
              accessEnv,
              accessPort,
              work.resolve("access-service.log"));
      ingest.awaitOk("/health", Duration.ofMinutes(4));
      access.awaitOk("/health/ready", Duration.ofMinutes(1));
    }

    static World start(StackAddresses stack, String name) throws Exception {
      return new World(stack, name);
    }

    /** The collector with the simulator at {@code rate} (0: full speed) for {@code count}. */
    ServiceProcess collector(int rate, long count) throws IOException {
      Map<String, String> collectorEnv = new HashMap<>(env);
      int port = ServiceProcess.freePort();
      collectorEnv.put("HTTP_PORT", String.valueOf(port));
      collectorEnv.put("COLLECTOR_SOURCES", "sim");
      collectorEnv.put("SIMULATOR_SYMBOLS", SYMBOLS);
      collectorEnv.put("SIMULATOR_RATE", String.valueOf(rate));
      return ServiceProcess.start(
          ServiceProcess.moduleClasspath("collector", "collector.classpath"),
          List.of(
              "-Dsmack.collector.source.sim.limit=" + count, "io.smack.collector.CollectorMain"),
          "512m",
          collectorEnv,
          port,
          work.resolve("collector.log"));
    }

    /** Quotes the streaming job has stored, from its quotes query's rows of today and before. */
    long stored() {
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      long sum = 0;
      for (Row row :
          session.execute(
              "SELECT quotes FROM "
                  + keyspace
                  + ".ingest_batches WHERE query = 'ingest' AND day IN (?, ?)",
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
