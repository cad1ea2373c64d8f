package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.smack.bench.Wrk.Report;
import io.smack.common.CqlSchema;
import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.PortableModel;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access service under wrk, side by side with a bare Pekko HTTP server answering the very same
 * bytes (its baseline): {@code /quotes/{symbol}/latest} (with its cache, and without), a page of
 * 100 quotes, a one-day range of 1000, {@code /symbols}, a prediction and {@code /status}, each at
 * peak, in rounds whose order rotates; then each at about 70 % of its own peak rate, where its p99
 * latency is the figure to watch. Both servers run in JVMs of their own with the same heap, on the
 * same machine as wrk and Cassandra.
 */
final class AccessBenchmark implements Benchmark {

  private static final Logger LOG = LoggerFactory.getLogger(AccessBenchmark.class);
  static final String KEYSPACE = "bench_access";
  static final LocalDate DAY = LocalDate.of(2026, 11, 23);
  private static final int QUOTES_IN_DAY = 1000;
  private static final int SYMBOLS = 20;
  private static final int CONNECTIONS = 32;
  private static final String HEAP = "512m";

  @Override
  public String name() {
    return "access";
  }

  @Override
  public String description() {
    return "wrk on /quotes/{symbol}/latest and a one-day /quotes range vs a bare Pekko HTTP"
        + " endpoint with the same bytes; p99 at 70 % of peak";
  }

  /** An endpoint measured: its figures' name and its path on the service. */
  private record Measured(String name, String path) {}

  @Override
  public void run(StackAddresses stack, BenchOptions options, Consumer<Figure> out)
      throws Exception {
    Path work = Path.of("target", "bench", "access");
    Wrk wrk = Wrk.ready(work);
    writeTables(stack);
    Duration length = Duration.ofSeconds(options.pick(3, 5, 10));

    List<Measured> endpoints =
        List.of(
            new Measured("latest", "/quotes/AAPL/latest"),
            new Measured("page-100", "/quotes/AAPL?limit=100"),
            new Measured("range-1-day", "/quotes/AAPL?from=" + DAY + "&to=" + DAY.plusDays(1)),
            new Measured("symbols", "/symbols"),
            new Measured("prediction", "/predictions/AAPL"),
            new Measured("status", "/status"));
    // as configured (the latest quote kept 250 ms), and reading Cassandra on every request
    try (ServiceProcess service =
            startService(stack, Map.of(), work.resolve("access-service.log"));
        ServiceProcess uncached =
            startService(
                stack,
                Map.of("ACCESS_LATEST_CACHE_TTL", "0"),
                work.resolve("access-service-uncached.log"))) {
      uncached.awaitOk("/health/ready", Duration.ofSeconds(60));
      service.awaitOk("/health/ready", Duration.ofSeconds(60));
      // the bare server answers GET /N with the service's own answer to endpoint N
      List<String> bareArgs = new ArrayList<>();
      int barePort = ServiceProcess.freePort();
      bareArgs.add(String.valueOf(barePort));
      for (Measured endpoint : endpoints) {
        Path body = work.resolve(endpoint.name() + ".json");
        Files.write(body, body(service, endpoint.path()));
        bareArgs.add(body.toString());
        LOG.info("access: {} answers {} B", endpoint.path(), Files.size(body));
      }
      try (ServiceProcess bare =
          ServiceProcess.ofOwnClasspath(
              "bare-json-server",
              BareJsonServer.class.getName(),
              bareArgs,
              HEAP,
              barePort,
              work.resolve("bare.log"))) {
        bare.awaitOk("/1", Duration.ofSeconds(30));
        Paired trials = Paired.of(name());
        for (int i = 0; i < endpoints.size(); i++) {
          Measured endpoint = endpoints.get(i);
          String bareUrl = bare.url("/" + (i + 1));
          trials =
              trials
                  .trial(endpoint.name(), before -> peak(wrk, service.url(endpoint.path()), length))
                  .trial("bare-" + endpoint.name(), before -> peak(wrk, bareUrl, length));
        }
        Paired.Rounds rounds =
            trials
                .trial(
                    "latest-uncached",
                    before -> peak(wrk, uncached.url("/quotes/AAPL/latest"), length))
                .rounds(options.rounds())
                .run();
        List<double[]> errors = new ArrayList<>();
        for (Measured endpoint : endpoints) {
          String name = "access." + endpoint.name();
          compare(rounds, name, endpoint.name(), "bare-" + endpoint.name()).forEach(out);
          errors.add(rounds.of(endpoint.name(), "errors"));
          errors.add(rounds.of("bare-" + endpoint.name(), "errors"));
        }
        Figure bareLatest = rounds.raw("access.latest.bare", "req/s", "bare-latest", "req/s");
        out.accept(
            rounds.against(bareLatest, "access.latest.uncached", "latest-uncached", "req/s"));
        out.accept(rounds.raw("access.latest.uncached.p99", "ms", "latest-uncached", "p99"));
        errors.add(rounds.of("latest-uncached", "errors"));

        // each endpoint at about 70 % of its own peak, where its p99 is the figure to watch
        for (Measured endpoint : endpoints) {
          String name = "access." + endpoint.name();
          Figure peak = rounds.raw(name, "req/s", endpoint.name(), "req/s");
          Paired.Rounds at70 =
              at70PercentOf(wrk, service.url(endpoint.path()), peak, length, options);
          Figure offered =
              Figure.raw(name + ".at-70%.offered", "req/s", at70.of("at-70%", "target"));
          out.accept(offered);
          out.accept(at70.against(offered, name + ".at-70%", "at-70%", "req/s"));
          out.accept(at70.raw(name + ".at-70%.p50", "ms", "at-70%", "p50"));
          out.accept(at70.raw(name + ".at-70%.p99", "ms", "at-70%", "p99"));
          errors.add(at70.of("at-70%", "errors"));
        }
        // the most the service held over all its rounds (the kernel's high-water mark): what a
        // Marathon app's mem must allow
        out.accept(
            Figure.raw("access.peak-rss", "MiB", ProcessMemory.peakResidentMib(service.pid())));
        double failed = errors.stream().flatMapToDouble(Arrays::stream).sum();
        if (failed > 0) {
          throw new IllegalStateException(
              (long) failed
                  + " requests failed under load; see "
                  + work.resolve("access-service.log"));
        }
      }
    }
  }

