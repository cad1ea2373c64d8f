package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.common.CqlSchema;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Tables;
import io.smack.localstack.ModuleProcess;
import io.smack.localstack.StackAddresses;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job against the raw Cassandra write rate of the same rows, and its latency, both
 * through {@link Paired}.
 *
 * <ol>
 *   <li>Rounds of the job and of its raw baseline on identical work, alternating which goes first;
 *       no warm-up round, as each round warms up on its own: a fresh JVM whose first batch is left
 *       out, inserts after a tenth written untimed.
 *   <li>The job: a topic pre-filled with quotes (1 M in a full run), the job in its own JVM with
 *       {@code available-now} and eight batches per query; its rate is the records of the quotes
 *       query after its first batch over the time from that batch's end until both queries are
 *       done; its start-up (launch to its first batch) is a figure of its own.
 *   <li>The raw baseline ({@link RawWrites}): the rows the job's latest round wrote, into the same
 *       tables.
 *   <li>Latency: quotes stamped with the time they are sent, offered to the running job (its
 *       default trigger) at half the job's sustained rate and at 500 quotes/s, in rounds after a
 *       warm-up round; {@code latest_quote} is polled every 20 ms, each poll stamped when its read
 *       returns, and a quote is visible at the first poll that shows its symbol at its time or
 *       later. A round waits until every quote sent has shown.
 * </ol>
 */
final class IngestBenchmark implements Benchmark {

  private static final Logger LOG = LoggerFactory.getLogger(IngestBenchmark.class);
  static final String RAW = "ingest.raw-writes";
  static final String JOB = "ingest.job";
  private static final String MODULE = "ingest-streaming";
  private static final String MAIN = "io.smack.ingest.IngestMain";
  private static final int SYMBOLS = 20;
  private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
  private static final Pattern JOBS = Pattern.compile("=(\\d+) jobs?");

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String description() {
    return "streaming job from a pre-filled topic vs raw inserts of the same rows (quotes/s),"
        + " alternating rounds, and latency to latest_quote at half that rate and at 500/s (ms)";
  }

  /** One round of the job: its rate and the rows it wrote, which its baseline writes too. */
  private record JobRound(
      double rate,
      double startUpSeconds,
      int quotesBatches,
      int barsBatches,
      long bars,
      double quotesJobsPerBatch,
      double barsJobsPerBatch,
      double peakRssMib) {

    Map<String, Double> sample() {
      Map<String, Double> sample = new HashMap<>();
      sample.put("quotes/s", rate);
      sample.put("start-up", startUpSeconds);
      sample.put("quotes-batches", (double) quotesBatches);
      sample.put("bars-batches", (double) barsBatches);
      sample.put("bars", (double) bars);
      sample.put("quotes-jobs/batch", quotesJobsPerBatch);
      sample.put("bars-jobs/batch", barsJobsPerBatch);
      sample.put("peak-rss", peakRssMib);
      return sample;
    }
  }

  @Override
  public void run(StackAddresses stack, BenchOptions options, Consumer<Figure> out)
      throws Exception {
    int count = options.scale(1_000_000);
    try (CqlSession session = CassandraWriteBaseline.session(stack)) {
      // no warm-up round: each round warms up on its own (the job's first batch, the inserts'
      // first tenth, are left out of its time), as a fresh JVM per round must
      AtomicInteger round = new AtomicInteger();
      Paired.Rounds rounds =
          Paired.of(name())
              .trial("job", before -> jobRound(stack, session, count, round.incrementAndGet()))
              .trial(
                  "raw-inserts",
                  before ->
                      // the rows of the job's latest round (the same work: the same input gives
                      // the same batches and bars)
                      Map.of(
                          "quotes/s", rawRate(session, count, before.latest("job").orElseThrow())))
              .warmUps(0)
              .rounds(options.rounds())
              .run();
      Figure raw = rounds.raw(RAW, "quotes/s", "raw-inserts", "quotes/s");
      out.accept(raw);
      Figure job = rounds.against(raw, JOB, "job", "quotes/s");
      out.accept(job);
      out.accept(rounds.raw("ingest.job.start-up", "s", "job", "start-up"));
      out.accept(rounds.raw("ingest.job.quotes.batches", "batches", "job", "quotes-batches"));
      out.accept(
          rounds.raw("ingest.job.quotes.spark-jobs", "jobs/batch", "job", "quotes-jobs/batch"));
      out.accept(rounds.raw("ingest.job.bars.batches", "batches", "job", "bars-batches"));
      out.accept(rounds.raw("ingest.job.bars.spark-jobs", "jobs/batch", "job", "bars-jobs/batch"));
      out.accept(rounds.raw("ingest.job.peak-rss", "MiB", "job", "peak-rss"));
      // the rows the job writes per quote: the quote, its share of the bars, and a symbols, a
      // quote_days and a latest_quote row per symbol and batch (the work the raw inserts repeat)
      double[] bars = rounds.of("job", "bars");
      double[] batches = rounds.of("job", "quotes-batches");
      double[] rowsPerQuote = new double[bars.length];
      for (int i = 0; i < bars.length; i++) {
        rowsPerQuote[i] = (count + bars[i] + 3 * batches[i] * SYMBOLS) / count;
      }
      out.accept(Figure.raw("ingest.rows-per-quote", "rows", rowsPerQuote));

      // latency at half the sustained rate, and at 500 quotes/s
      int seconds = options.pick(10, 15, 30);
      double half = Math.max(100, Math.floor(job.median() / 2 / 100) * 100);
      out.accept(Figure.raw("ingest.latency.offered", "quotes/s", half));
      latency(stack, session, half, seconds, options, "ingest.latency").forEach(out);
      latency(stack, session, 500, seconds, options, "ingest.latency.at-500").forEach(out);
    }
  }

