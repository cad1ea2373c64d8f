package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.common.CqlSchema;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Tables;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The streaming job against the raw Cassandra write rate of the same rows, and its latency.
 *
 * <ol>
 *   <li>Sustained rate: a topic pre-filled with quotes (1 M in a full run), the job in its own JVM
 *       with {@code available-now}; the rate is the rows of its micro-batches after the first over
 *       the time from the second batch's start to the last one's end (Spark's start-up and the
 *       first, cold batch are in the wall-clock figure, reported apart).
 *   <li>Raw baseline: the same rows the job wrote — every quote into {@code quotes_by_day}, as many
 *       {@code bars_1m} and {@code latest_quote} rows as its batches wrote — as async prepared
 *       inserts, 512 in flight, in quotes per second.
 *   <li>Latency: quotes stamped with the time they are sent, offered at half the sustained rate to
 *       the running job; {@code latest_quote} is polled every 20 ms, and a quote is visible at the
 *       first poll that shows its symbol at its time or later.
 * </ol>
 */
final class IngestBenchmark implements Benchmark {

  static final String RAW = "ingest.raw-writes";
  static final String JOB = "ingest.job";

  private static final String MODULE = "ingest-streaming";
  private static final String MAIN = "io.smack.ingest.IngestMain";
  private static final int SYMBOLS = 20;
  private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String description() {
    return "streaming job from a pre-filled topic vs raw inserts of the same rows (quotes/s),"
        + " and latency to latest_quote at half that rate (ms)";
  }

  @Override
  public List<Figure> run(StackAddresses stack, BenchOptions options) throws Exception {
    int count = options.scale(1_000_000);
    List<Figure> figures = new ArrayList<>();
    try (CqlSession session = CassandraWriteBaseline.session(stack)) {
      // 1. the job's sustained rate from a pre-filled topic
      World world = World.create(stack, session, "rate");
      prefill(stack, world.topic, count);
      long launched = System.nanoTime();
      Process job =
          SparkJobProcess.start(
              MODULE, List.of(MAIN), "1g", world.environment(stack, "available-now", 0), world.log);
      if (!job.waitFor(30, TimeUnit.MINUTES) || job.exitValue() != 0) {
        job.destroyForcibly();
        throw new IllegalStateException("the job did not finish well; see " + world.log);
      }
      double wall = (System.nanoTime() - launched) / 1e9;
      List<Row> batches =
          session
              .execute(
                  "SELECT at, duration_ms, input_rows, bars FROM "
                      + world.keyspace
                      + "."
                      + Tables.INGEST_PROGRESS)
              .all();
      long rows = batches.stream().mapToLong(r -> r.getLong("input_rows")).sum();
      if (rows != count) {
        throw new IllegalStateException("the job read " + rows + " of " + count + " quotes");
      }
      long bars = batches.stream().mapToLong(r -> r.getLong("bars")).sum();
      double jobRate = sustainedRate(batches);
      // 2. the raw rate of the same rows
      double rawRate = rawRate(session, count, (int) bars, batches.size() * SYMBOLS);
      Figure raw = Figure.raw(RAW, rawRate, "quotes/s");
      figures.add(raw);
      figures.add(Figure.against(raw, JOB, jobRate));
      figures.add(Figure.raw("ingest.job.batches", batches.size(), "batches"));
      figures.add(Figure.raw("ingest.job.wall-with-start-up", count / wall, "quotes/s"));

      // 3. latency at half the sustained rate
      double offered = Math.max(100, Math.floor(jobRate / 2 / 100) * 100);
      figures.add(Figure.raw("ingest.latency.offered", offered, "quotes/s"));
      figures.addAll(latency(stack, session, offered, options.pick(10, 15, 30)));
    }
    return figures;
  }

  /**
   * Rows per second of the batches after the first, from the second's start to the last one's end:
   * the first batch of a fresh JVM measures the JIT (its rate is in the wall-clock figure).
   */
  private static double sustainedRate(List<Row> batches) {
    List<Row> inOrder =
        batches.stream().sorted(Comparator.comparing((Row r) -> r.getInstant("at"))).toList();
    List<Row> steady = inOrder.size() > 1 ? inOrder.subList(1, inOrder.size()) : inOrder;
    long rows = steady.stream().mapToLong(r -> r.getLong("input_rows")).sum();
    Instant first = steady.get(0).getInstant("at");
    Row last = steady.get(steady.size() - 1);
    Instant end = last.getInstant("at").plusMillis(last.getLong("duration_ms"));
    return rows / (Duration.between(first, end).toMillis() / 1000.0);
  }

  /** Quotes of {@link #SYMBOLS} symbols, 10 ms apart per symbol, sent as fast as Kafka takes. */
  private static void prefill(StackAddresses stack, String topic, int count) {
    Instant start = Instant.parse("2026-11-24T14:30:00Z");
    try (KafkaProducer<String, byte[]> producer = KafkaProducerBaseline.producer(stack)) {
      for (int i = 0; i < count; i++) {
        Quote quote = quote(i, start.plusMillis(10L * (i / SYMBOLS)));
        producer.send(new ProducerRecord<>(topic, quote.symbol(), QuoteCodec.encode(quote)));
      }
      producer.flush();
    }
  }

