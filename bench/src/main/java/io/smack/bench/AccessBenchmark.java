package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.smack.bench.Wrk.Report;
import io.smack.common.CqlSchema;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access service under wrk, side by side with a bare Pekko HTTP server answering the very same
 * bytes (its baseline): {@code /quotes/{symbol}/latest} and a one-day {@code /quotes} range of 1000
 * quotes, each at peak (the rounds interleaved, medians kept), then {@code /latest} at about 70 %
 * of its peak rate, where its p99 latency is the figure to watch. Both servers run in JVMs of their
 * own with the same heap, on the same machine as wrk and Cassandra.
 */
final class AccessBenchmark implements Benchmark {

  private static final Logger LOG = LoggerFactory.getLogger(AccessBenchmark.class);
  private static final String KEYSPACE = "bench_access";
  private static final LocalDate DAY = LocalDate.of(2026, 11, 23);
  private static final int QUOTES_IN_DAY = 1000;
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

  @Override
  public List<Figure> run(StackAddresses stack, BenchOptions options) throws Exception {
    Path work = Path.of("target", "bench", "access");
    Wrk wrk = Wrk.ready(work);
    writeDay(stack);
    Duration length = Duration.ofSeconds(options.pick(3, 5, 10));
    int rounds = options.pick(1, 2, 3);

    String range = "/quotes/AAPL?from=" + DAY + "&to=" + DAY.plusDays(1);
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
      Path latestBody = work.resolve("latest.json");
      Path rangeBody = work.resolve("range.json");
      Files.write(latestBody, body(service, "/quotes/AAPL/latest"));
      Files.write(rangeBody, body(service, range));
      int barePort = ServiceProcess.freePort();
      try (ServiceProcess bare =
          ServiceProcess.start(
              List.of(System.getProperty("java.class.path")),
              List.of(
                  BareJsonServer.class.getName(),
                  String.valueOf(barePort),
                  latestBody.toString(),
                  rangeBody.toString()),
              HEAP,
              Map.of(),
              barePort,
              work.resolve("bare.log"))) {
        bare.awaitOk("/1", Duration.ofSeconds(30));
        LOG.info(
            "access: bodies {} B (latest) and {} B (one-day range); warming up",
            Files.size(latestBody),
            Files.size(rangeBody));
        for (String url :
            List.of(
                bare.url("/1"),
                service.url("/quotes/AAPL/latest"),
                uncached.url("/quotes/AAPL/latest"),
                bare.url("/2"),
                service.url(range))) {
          wrk.peak(url, CONNECTIONS, length);
        }
        List<Report> bareSmall = new ArrayList<>();
        List<Report> latest = new ArrayList<>();
        List<Report> latestUncached = new ArrayList<>();
        List<Report> bareLarge = new ArrayList<>();
        List<Report> ranges = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          bareSmall.add(wrk.peak(bare.url("/1"), CONNECTIONS, length));
          latest.add(wrk.peak(service.url("/quotes/AAPL/latest"), CONNECTIONS, length));
          latestUncached.add(wrk.peak(uncached.url("/quotes/AAPL/latest"), CONNECTIONS, length));
          bareLarge.add(wrk.peak(bare.url("/2"), CONNECTIONS, length));
          ranges.add(wrk.peak(service.url(range), CONNECTIONS, length));
        }
        Report latestPeak = median(latest);
        Report at70 = at70PercentOf(wrk, service.url("/quotes/AAPL/latest"), latestPeak, length);
        List<Figure> figures = new ArrayList<>();
        figures.addAll(compare("access.latest", median(bareSmall), latestPeak));
        Report uncachedPeak = median(latestUncached);
        figures.add(
            Figure.against(
                figures.get(0), // access.latest.bare
                "access.latest.uncached",
                uncachedPeak.requestsPerSecond()));
        figures.add(Figure.raw("access.latest.uncached.p99", uncachedPeak.p99(), "ms"));
        figures.addAll(compare("access.range-1-day", median(bareLarge), median(ranges)));
        Figure peakRate = Figure.raw("access.latest.peak", latestPeak.requestsPerSecond(), "req/s");
        figures.add(Figure.against(peakRate, "access.latest.at-70%", at70.requestsPerSecond()));
        figures.add(Figure.raw("access.latest.at-70%.p50", at70.p50(), "ms"));
        figures.add(Figure.raw("access.latest.at-70%.p99", at70.p99(), "ms"));
        long errors =
            Stream.of(bareSmall, latest, latestUncached, bareLarge, ranges, List.of(at70))
                .flatMap(List::stream)
                .mapToLong(Report::errors)
                .sum();
        if (errors > 0) {
          throw new IllegalStateException(
              errors + " requests failed under load; see " + work.resolve("access-service.log"));
        }
        return figures;
      }
    }
  }

  /**
   * /latest offered about 70 % of its peak rate. wrk has no rate option, so each of about 100
   * connections waits a fixed time before each request (about 100 / target seconds, in whole
   * milliseconds as wrk takes it), and the number of connections is tuned in short runs until the
   * achieved rate is within 5 % of the target (the wait plus the latency is one connection's
   * cycle), then measured.
   */
  private static Report at70PercentOf(Wrk wrk, String url, Report peak, Duration length)
      throws IOException, InterruptedException {
    double target = 0.7 * peak.requestsPerSecond();
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
    Report report = wrk.throttled(url, connections, waitMillis, length.multipliedBy(2));
    LOG.info(
        "access: at-70%: {} connections waiting {} ms → {} req/s ({} of peak)",
        connections,
        waitMillis,
        Math.round(report.requestsPerSecond()),
        String.format("%.2f", report.requestsPerSecond() / peak.requestsPerSecond()));
    return report;
  }

  private static List<Figure> compare(String name, Report bare, Report service) {
    Figure bareRate = Figure.raw(name + ".bare", bare.requestsPerSecond(), "req/s");
    Figure bareP99 = Figure.raw(name + ".bare.p99", bare.p99(), "ms");
    return List.of(
        bareRate,
        Figure.against(bareRate, name, service.requestsPerSecond()),
        Figure.raw(name + ".bare.p50", bare.p50(), "ms"),
        Figure.raw(name + ".p50", service.p50(), "ms"),
        bareP99,
        Figure.against(bareP99, name + ".p99", service.p99()));
  }

  private static ServiceProcess startService(
      StackAddresses stack, Map<String, String> settings, Path log) throws IOException {
    Map<String, String> env = new HashMap<>(stack.environment());
    env.put("CASSANDRA_KEYSPACE", KEYSPACE);
    int port = ServiceProcess.freePort();
    env.put("HTTP_PORT", String.valueOf(port));
    env.putAll(settings);
    return ServiceProcess.start(
        ServiceProcess.moduleClasspath("access-service", "access.classpath"),
        List.of("io.smack.access.AccessMain"),
        HEAP,
        env,
        port,
        log);
  }

  /** The round with the median rate. */
  private static Report median(List<Report> reports) {
    List<Report> sorted =
        reports.stream().sorted(Comparator.comparingDouble(Report::requestsPerSecond)).toList();
    return sorted.get(sorted.size() / 2);
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

  /** One day of AAPL, 1000 quotes 86 s apart, with its day index and latest quote. */
  private static void writeDay(StackAddresses stack) {
    try (CqlSession session = CassandraWriteBaseline.session(stack)) {
      CqlSchema.apply(session, KEYSPACE, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      PreparedStatement quote =
          session.prepare(
              "INSERT INTO "
                  + KEYSPACE
                  + ".quotes_by_day (symbol, day, ts, price, volume, source)"
                  + " VALUES ('AAPL', ?, ?, ?, ?, 'bench')");
      Instant start = DAY.atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant last = start;
      double price = 190;
      for (int i = 0; i < QUOTES_IN_DAY; i++) {
        last = start.plusSeconds(86L * i);
        price += Math.sin(i / 7.0) * 0.05;
        session.execute(quote.bind(DAY, last, price, 100L + i));
      }
      session.execute(
          session
              .prepare("INSERT INTO " + KEYSPACE + ".quote_days (symbol, day) VALUES ('AAPL', ?)")
              .bind(DAY));
      session.execute(
          session
              .prepare(
                  "INSERT INTO "
                      + KEYSPACE
                      + ".latest_quote (symbol, ts, price, volume, source)"
                      + " VALUES ('AAPL', ?, ?, ?, 'bench')")
              .bind(last, price, 1099L));
    }
  }
}
