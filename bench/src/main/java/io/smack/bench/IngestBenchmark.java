package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.common.CqlSchema;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Tables;
import io.smack.localstack.Ports;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job against the raw Cassandra write rate of the same rows, and its latency.
 *
 * <ol>
 *   <li>Rounds (3 by default, 5 in a full run), each of the job and of its raw baseline on
 *       identical work, alternating which goes first; the figure is the median of the per-round
 *       ratios, with their minimum and maximum.
 *   <li>The job: a topic pre-filled with quotes (1 M in a full run), the job in its own JVM with
 *       {@code available-now} and at least eight batches per query; its rate is the records of the
 *       quotes query after its first batch over the time from that batch's end until both queries
 *       are done (Spark's start-up and the first, cold batch are left out, as the raw warm-up is).
 *   <li>The raw baseline: the same rows into the same tables — every quote into {@code
 *       quotes_by_day}, and as many {@code quote_days}, {@code latest_quote} and {@code bars_1m}
 *       rows as the job's batches wrote — as async prepared inserts, 512 in flight, after a warm-up
 *       of a tenth.
 *   <li>Latency: quotes stamped with the time they are sent, offered to the running job (its
 *       default trigger) at half the job's sustained rate and at 500 quotes/s; {@code latest_quote}
 *       is polled every 20 ms, each poll stamped when its read returns, and a quote is visible at
 *       the first poll that shows its symbol at its time or later.
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
      int quotesBatches,
      int barsBatches,
      long bars,
      double quotesJobsPerBatch,
      double barsJobsPerBatch,
      long peakRssBytes) {}

  @Override
  public List<Figure> run(StackAddresses stack, BenchOptions options) throws Exception {
    int count = options.scale(1_000_000);
    int rounds = options.pick(3, 3, 5);
    List<Figure> figures = new ArrayList<>();
    try (CqlSession session = CassandraWriteBaseline.session(stack)) {
      JobRound[] jobs = new JobRound[rounds];
      double[] raws = new double[rounds];
      double[] ratios = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        if (round % 2 == 0) {
          jobs[round] = jobRound(stack, session, count, round);
          raws[round] = rawRate(session, count, jobs[round]);
        } else {
          // the baseline first; it writes the rows of the previous round's job (the same work)
          raws[round] = rawRate(session, count, jobs[round - 1]);
          jobs[round] = jobRound(stack, session, count, round);
        }
        ratios[round] = jobs[round].rate() / raws[round];
        LOG.info(
            "ingest round {}: job {} quotes/s, raw {} quotes/s, ratio {}",
            round + 1,
            Math.round(jobs[round].rate()),
            Math.round(raws[round]),
            String.format("%.2f", ratios[round]));
      }
      double jobRate = Figure.median(Arrays.stream(jobs).mapToDouble(JobRound::rate).toArray());
      Figure raw = Figure.raw(RAW, Figure.median(raws), "quotes/s");
      figures.add(raw);
      figures.add(Figure.against(raw, JOB, jobRate));
      figures.add(Figure.raw("ingest.job.ratio.median", Figure.median(ratios), "x raw"));
      figures.add(
          Figure.raw("ingest.job.ratio.min", Arrays.stream(ratios).min().orElseThrow(), "x raw"));
      figures.add(
          Figure.raw("ingest.job.ratio.max", Arrays.stream(ratios).max().orElseThrow(), "x raw"));
      JobRound last = jobs[rounds - 1];
      figures.add(Figure.raw("ingest.job.quotes.batches", last.quotesBatches(), "batches"));
      figures.add(
          Figure.raw("ingest.job.quotes.spark-jobs", last.quotesJobsPerBatch(), "jobs/batch"));
      figures.add(Figure.raw("ingest.job.bars.batches", last.barsBatches(), "batches"));
      figures.add(Figure.raw("ingest.job.bars.spark-jobs", last.barsJobsPerBatch(), "jobs/batch"));
      figures.add(
          Figure.raw(
              "ingest.job.peak-rss",
              Arrays.stream(jobs).mapToLong(JobRound::peakRssBytes).max().orElse(0) / 1e6,
              "MB"));

      // latency at half the sustained rate, and at 500 quotes/s
      int seconds = options.pick(10, 15, 30);
      double half = Math.max(100, Math.floor(jobRate / 2 / 100) * 100);
      figures.add(Figure.raw("ingest.latency.offered", half, "quotes/s"));
      figures.addAll(latency(stack, session, half, seconds, "ingest.latency"));
      figures.addAll(latency(stack, session, 500, seconds, "ingest.latency.at-500"));
    }
    return figures;
  }

  /**
   * One run of the job on a topic pre-filled with {@code count} quotes, in batches of an eighth.
   */
  private static JobRound jobRound(StackAddresses stack, CqlSession session, int count, int round)
      throws Exception {
    World world = World.create(stack, session, "rate-" + (round + 1));
    prefill(stack, world.topic, count);
    Map<String, String> env = world.environment(stack, "available-now", 0);
    env.put("INGEST_MAX_OFFSETS_PER_TRIGGER", String.valueOf(Math.max(1, count / 8)));
    Process job = SparkJobProcess.start(MODULE, List.of(MAIN), "1g", env, world.log);
    long peakRss = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
    while (job.isAlive() && System.nanoTime() < deadline) {
      peakRss = Math.max(peakRss, residentBytes(job.pid()));
      job.waitFor(500, TimeUnit.MILLISECONDS);
    }
    if (job.isAlive() || job.exitValue() != 0) {
      job.destroyForcibly();
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
    return new JobRound(
        rate,
        quotes.size(),
        bars.size(),
        bars.stream().mapToLong(r -> r.getLong("bars") + r.getLong("backfilled")).sum(),
        jobsPerBatch(quotes),
        jobsPerBatch(bars),
        peakRss);
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

  /** The resident set of a process, from /proc (0 when it is gone). */
  static long residentBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException gone) {
      return 0;
    }
    return 0;
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
  private static double rawRate(CqlSession session, int quotes, JobRound job) throws Exception {
    int bars = (int) job.bars();
    // quote_days and latest_quote: one row per symbol in each quotes batch
    int perBatch = job.quotesBatches() * SYMBOLS;
    String keyspace = "bench_raw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    CqlSchema.apply(session, keyspace, REPLICATION);
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
    PreparedStatement quoteDay =
        session.prepare("INSERT INTO " + keyspace + ".quote_days (symbol, day) VALUES (?, ?)");
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
    CassandraWriteBaseline.writeAll(
        session, perBatch, i -> quoteDay.bind(symbol(i % SYMBOLS), day.plusDays(i / SYMBOLS)));
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
        perBatch,
        i -> {
          Quote q = quote(i, start.plusMillis(10L * i));
          return newest.bind(
              q.symbol(), q.ts(), q.price(), q.volume(), q.source(), q.ts().toEpochMilli() * 1000);
        });
    double seconds = (System.nanoTime() - began) / 1e9;
    CqlSchema.execute(session, "DROP KEYSPACE " + keyspace);
    return quotes / seconds;
  }

  /**
   * p50 and p99 of the time from a quote's sending to its showing in latest_quote, the samples they
   * rest on and the job's resident memory, under {@code name}.
   */
  private static List<Figure> latency(
      StackAddresses stack, CqlSession session, double offered, int seconds, String name)
      throws Exception {
    World world = World.create(stack, session, "latency");
    int port = Ports.free();
    Process job =
        SparkJobProcess.start(
            MODULE, List.of(MAIN), "1g", world.environment(stack, "250ms", port), world.log);
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
      long rss = residentBytes(job.pid());
      return List.of(
          Figure.raw(name + ".p50", percentile(sorted, 0.50), "ms"),
          Figure.raw(name + ".p99", percentile(sorted, 0.99), "ms"),
          Figure.raw(name + ".samples", sorted.length, "quotes"),
          Figure.raw(name + ".job-rss", rss / 1e6, "MB"));
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
