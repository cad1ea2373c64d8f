package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.common.CqlSchema;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Tables;
import io.smack.localstack.ReadmeFigures;
import io.smack.localstack.StackAddresses;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 *   <li>Rounds of the job, of its peer ({@link PlainConsumer}) and of its raw baseline on identical
 *       work, the order rotating, after two warm-up rounds of each.
 *   <li>The job in its own JVM as deployed (its default trigger, the bars query's at a second),
 *       started once and warmed up on a steady 500 quotes/s; each round a burst of quotes (1 M in a
 *       full run) sent as fast as Kafka takes them, timed from the first sent to the end of the
 *       last batch of the query that finished last. Its start-up (launch to healthy) is a figure of
 *       its own.
 *   <li>The peer the same way in this JVM, timed to its last commit.
 *   <li>The raw baseline ({@link RawWrites}): the rows the job's latest round wrote, into the same
 *       tables, written once untimed and again timed once Cassandra has settled.
 *   <li>Latency: quotes stamped with the time they are sent, offered to the running job (its
 *       default trigger) at half the job's sustained rate and at 500 quotes/s, in rounds after a
 *       warm-up round; {@code latest_quote} is polled every 20 ms, each poll stamped when its read
 *       returns, and a quote is visible at the first poll that shows its symbol at its time or
 *       later. A round waits until every quote sent has shown.
 * </ol>
 *
 * <p>With {@code --profile}, {@link SamplingProfiler} samples each job round's JVM from the end of
 * its first batch to its exit, the rounds' stacks make {@link #FLAME_GRAPH}, and {@link JobCpu}
 * sorts them into a quote's CPU by part ({@code ingest.profile.*}, microseconds of CPU per quote).
 */
final class IngestBenchmark implements Benchmark {

  private static final Logger LOG = LoggerFactory.getLogger(IngestBenchmark.class);
  static final String RAW = "ingest.raw-writes";
  static final String JOB = "ingest.job";
  static final String PLAIN = "ingest.plain-consumer";
  static final String JOB_VS_PLAIN = "ingest.job-vs-plain-consumer";

  /** The least rounds of this benchmark: its ratio is a median of five. */
  private static final int ROUNDS = 5;

  /** The job's defaults that its peer takes too: consistency, writes in flight per task. */
  private static final String CONSISTENCY = "LOCAL_ONE";

  private static final int WRITES_IN_FLIGHT = 64;

  /**
   * The partitions of a bench topic ({@link KafkaProducerBaseline#createTopic}), the job's tasks.
   */
  private static final int PARTITIONS = 6;

  /** Quotes a second of the job's and its peer's warm-up. */
  private static final int WARM_UP_RATE = 500;

  /** The job's default most records a batch ({@code smack.ingest.max-offsets-per-trigger}). */
  private static final int MAX_OFFSETS = 200_000;

  private static final String MODULE = "ingest-streaming";
  private static final String MAIN = "io.smack.ingest.IngestMain";
  private static final int SYMBOLS = 20;
  private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
  private static final Pattern JOBS = Pattern.compile("=(\\d+) jobs?");

  /** The flame graph of the job's sustained batches, beside the committed results. */
  static final Path FLAME_GRAPH = Path.of("bench", "results", "ingest-job.svg");

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String description() {
    return "streaming job and a plain consumer on bursts of quotes vs raw inserts of the same rows"
        + " (quotes/s), alternating rounds, and latency to latest_quote at half that rate and at"
        + " 500/s (ms)";
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
    // hundreds of small batches, as a deployed job runs: the JIT compiler compiles Spark's
    // planning code, which runs a few times a batch, for minutes after the job starts
    Duration warmUp = Duration.ofSeconds(options.pick(30, 90, 180));
    try (CqlSession session = CassandraWriteBaseline.session(stack);
        JobRounds jobRounds =
            JobRounds.start(stack, session, WARM_UP_RATE * (int) warmUp.toSeconds(), warmUp);
        PeerRounds peerRounds =
            PeerRounds.start(stack, session, WARM_UP_RATE * (int) warmUp.toSeconds(), warmUp)) {
      AtomicInteger round = new AtomicInteger();
      List<Path> profiles = new ArrayList<>();
      Paired.Rounds rounds =
          Paired.of(name())
              .trial(
                  "job",
                  before -> {
                    int n = round.incrementAndGet();
                    Optional<Path> profile =
                        options.profile()
                            ? Optional.of(
                                Path.of("target", "bench", "ingest-job-" + n + ".collapsed")
                                    .toAbsolutePath())
                            : Optional.empty();
                    if (n > 2) { // the warm-up rounds' are left out
                      profile.ifPresent(profiles::add);
                    }
                    return jobRounds.round(count, profile);
                  })
              .trial("plain-consumer", before -> peerRounds.round(count))
              .trial(
                  "raw-inserts",
                  before ->
                      // the rows of the job's latest round (the same work: the same input gives
                      // the same batches and bars)
                      Map.of(
                          "quotes/s", rawRate(session, count, before.latest("job").orElseThrow())))
              // two: the first bursts still compile what the steady stream never ran (the JIT's
              // share of the job's CPU fell from 11 to 4 us a quote over the first five)
              .warmUps(2)
              .rounds(Math.max(ROUNDS, options.rounds()))
              .run();
      Figure raw = rounds.raw(RAW, "quotes/s", "raw-inserts", "quotes/s");
      out.accept(raw);
      Figure job = rounds.against(raw, JOB, "job", "quotes/s");
      out.accept(job);
      Figure plain = rounds.against(raw, PLAIN, "plain-consumer", "quotes/s");
      out.accept(plain);
      out.accept(rounds.against(plain, JOB_VS_PLAIN, "job", "quotes/s"));
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
      if (options.profile()) {
        profileFigures(rounds, profiles, count, options).forEach(out);
      }

      // latency at half the sustained rate, and at 500 quotes/s
      int seconds = options.pick(10, 15, 30);
      double half = Math.max(100, Math.floor(job.median() / 2 / 100) * 100);
      out.accept(Figure.raw("ingest.latency.offered", "quotes/s", half));
      latency(stack, session, half, seconds, options, "ingest.latency").forEach(out);
      latency(stack, session, 500, seconds, options, "ingest.latency.at-500").forEach(out);
    }
  }

  /**
   * The job as it runs deployed (its default trigger, the bars query's at a second, not ten, so
   * that it does not sit idle after a burst), started once for every round: a job that has been
   * running is what a rate is for, and its JIT compiler took over 40 % of its CPU for minutes after
   * its start, however many quotes it had read.
   */
  private static final class JobRounds implements AutoCloseable {
    private final StackAddresses stack;
    private final CqlSession session;
    private final World world;
    private final ServiceProcess job;
    private final double startUp;
    private int sent;

    private JobRounds(StackAddresses stack, CqlSession session) throws Exception {
      this.stack = stack;
      this.session = session;
      this.world = World.create(stack, session, "rate");
      Map<String, String> env = world.environment(stack, "250ms");
      env.put("INGEST_BARS_TRIGGER", "1s");
      Instant launched = Instant.now();
      this.job = ServiceProcess.sparkJob(MODULE, MAIN, env, ServiceProcess.freePort(), world.log);
      awaitHealthy(job, world.log);
      this.startUp = Duration.between(launched, Instant.now()).toMillis() / 1000.0;
    }

    /** The job started and warmed up on {@code quotes} quotes sent evenly over {@code warmUp}. */
    static JobRounds start(StackAddresses stack, CqlSession session, int quotes, Duration warmUp)
        throws Exception {
      JobRounds rounds = new JobRounds(stack, session);
      try {
        send(stack, rounds.world.topic, 0, quotes, warmUp);
        rounds.sent = quotes;
        rounds.awaitRead(quotes);
        return rounds;
      } catch (Exception e) {
        rounds.close();
        throw e;
      }
    }

    /**
     * A burst of {@code count} quotes sent as fast as Kafka takes them once Cassandra has settled;
     * the rate is those over the time from the first sent to the end of the last batch of the query
     * that finished last; sampled in that time into {@code profile}, when given.
     */
    Map<String, Double> round(int count, Optional<Path> profile) throws Exception {
      CassandraWriteBaseline.awaitSettled(session);
      if (profile.isPresent()) {
        SamplingProfiler.start(job.pid());
      }
      Instant began = Instant.now();
      prefill(stack, world.topic, sent, sent + count);
      sent += count;
      List<Row> batches = awaitRead(sent);
      if (profile.isPresent()) {
        SamplingProfiler.stop(job.pid(), profile.get());
      }
      // the batches that started after the first quote of the burst was sent
      List<Row> burst = batches.stream().filter(r -> !r.getInstant("at").isBefore(began)).toList();
      List<Row> quotes = ofQuery(burst, "ingest");
      List<Row> bars = ofQuery(burst, "ingest-bars");
      Instant done =
          burst.stream()
              .map(r -> r.getInstant("at").plusMillis(r.getLong("duration_ms")))
              .max(Comparator.naturalOrder())
              .orElseThrow();
      return new JobRound(
              count / (Duration.between(began, done).toMillis() / 1000.0),
              startUp,
              quotes.size(),
              bars.size(),
              bars.stream().mapToLong(r -> r.getLong("bars") + r.getLong("backfilled")).sum(),
              jobsPerBatch(quotes),
              jobsPerBatch(bars),
              ProcessMemory.peakResidentMib(job.pid()))
          .sample();
    }

    /**
     * Waits until both queries have read {@code quotes} records (at most 10 minutes, failing when
     * the job ends first); returns every batch reported so far.
     */
    private List<Row> awaitRead(long quotes) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (System.nanoTime() < deadline) {
        List<Row> batches =
            session
                .execute(
                    "SELECT query, batch_id, at, duration_ms, input_rows, bars, backfilled,"
                        + " spark_jobs FROM "
                        + world.keyspace
                        + "."
                        + Tables.INGEST_BATCHES)
                .all();
        if (read(batches, "ingest") >= quotes && read(batches, "ingest-bars") >= quotes) {
          return batches;
        }
        if (!job.isAlive()) {
          throw new IllegalStateException("the job ended; see " + world.log);
        }
        sleep(200);
      }
      throw new IllegalStateException(
          "the job had not read " + quotes + " quotes within 10 minutes; see " + world.log);
    }

    private static long read(List<Row> batches, String query) {
      return ofQuery(batches, query).stream().mapToLong(r -> r.getLong("input_rows")).sum();
    }

    @Override
    public void close() throws Exception {
      job.close();
      world.drop(stack, session);
    }
  }

  /** The batches of one query, in order. */
  private static List<Row> ofQuery(List<Row> batches, String query) {
    return batches.stream()
        .filter(r -> r.getString("query").equals(query))
        .sorted(Comparator.comparing((Row r) -> r.getLong("batch_id")))
        .toList();
  }

  /**
   * {@link PlainConsumer} running for every round as the job does, warmed up as the job is, polling
   * at most as many records as the job's default batch.
   */
  private static final class PeerRounds implements AutoCloseable {
    private final StackAddresses stack;
    private final CqlSession session;
    private final World world;
    private final PlainConsumer peer;
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final Future<?> running;
    private int sent;

    private PeerRounds(StackAddresses stack, CqlSession session) throws Exception {
      this.stack = stack;
      this.session = session;
      this.world = World.create(stack, session, "plain");
      this.peer =
          new PlainConsumer(
              stack, session, world.keyspace, CONSISTENCY, WRITES_IN_FLIGHT * PARTITIONS);
      this.running = thread.submit(() -> peer.consume(world.topic, world.deadLetters, MAX_OFFSETS));
    }

    static PeerRounds start(StackAddresses stack, CqlSession session, int quotes, Duration warmUp)
        throws Exception {
      PeerRounds rounds = new PeerRounds(stack, session);
      try {
        send(stack, rounds.world.topic, 0, quotes, warmUp);
        rounds.sent = quotes;
        rounds.awaitDone();
        return rounds;
      } catch (Exception e) {
        rounds.close();
        throw e;
      }
    }

    /** A burst as the job's: the rate from the first quote sent to the commit of the last. */
    Map<String, Double> round(int count) throws Exception {
      CassandraWriteBaseline.awaitSettled(session);
      long began = System.nanoTime();
      prefill(stack, world.topic, sent, sent + count);
      sent += count;
      awaitDone();
      return Map.of("quotes/s", count / ((peer.lastCommitNanos() - began) / 1e9));
    }

    private void awaitDone() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (peer.done() < sent) {
        if (running.isDone()) {
          running.get(); // its failure
          throw new IllegalStateException("the plain consumer stopped");
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the plain consumer had not done " + sent + " quotes");
        }
        sleep(50);
      }
    }

    @Override
    public void close() throws Exception {
      peer.stop();
      thread.shutdown();
      thread.awaitTermination(1, TimeUnit.MINUTES);
      world.drop(stack, session);
    }
  }

  /**
   * The rounds' profiles: {@link #FLAME_GRAPH} from all of them, and per round each part's CPU per
   * quote of its burst of {@code quotes} ({@link JobCpu}), in microseconds.
   */
  private static List<Figure> profileFigures(
      Paired.Rounds rounds, List<Path> profiles, int quotes, BenchOptions options)
      throws Exception {
    double[] rates = rounds.of("job", "quotes/s");
    List<Figure> figures = new ArrayList<>();
    Map<JobCpu.Part, double[]> perQuote = new LinkedHashMap<>();
    double[] total = new double[profiles.size()];
    FlameGraph all = FlameGraph.parse(List.of());
    for (int i = 0; i < profiles.size(); i++) {
      FlameGraph profile = FlameGraph.read(profiles.get(i));
      if (profile.samples() == 0) {
        throw new IllegalStateException("the profiler wrote no samples to " + profiles.get(i));
      }
      all = all.plus(profile);
      double microsPerSample = SamplingProfiler.INTERVAL.toNanos() / 1000.0;
      int round = i;
      JobCpu.samples(profile)
          .forEach(
              (part, samples) ->
                  perQuote.computeIfAbsent(part, p -> new double[profiles.size()])[round] =
                      samples * microsPerSample / quotes);
      total[i] = profile.samples() * microsPerSample / quotes;
    }
    figures.add(Figure.raw("ingest.profile.cpu-per-quote", "us", total));
    perQuote.forEach(
        (part, micros) -> figures.add(Figure.raw("ingest.profile." + part.slug(), "us", micros)));
    Files.createDirectories(FLAME_GRAPH.getParent());
    Files.writeString(
        FLAME_GRAPH,
        all.svg(
            "The streaming job's CPU, sustained (bin/smack bench ingest --profile)",
            String.format(
                Locale.ROOT,
                "%s mode, %d bursts of %,d quotes to the warmed-up job, %,.0f quotes/s median;"
                    + " %,d samples of %d ms CPU; commit %s",
                options.mode().name().toLowerCase(Locale.ROOT),
                profiles.size(),
                quotes,
                Figure.raw("rate", "quotes/s", rates).median(),
                all.samples(),
                SamplingProfiler.INTERVAL.toMillis(),
                ReadmeFigures.commit())));
    LOG.info("flame graph of the job's sustained batches: {}", FLAME_GRAPH.toAbsolutePath());
    return figures;
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

  /**
   * Quotes {@code from} to {@code to} of {@link #SYMBOLS} symbols, 10 ms apart per symbol, sent as
   * fast as Kafka takes them.
   */
  private static void prefill(StackAddresses stack, String topic, int from, int to) {
    send(stack, topic, from, to, Duration.ZERO);
  }

  /**
   * Quotes {@code from} to {@code to} as {@link #prefill} makes them, spread evenly over {@code
   * over}: a steady stream of many small batches, as a deployed job warms up on.
   */
  private static void send(StackAddresses stack, String topic, int from, int to, Duration over) {
    Instant start = Instant.parse("2026-11-24T14:30:00Z");
    long began = System.nanoTime();
    double nanosEach = (double) over.toNanos() / Math.max(1, to - from);
    try (KafkaProducer<String, byte[]> producer = KafkaProducerBaseline.producer(stack)) {
      for (int i = from; i < to; i++) {
        long wait = began + (long) ((i - from) * nanosEach) - System.nanoTime();
        if (wait > 1_000_000) {
          LockSupport.parkNanos(wait); // not a spin: the job needs the machine's two cores
        }
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

    /** Drops the keyspace, deletes the topics. */
    void drop(StackAddresses stack, CqlSession session) throws Exception {
      CqlSchema.execute(session, "DROP KEYSPACE IF EXISTS " + keyspace);
      KafkaProducerBaseline.deleteTopic(stack, topic);
      KafkaProducerBaseline.deleteTopic(stack, deadLetters);
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