  /**
   * One run of the job on a topic pre-filled with {@code count} quotes, in batches of an eighth.
   */
  private static Map<String, Double> jobRound(
      StackAddresses stack, CqlSession session, int count, int round) throws Exception {
    World world = World.create(stack, session, "rate-" + round);
    prefill(stack, world.topic, count);
    Map<String, String> env = world.environment(stack, "available-now");
    env.put("HTTP_PORT", "0");
    env.put("INGEST_MAX_OFFSETS_PER_TRIGGER", String.valueOf(Math.max(1, count / 8)));
    Instant launched = Instant.now();
    ModuleProcess job =
        ModuleProcess.sparkJob(ServiceProcess.ROOT, MODULE, MAIN, List.of(), env, world.log);
    double peakRss = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
    while (job.isAlive() && System.nanoTime() < deadline) {
      peakRss = Math.max(peakRss, ProcessMemory.peakResidentMib(job.pid()));
      job.awaitExit(Duration.ofMillis(500));
    }
    if (job.exitCode().orElse(-1) != 0) {
      job.kill();
      throw new IllegalStateException("the job did not finish well; see " + world.log);
    }
    List<Row> batches =
        session
            .execute(
                "SELECT query, batch_id, at, duration_ms, input_rows, bars, backfilled, spark_jobs"
                    + " FROM "
                    + world.keyspace
                    + "."
                    + Tables.INGEST_BATCHES)
            .all();
    List<Row> quotes =
        batches.stream()
            .filter(r -> r.getString("query").equals("ingest"))
            .sorted(Comparator.comparing((Row r) -> r.getLong("batch_id")))
            .toList();
    List<Row> bars =
        batches.stream().filter(r -> r.getString("query").equals("ingest-bars")).toList();
    long read = quotes.stream().mapToLong(r -> r.getLong("input_rows")).sum();
    if (read != count) {
      throw new IllegalStateException("the job read " + read + " of " + count + " quotes");
    }
    Row first = quotes.get(0);
    Instant warm = first.getInstant("at").plusMillis(first.getLong("duration_ms"));
    Instant done =
        batches.stream()
            .map(r -> r.getInstant("at").plusMillis(r.getLong("duration_ms")))
            .max(Comparator.naturalOrder())
            .orElseThrow();
    double rate =
        (count - first.getLong("input_rows")) / (Duration.between(warm, done).toMillis() / 1000.0);
    CqlSchema.execute(session, "DROP KEYSPACE " + world.keyspace);
    KafkaProducerBaseline.deleteTopic(stack, world.topic);
    KafkaProducerBaseline.deleteTopic(stack, world.deadLetters);
    double startUp = Duration.between(launched, first.getInstant("at")).toMillis() / 1000.0;
    return new JobRound(
            rate,
            startUp,
            quotes.size(),
            bars.size(),
            bars.stream().mapToLong(r -> r.getLong("bars") + r.getLong("backfilled")).sum(),
            jobsPerBatch(quotes),
            jobsPerBatch(bars),
            peakRss)
        .sample();
  }