  private static Map<String, Double> peak(Wrk wrk, String url, Duration length) throws Exception {
    return sample(wrk.peak(url, CONNECTIONS, length));
  }

  private static Map<String, Double> sample(Report report) {
    return Map.of(
        "req/s",
        report.requestsPerSecond(),
        "p50",
        report.p50(),
        "p99",
        report.p99(),
        "errors",
        (double) report.errors());
  }

  /**
   * An endpoint offered about 70 % of its median peak rate, in timed rounds. wrk has no rate
   * option, so each of about 100 connections waits a fixed time before each request (about 100 /
   * target seconds, in whole milliseconds as wrk takes it), and the number of connections is tuned
   * in short runs until the achieved rate is within 5 % of the target (the wait plus the latency is
   * one connection's cycle); the tuning runs are the rounds' warm-up.
   */
  private static Paired.Rounds at70PercentOf(
      Wrk wrk, String url, Figure peak, Duration length, BenchOptions options) throws Exception {
    double target = 0.7 * peak.median();
    int waitMillis = (int) Math.max(1, Math.round(100_000 / target));
    int connections = (int) Math.max(8, Math.round(target * waitMillis / 1000));
    for (int attempt = 0; attempt < 5; attempt++) {
      Report trial = wrk.throttled(url, connections, waitMillis, Duration.ofSeconds(3));
      double ratio = trial.requestsPerSecond() / target;
      if (Math.abs(ratio - 1) < 0.05) {
        break;
      }
      connections = (int) Math.max(8, Math.min(400, Math.round(connections / ratio)));
    }
    int tuned = connections;
    LOG.info("access: at-70%: {} connections waiting {} ms each", tuned, waitMillis);
    return Paired.of("access at-70% " + url)
        .trial(
            "at-70%",
            before -> {
              Map<String, Double> sample =
                  new HashMap<>(sample(wrk.throttled(url, tuned, waitMillis, length)));
              sample.put("target", target);
              return sample;
            })
        .warmUps(0)
        .rounds(options.rounds())
        .run();
  }

  /** The service's rate and latencies against the bare server's, round by round. */
  private static List<Figure> compare(
      Paired.Rounds rounds, String name, String service, String bare) {
    Figure bareRate = rounds.raw(name + ".bare", "req/s", bare, "req/s");
    Figure bareP99 = rounds.raw(name + ".bare.p99", "ms", bare, "p99");
    return List.of(
        bareRate,
        rounds.against(bareRate, name, service, "req/s"),
        rounds.raw(name + ".bare.p50", "ms", bare, "p50"),
        rounds.raw(name + ".p50", "ms", service, "p50"),
        bareP99,
        rounds.against(bareP99, name + ".p99", service, "p99"));
  }

  private static ServiceProcess startService(
      StackAddresses stack, Map<String, String> settings, Path log) throws IOException {
    Map<String, String> env = new HashMap<>(stack.environment());
    env.put("CASSANDRA_KEYSPACE", KEYSPACE);
    env.putAll(settings);
    // the same heap as the bare server's: ModuleProcess starts a service with 512 MiB
    return ServiceProcess.accessService(env, ServiceProcess.freePort(), log);
  }

