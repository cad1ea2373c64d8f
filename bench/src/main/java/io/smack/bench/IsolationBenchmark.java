package io.smack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smack.common.AccessServices;
import io.smack.deploy.containers.App;
import io.smack.deploy.containers.ContainerGroup;
import io.smack.deploy.containers.Engine;
import io.smack.deploy.containers.LocalSite;
import io.smack.deploy.containers.MarathonApps;
import io.smack.localstack.Haproxy;
import io.smack.localstack.Ports;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the split of the access services buys: a burst of one-day ranges through the balancer while
 * {@code /quotes/{symbol}/latest} is asked at a steady pace through it too, its p99 the figure to
 * watch. The subject is the split as deployed: {@code access-latest} and {@code access-series} from
 * their deploy files, as containers of the image with each file's {@code cpus} as its CPU limit,
 * behind a real HAProxy routing by path. The baseline is one service of the same image serving
 * every view with the two files' cpus together as its limit, behind the same HAProxy: the same
 * work, the same cores. Rounds alternate the two.
 *
 * <p>Run on request ({@code bin/smack bench access-isolation}): it needs the images ({@code
 * bin/smack images}, which {@code bin/smack bench} runs first when this benchmark is named).
 */
final class IsolationBenchmark implements Benchmark {

  private static final Logger LOG = LoggerFactory.getLogger(IsolationBenchmark.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The burst: as many one-day ranges as these connections can ask. */
  private static final int BURST_CONNECTIONS = 16;

  /** The probe: four connections, each asking /latest every 20 ms (~200 requests/s). */
  private static final int PROBE_CONNECTIONS = 4;

  private static final int PROBE_WAIT_MILLIS = 20;

  @Override
  public String name() {
    return "access-isolation";
  }

  @Override
  public String description() {
    return "/latest's p99 through the balancer during a burst of one-day ranges: the split"
        + " services (access-latest, access-series, each with its cpus as a container CPU limit)"
        + " vs one service with the same cpus";
  }

  @Override
  public void run(StackAddresses stack, BenchOptions options, Consumer<Figure> out)
      throws Exception {
    Path root = Path.of("").toAbsolutePath();
    Path work = root.resolve("target/bench/access-isolation");
    Files.createDirectories(work);
    Wrk wrk = Wrk.ready(work);
    AccessBenchmark.writeTables(stack);
    Duration length = Duration.ofSeconds(options.pick(5, 10, 20));
    Engine engine = Engine.detect(root);
    LocalSite site = LocalSite.of(stack, "", work.resolve("checkpoints"), Ports::free);

    ObjectNode latest = app(root, "access-latest");
    ObjectNode series = app(root, "access-series");
    ObjectNode single = app(root, "access-series");
    single.put("id", "/smack/access-single");
    single.put("cpus", latest.get("cpus").asDouble() + series.get("cpus").asDouble());
    ((ObjectNode) single.get("env")).put("ACCESS_VIEWS", "all");
    ((ObjectNode) single.get("env")).put("HTTP_PORT", "8087");
    ((ObjectNode) single.get("container").get("portMappings").get(0)).put("containerPort", 8087);
    LOG.info(
        "access-isolation: split {} + {} cpus, single {} cpus",
        latest.get("cpus"),
        series.get("cpus"),
        single.get("cpus"));

    try (ContainerGroup group =
        new ContainerGroup(engine, work, "bench-" + ProcessHandle.current().pid())) {
      App latestApp = read(latest, site, engine);
      App seriesApp = read(series, site, engine);
      App singleApp = read(single, site, engine);
      group.deploy(List.of(latestApp, seriesApp, singleApp), Duration.ofMinutes(5));
      AccessServices.Service latestService = AccessServices.named("access-latest").orElseThrow();
      try (Haproxy split =
              Haproxy.routing(
                  work.resolve("haproxy-split"),
                  Ports.free(),
                  List.of(
                      new Haproxy.Backend(
                          "access-latest", latestService.route(), servers(latestApp)),
                      new Haproxy.Backend("access-series", Optional.empty(), servers(seriesApp))));
          Haproxy one =
              Haproxy.routing(
                  work.resolve("haproxy-single"),
                  Ports.free(),
                  List.of(Haproxy.Backend.only("access-single", servers(singleApp))))) {
        String latestPath = "/quotes/AAPL/latest";
        String rangePath =
            "/quotes/AAPL?from=" + AccessBenchmark.DAY + "&to=" + AccessBenchmark.DAY.plusDays(1);
        awaitServed(split.url() + latestPath, split.url() + rangePath);
        awaitServed(one.url() + latestPath, one.url() + rangePath);
        Paired.Rounds rounds =
            Paired.of(name())
                .trial(
                    "split", before -> underBurst(wrk, split.url(), latestPath, rangePath, length))
                .trial(
                    "single", before -> underBurst(wrk, one.url(), latestPath, rangePath, length))
                .trial("split-quiet", before -> quiet(wrk, split.url() + latestPath, length))
                .trial("single-quiet", before -> quiet(wrk, one.url() + latestPath, length))
                .rounds(options.rounds())
                .run();
        Figure singleP99 =
            rounds.raw("access-isolation.single.latest-p99", "ms", "single", "latest-p99");
        out.accept(singleP99);
        out.accept(
            rounds.against(singleP99, "access-isolation.split.latest-p99", "split", "latest-p99"));
        Figure singleBurst =
            rounds.raw("access-isolation.single.burst", "req/s", "single", "burst-req/s");
        out.accept(singleBurst);
        out.accept(
            rounds.against(singleBurst, "access-isolation.split.burst", "split", "burst-req/s"));
        out.accept(rounds.raw("access-isolation.single.latest", "req/s", "single", "latest-req/s"));
        out.accept(rounds.raw("access-isolation.split.latest", "req/s", "split", "latest-req/s"));
        Figure singleQuiet =
            rounds.raw("access-isolation.single.quiet-p99", "ms", "single-quiet", "latest-p99");
        out.accept(singleQuiet);
        out.accept(
            rounds.against(
                singleQuiet, "access-isolation.split.quiet-p99", "split-quiet", "latest-p99"));
        for (String trial : List.of("split", "single", "split-quiet", "single-quiet")) {
          for (double errors : rounds.of(trial, "errors")) {
            if (errors > 0) {
              throw new IllegalStateException(
                  trial + ": " + (long) errors + " requests failed; read the logs in " + work);
            }
          }
        }
      }
    }
  }

  /** The burst on the ranges and the probe on /latest at once, through {@code entry}. */
  private static Map<String, Double> underBurst(
      Wrk wrk, String entry, String latestPath, String rangePath, Duration length)
      throws Exception {
    CompletableFuture<Wrk.Report> burst =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return wrk.peak(entry + rangePath, BURST_CONNECTIONS, length);
              } catch (Exception e) {
                throw new IllegalStateException("the burst's wrk failed", e);
              }
            });
    Wrk.Report probe =
        wrk.throttled(entry + latestPath, PROBE_CONNECTIONS, PROBE_WAIT_MILLIS, length);
    Wrk.Report ranges = burst.join();
    Map<String, Double> sample = new HashMap<>();
    sample.put("latest-p99", probe.p99());
    sample.put("latest-req/s", probe.requestsPerSecond());
    sample.put("burst-req/s", ranges.requestsPerSecond());
    sample.put("errors", (double) (probe.errors() + ranges.errors()));
    return sample;
  }

  /** The probe alone: /latest's p99 with nothing else asked. */
  private static Map<String, Double> quiet(Wrk wrk, String url, Duration length) throws Exception {
    Wrk.Report probe = wrk.throttled(url, PROBE_CONNECTIONS, PROBE_WAIT_MILLIS, length);
    return Map.of("latest-p99", probe.p99(), "errors", (double) probe.errors());
  }

  /** The deploy file of {@code name}, without the dependencies outside this benchmark. */
  private static ObjectNode app(Path root, String name) throws IOException {
    ObjectNode app =
        (ObjectNode) JSON.readTree(root.resolve("deploy/marathon/" + name + ".json").toFile());
    app.remove("dependencies");
    ((ObjectNode) app.get("env")).put("CASSANDRA_KEYSPACE", AccessBenchmark.KEYSPACE);
    return app;
  }

  private static App read(JsonNode definition, LocalSite site, Engine engine) {
    App app =
        MarathonApps.read(
            definition,
            Path.of("deploy/marathon/" + definition.get("id").asText().substring(7) + ".json"),
            site);
    String image = app.instances().get(0).image();
    if (!engine.hasImage(image)) {
      throw new IllegalStateException("the image " + image + " is not built: run bin/smack images");
    }
    String keyspace = app.instances().get(0).env().get("CASSANDRA_KEYSPACE");
    if (!AccessBenchmark.KEYSPACE.equals(keyspace)) {
      throw new IllegalStateException(app.id() + " reads the keyspace " + keyspace);
    }
    return app;
  }

  private static List<InetSocketAddress> servers(App app) {
    return List.of(InetSocketAddress.createUnresolved(LocalSite.HOST, app.ports().get(0)));
  }

  private static int status(String url) throws InterruptedException {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException notYet) {
      return -1;
    }
  }

  private static void awaitServed(String... urls) throws InterruptedException {
    for (String url : urls) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (status(url) != 200) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(url + " does not answer 200 through the balancer");
        }
        Thread.sleep(500);
      }
    }
  }
}