  private static Quote quote(int i, Instant ts) {
    return new Quote(symbol(i % SYMBOLS), ts, 100 + (i % 997) * 0.01, 1 + i % 500, "bench");
  }

  private static String symbol(int n) {
    return String.format("S%03d", n);
  }

  /** Quotes per second of the raw inserts of every row the job wrote for {@code quotes}. */
  private static double rawRate(CqlSession session, int quotes, int bars, int latest)
      throws Exception {
    String keyspace = "bench_raw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    for (String statement : CqlSchema.statements(keyspace, REPLICATION)) {
      CassandraWriteBaseline.ddl(session, statement);
    }
    PreparedStatement quote =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".quotes_by_day (symbol, day, ts, price, volume, source) VALUES (?, ?, ?, ?, ?, ?)");
    PreparedStatement bar =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".bars_1m (symbol, day, minute, open, high, low, close, volume, quotes, close_ts)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    PreparedStatement newest =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".latest_quote (symbol, ts, price, volume, source) VALUES (?, ?, ?, ?, ?)"
                + " USING TIMESTAMP ?");
    Instant start = Instant.parse("2026-11-24T14:30:00Z");
    LocalDate day = LocalDate.ofInstant(start, ZoneOffset.UTC);
    IntFunction<BoundStatement> quoteRow =
        i -> {
          Quote q = quote(i, start.plusMillis(10L * (i / SYMBOLS)));
          return quote.bind(q.symbol(), q.day(), q.ts(), q.price(), q.volume(), q.source());
        };
    // a warm-up: the first tenth of the quotes, written again (as upserts) in the timed run
    CassandraWriteBaseline.writeAll(session, quotes / 10, quoteRow);
    long began = System.nanoTime();
    CassandraWriteBaseline.writeAll(session, quotes, quoteRow);
    CassandraWriteBaseline.writeAll(
        session,
        bars,
        i ->
            bar.bind(
                symbol(i % SYMBOLS),
                day,
                start.plus(i / SYMBOLS, ChronoUnit.MINUTES),
                100.0,
                101.0,
                99.0,
                100.5,
                1000L,
                6000,
                start.plus(i / SYMBOLS + 1, ChronoUnit.MINUTES).minusMillis(10)));
    CassandraWriteBaseline.writeAll(
        session,
        latest,
        i -> {
          Quote q = quote(i, start.plusMillis(10L * i));
          return newest.bind(
              q.symbol(), q.ts(), q.price(), q.volume(), q.source(), q.ts().toEpochMilli() * 1000);
        });
    double seconds = (System.nanoTime() - began) / 1e9;
    CassandraWriteBaseline.ddl(session, "DROP KEYSPACE " + keyspace);
    return quotes / seconds;
  }

  /** p50 and p99 of the time from a quote's sending to its showing in latest_quote. */
  private static List<Figure> latency(
      StackAddresses stack, CqlSession session, double offered, int seconds) throws Exception {
    World world = World.create(stack, session, "latency");
    int port = freePort();
    Process job =
        SparkJobProcess.start(
            MODULE, List.of(MAIN), "1g", world.environment(stack, "0s", port), world.log);
    try {
      awaitHealthy(port, job, world.log);
      PreparedStatement poll =
          session.prepare("SELECT symbol, ts FROM " + world.keyspace + ".latest_quote");
      Map<String, List<long[]>> seen = new ConcurrentHashMap<>(); // symbol -> (poll ms, ts ms)
      AtomicBoolean polling = new AtomicBoolean(true);
      Thread poller =
          new Thread(
              () -> {
                while (polling.get()) {
                  long at = System.currentTimeMillis();
                  for (Row row : session.execute(poll.bind())) {
                    seen.computeIfAbsent(row.getString(0), s -> new CopyOnWriteArrayList<>())
                        .add(new long[] {at, row.getInstant(1).toEpochMilli()});
                  }
                  sleep(20);
                }
              },
              "latest-poller");
      poller.start();
      // a warm-up at the same load first: a fresh JVM's first batches measure the JIT, and the
      // backlog they leave takes a while to clear
      send(stack, world.topic, offered, seconds);
      seen.clear();
      Map<String, List<Long>> sent = send(stack, world.topic, offered, seconds);
      long lastSent = System.currentTimeMillis();
      // wait (at most 60 s) until every symbol shows its last quote
      while (System.currentTimeMillis() - lastSent < 60_000 && !allShown(sent, seen)) {
        sleep(100);
      }
      polling.set(false);
      poller.join();
      List<Long> latencies = new ArrayList<>();
      long missing = 0;
      for (Map.Entry<String, List<Long>> symbol : sent.entrySet()) {
        List<long[]> polls = seen.getOrDefault(symbol.getKey(), List.of());
        int p = 0;
        for (long ts : symbol.getValue()) {
          while (p < polls.size() && polls.get(p)[1] < ts) {
            p++;
          }
          if (p == polls.size()) {
            missing++;
          } else {
            latencies.add(polls.get(p)[0] - ts);
          }
        }
      }
      if (missing > 0) {
        throw new IllegalStateException(missing + " quotes never showed in latest_quote");
      }
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      return List.of(
          Figure.raw("ingest.latency.p50", percentile(sorted, 0.50), "ms"),
          Figure.raw("ingest.latency.p99", percentile(sorted, 0.99), "ms"));
    } finally {
      job.destroy();
      if (!job.waitFor(60, TimeUnit.SECONDS)) {
        job.destroyForcibly();
      }
    }
  }

  /** Sends quotes stamped with the sending time, {@code rate} a second, for {@code seconds}. */
  private static Map<String, List<Long>> send(
      StackAddresses stack, String topic, double rate, int seconds) {
    Map<String, List<Long>> sent = new HashMap<>();
    int perTick = (int) Math.max(1, rate / 100); // a tick every 10 ms
    long start = System.nanoTime();
    int i = 0;
    try (KafkaProducer<String, byte[]> producer = KafkaProducerBaseline.producer(stack)) {
      for (long tick = 0; tick < seconds * 100L; tick++) {
        long due = start + tick * 10_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait); // not a spin: the job needs the machine's two cores
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int k = 0; k < perTick; k++, i++) {
          // one quote per symbol and tick, so a symbol's quotes are 10 ms apart, as distinct in
          // time as the simulator's; two with one (symbol, ts) would make the job read the
          // minute's stored quotes again, as it must for a quote sent twice
          Quote quote = new Quote(symbol(k), now, 100 + (i % 997) * 0.01, 1, "bench");
          producer.send(new ProducerRecord<>(topic, quote.symbol(), QuoteCodec.encode(quote)));
          sent.computeIfAbsent(quote.symbol(), s -> new ArrayList<>()).add(now.toEpochMilli());
        }
      }
      producer.flush();
    }
    return sent;
  }

  private static boolean allShown(Map<String, List<Long>> sent, Map<String, List<long[]>> seen) {
    for (Map.Entry<String, List<Long>> symbol : sent.entrySet()) {
      List<long[]> polls = seen.get(symbol.getKey());
      long last = symbol.getValue().get(symbol.getValue().size() - 1);
      if (polls == null || polls.isEmpty() || polls.get(polls.size() - 1)[1] < last) {
        return false;
      }
    }
    return true;
  }

  private static double percentile(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static void awaitHealthy(int port, Process job, Path log) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      if (!job.isAlive()) {
        throw new IllegalStateException("the job stopped at start; see " + log);
      }
      try {
        HttpResponse<String> answer = client.send(health, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200 && answer.body().contains("\"status\":\"ok\"")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      sleep(200);
    }
    throw new IllegalStateException("the job was not running within 3 minutes; see " + log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A keyspace, topics, checkpoint and log of one run of the job. */
  private record World(
      String keyspace, String topic, String deadLetters, Path checkpoint, Path log) {

    static World create(StackAddresses stack, CqlSession session, String name) throws Exception {
      String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
      World world =
          new World(
              "bench_ingest_" + suffix,
              "bench-quotes-" + suffix,
              "bench-dlq-" + suffix,
              Path.of("target", "bench", "ingest-" + name + "-" + suffix, "checkpoint")
                  .toAbsolutePath(),
              Path.of("target", "bench", "ingest-" + name + "-" + suffix + ".log")
                  .toAbsolutePath());
      KafkaProducerBaseline.createTopic(stack, world.topic);
      KafkaProducerBaseline.createTopic(stack, world.deadLetters);
      for (String statement : CqlSchema.statements(world.keyspace, REPLICATION)) {
        CassandraWriteBaseline.ddl(session, statement);
      }
      return world;
    }

    Map<String, String> environment(StackAddresses stack, String trigger, int httpPort) {
      Map<String, String> env = new HashMap<>();
      env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers());
      env.put("KAFKA_QUOTES_TOPIC", topic);
      env.put("KAFKA_DLQ_TOPIC", deadLetters);
      env.put("CASSANDRA_CONTACT_POINTS", stack.cassandraHost() + ":" + stack.cassandraPort());
      env.put("CASSANDRA_LOCAL_DC", stack.cassandraDatacenter());
      env.put("CASSANDRA_KEYSPACE", keyspace);
      env.put("INGEST_CHECKPOINT_DIR", checkpoint.toString());
      env.put("INGEST_TRIGGER", trigger);
      env.put("SPARK_MASTER", "local[*]");
      env.put("HTTP_PORT", String.valueOf(httpPort));
      return env;
    }
  }
}