  private static byte[] body(ServiceProcess service, String path)
      throws IOException, InterruptedException {
    var response = service.get(path);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          path + " answered " + response.statusCode() + ": " + new String(response.body()));
    }
    return response.body();
  }

  /**
   * What the endpoints read, as the pipeline writes it: one day of AAPL, 1000 quotes 86 s apart,
   * with their one-minute bars (the series predictions are made from), its day index and latest
   * quote; {@value #SYMBOLS} symbols with a latest quote each; a served model of AAPL; and a day of
   * the streaming job's batches, for {@code /status}.
   */
  static void writeTables(StackAddresses stack) {
    try (CqlSession session = CassandraWriteBaseline.session(stack)) {
      CqlSchema.apply(session, KEYSPACE, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      PreparedStatement quote =
          session.prepare(
              "INSERT INTO "
                  + KEYSPACE
                  + ".quotes_by_day (symbol, day, ts, price, volume, source)"
                  + " VALUES ('AAPL', ?, ?, ?, ?, 'bench')");
      // a quote's bar: each quote 86 s from the last is alone in its minute
      PreparedStatement bar =
          session.prepare(
              "INSERT INTO "
                  + KEYSPACE
                  + ".bars_1m (symbol, day, minute, open, high, low, close, volume, quotes,"
                  + " close_ts) VALUES ('AAPL', ?, ?, ?, ?, ?, ?, ?, 1, ?)");
      Instant start = DAY.atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant last = start;
      double price = 190;
      for (int i = 0; i < QUOTES_IN_DAY; i++) {
        last = start.plusSeconds(86L * i);
        price += Math.sin(i / 7.0) * 0.05;
        session.execute(quote.bind(DAY, last, price, 100L + i));
        session.execute(
            bar.bind(
                DAY,
                last.truncatedTo(ChronoUnit.MINUTES),
                price,
                price,
                price,
                price,
                100L + i,
                last));
      }
      session.execute(
          session
              .prepare("INSERT INTO " + KEYSPACE + ".quote_days (symbol, day) VALUES ('AAPL', ?)")
              .bind(DAY));
      PreparedStatement symbol =
          session.prepare("INSERT INTO " + KEYSPACE + ".symbols (bucket, symbol) VALUES (0, ?)");
      PreparedStatement latest =
          session.prepare(
              "INSERT INTO "
                  + KEYSPACE
                  + ".latest_quote (symbol, ts, price, volume, source)"
                  + " VALUES (?, ?, ?, ?, 'bench')");
      for (int i = 0; i < SYMBOLS; i++) {
        String name = i == 0 ? "AAPL" : String.format("S%03d", i);
        session.execute(symbol.bind(name));
        session.execute(latest.bind(name, last, i == 0 ? price : 100.0 + i, 1099L));
      }
      PortableModel model =
          new PortableModel.Linear(
              PortableModel.NEXT_LOG_RETURN,
              ForecastFeatures.NAMES,
              Collections.nCopies(ForecastFeatures.NAMES.size(), 0.0),
              Collections.nCopies(ForecastFeatures.NAMES.size(), 1.0),
              Collections.nCopies(ForecastFeatures.NAMES.size(), 0.01),
              0.0);
      session.execute(
          session
              .prepare(
                  "INSERT INTO "
                      + KEYSPACE
                      + ".models (symbol, version, kind, model, features, metrics, trained_at,"
                      + " promoted) VALUES ('AAPL', 1, ?, ?, ?, ?, ?, true)")
              .bind(
                  model.kind(),
                  model.toJson(),
                  model.features(),
                  Map.of("rmse", 1.0, "baseline_rmse", 1.1),
                  last));
      session.execute(
          session
              .prepare(
                  "INSERT INTO "
                      + KEYSPACE
                      + ".served_models (symbol, version, promoted_at) VALUES ('AAPL', 1, ?)")
              .bind(last));
      // a batch every 250 ms over the last 5 minutes, of each query, as /status reads them
      PreparedStatement batch =
          session.prepare(
              "INSERT INTO "
                  + KEYSPACE
                  + ".ingest_batches (query, day, batch_id, at, input_rows, quotes, rejected, late,"
                  + " bars, backfilled, duration_ms, offsets_behind) VALUES (?, ?, ?, ?, 50, 50, 0,"
                  + " 0, 5, 0, 40, 0) USING TTL 86400");
      Instant now = Instant.now();
      for (String query : List.of("ingest", "ingest-bars")) {
        for (int i = 0; i < 1200; i++) {
          Instant at = now.minusMillis(250L * i);
          session.execute(
              batch.bind(query, LocalDate.ofInstant(at, ZoneOffset.UTC), 10_000L - i, at));
        }
      }
    }
  }
}