  /** The Spark jobs a batch ran, on average, from the batches' {@code spark_jobs} column. */
  private static double jobsPerBatch(List<Row> batches) {
    long jobs = 0;
    for (Row batch : batches) {
      Matcher matcher = JOBS.matcher(String.valueOf(batch.getString("spark_jobs")));
      while (matcher.find()) {
        jobs += Long.parseLong(matcher.group(1));
      }
    }
    return batches.isEmpty() ? 0 : (double) jobs / batches.size();
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
  private static double rawRate(CqlSession session, int quotes, Map<String, Double> job)
      throws Exception {
    return RawWrites.quotesPerSecond(
        session, SYMBOLS, quotes, job.get("bars").intValue(), job.get("quotes-batches").intValue());
  }

  /**
   * p50 and p99 of the time from a quote's sending to its showing in latest_quote, over rounds of
   * {@code seconds} of load each, after a warm-up round at the same load (a fresh JVM's first
   * batches measure the JIT, and the backlog they leave takes a while to clear); with the samples
   * of a round (every quote sent: a round waits until each has shown) and the job's memory.
   */
  private static List<Figure> latency(
      StackAddresses stack,
      CqlSession session,
      double offered,
      int seconds,
      BenchOptions options,
      String name)
      throws Exception {
    World world = World.create(stack, session, "latency");
    ServiceProcess job =
        ServiceProcess.sparkJob(
            MODULE, MAIN, world.environment(stack, "250ms"), ServiceProcess.freePort(), world.log);
    PreparedStatement poll =
        session.prepare("SELECT symbol, ts FROM " + world.keyspace + ".latest_quote");
    Map<String, List<long[]>> seen = new ConcurrentHashMap<>(); // symbol -> (poll ms, ts ms)
    AtomicBoolean polling = new AtomicBoolean(true);
    Thread poller =
        new Thread(
            () -> {
              while (polling.get()) {
                List<Row> rows = session.execute(poll.bind()).all();
                long at = System.currentTimeMillis(); // when the read returned
                for (Row row : rows) {
                  seen.computeIfAbsent(row.getString(0), s -> new CopyOnWriteArrayList<>())
                      .add(new long[] {at, row.getInstant(1).toEpochMilli()});
                }
                sleep(20);
              }
            },
            "latest-poller");
    try {
      awaitHealthy(job, world.log);
      poller.start();
      Paired.Rounds rounds =
          Paired.of(name)
              .trial(
                  "job",
                  before -> {
                    seen.clear();
                    Map<String, List<Long>> sent = send(stack, world.topic, offered, seconds);
                    return latencies(sent, seen, job.pid());
                  })
              .rounds(options.rounds())
              .run();
      return List.of(
          rounds.raw(name + ".p50", "ms", "job", "p50"),
          rounds.raw(name + ".p99", "ms", "job", "p99"),
          rounds.raw(name + ".samples", "quotes", "job", "samples"),
          rounds.raw(name + ".job-rss", "MiB", "job", "rss"));
    } finally {
      polling.set(false);
      poller.join();
      job.close();
    }
  }

  /**
   * Waits (at most 2 minutes after the last was sent) until every symbol shows its last quote, then
   * gives each quote's time to the first poll that showed it or a later one of its symbol.
   */
  private static Map<String, Double> latencies(
      Map<String, List<Long>> sent, Map<String, List<long[]>> seen, long pid) {
    long lastSent = System.currentTimeMillis();
    while (System.currentTimeMillis() - lastSent < 120_000 && !allShown(sent, seen)) {
      sleep(100);
    }
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
      throw new IllegalStateException(
          missing + " quotes of " + (missing + latencies.size()) + " never showed in latest_quote");
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    return Map.of(
        "p50", (double) percentile(sorted, 0.50),
        "p99", (double) percentile(sorted, 0.99),
        "samples", (double) sorted.length,
        "rss", ProcessMemory.residentMib(pid));
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

  private static long percentile(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /** Waits until the job's health says both queries run: its /health answers 200 before. */
  private static void awaitHealthy(ServiceProcess job, Path log) throws Exception {
    job.awaitOk("/health", Duration.ofMinutes(3));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      HttpResponse<byte[]> answer = job.get("/health");
      if (answer.statusCode() == 200 && new String(answer.body()).contains("\"status\":\"ok\"")) {
        return;
      }
      sleep(200);
    }
    throw new IllegalStateException("the job was not running within 3 minutes; see " + log);
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
      CqlSchema.apply(session, world.keyspace, REPLICATION);
      return world;
    }

    Map<String, String> environment(StackAddresses stack, String trigger) {
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
      return env;
    }
  }
}
