package io.smack.deploy.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smack.localstack.Await;
import io.smack.localstack.LauncherProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deploy files, run: the images built from the working tree by {@code bin/smack images}, the
 * {@code /smack} group started from {@code deploy/marathon/*.json} and the training job from {@code
 * deploy/chronos/model-training.json}, as containers on a local stack of the test's own; simulated
 * quotes from the collector's container reach the access service's, the training container serves a
 * model, the streaming container scores bars with it; every stop a SIGTERM within the app's grace,
 * every quote the collector sent stored once; a broken setting restarted as Marathon would.
 */
class ContainersIT {

  private static final Logger LOG = LoggerFactory.getLogger(ContainersIT.class);
  private static final Path WORK = Path.of("target", "containers").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<String> SYMBOLS = List.of("AAPL", "AMZN", "GOOG", "IBM", "MSFT");

  @Test
  void should_run_the_pipeline_from_its_deploy_files_as_containers() throws Exception {
    // given a folder of the test's own, empty (no stored quote of an earlier run), and the images
    // of the working tree
    deleteTree(WORK);
    long launched = System.nanoTime();
    buildImages();
    ContainerGroup group;
    Engine engine;
    try (LauncherProcess stack = LauncherProcess.start(WORK.resolve("stack"));
        ContainerPipeline pipeline =
            ContainerPipeline.start(
                Descriptors.ROOT, stack.addresses(), WORK, Duration.ofMinutes(8))) {
      group = pipeline.group();
      engine = group.engine();
      LOG.info("group healthy and ready {} s after the launch", seconds(launched));
      // the API through its one entry point, each view served by its own access service
      String api = pipeline.entryPoint();

      // then every process runs as its image's user, none as root
      for (String name : running(pipeline)) {
        assertThat(engine.exec(name, "id", "-u")).as(name).isNotEqualTo("0").matches("\\d+");
      }
      // and the collector's quotes reach the access service's API
      Await.until(
          () -> symbols(api) == SYMBOLS.size(), Duration.ofMinutes(3), Duration.ofSeconds(2));
      LOG.info("every symbol's quotes served {} s after the launch", seconds(launched));
      // each access service serves its own views only: the newest quote through the entry point,
      // and a range asked of access-latest's own container is another service's
      assertThat(status(api + "/quotes/AAPL/latest")).isEqualTo(200);
      String latestOwn = "http://127.0.0.1:" + pipeline.app("access-latest").ports().get(0);
      assertThat(status(latestOwn + "/quotes/AAPL/latest")).isEqualTo(200);
      assertThat(status(latestOwn + "/quotes/AAPL?limit=1")).isEqualTo(404);

      // when the streaming job is stopped (SIGTERM) and started again mid-stream
      ContainerGroup.Stopped ingestStop = group.restart("smack-ingest-streaming-1");
      assertThat(ingestStop.withinGrace()).as(ingestStop.toString()).isTrue();
      Await.until(
          () -> group.healthy("smack-ingest-streaming-1"),
          Duration.ofMinutes(3),
          Duration.ofSeconds(1));

      // and, once the streaming job has written every symbol's bars (the series the training
      // reads: a busy machine takes a minute or more for the first), the Chronos job runs, its
      // container trains and serves a model per symbol
      Await.until(
          () -> SYMBOLS.stream().allMatch(symbol -> hasBars(api, symbol)),
          Duration.ofMinutes(5),
          Duration.ofSeconds(2));
      int exit = group.run(trainingOfTwoFamilies(pipeline.site()), Duration.ofMinutes(15));
      assertThat(exit).as("the training container's exit; %s", group.events()).isZero();
      LOG.info("training done {} s after the launch", seconds(launched));
      assertThat(get(api + "/models/AAPL").path("served").asInt()).isPositive();

      // then the streaming container scores the next finished bars with it
      Await.until(() -> scored(api, "AAPL") > 0, Duration.ofMinutes(4), Duration.ofSeconds(5));
      assertThat(status(api + "/predictions/AAPL")).isEqualTo(200);
      LOG.info("first scored bar served {} s after the launch", seconds(launched));

      // when a streaming job with a wrong Cassandra address is deployed beside it
      App broken = brokenIngest(pipeline.site());
      assertThatThrownBy(() -> group.deploy(List.of(broken), Duration.ofSeconds(75)))
          .hasMessageContaining("/smack/ingest-broken is not healthy and ready");
      // then it is started again with Marathon's backoff, and the line says why
      assertThat(group.events())
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("smack-ingest-broken-1 exited with 1")
                      .contains("127.0.0.1:1")
                      .contains("started again in 10 s, as Marathon would"));
      group.stop("smack-ingest-broken-1");

      // when the Chronos job is run on the Mesos master its file names (the image has no
      // spark-mesos: docker/README.md)
      ChronosJobs.Job onMesos = trainingOnItsOwnMaster(pipeline.site());
      int mesosExit = group.run(onMesos, Duration.ofMinutes(3));
      // then each run fails with the line that says why, and Chronos's retries are spent
      assertThat(mesosExit).isEqualTo(1);
      assertThat(group.events())
          .filteredOn(
              line -> line.contains("smack-model-training-run-") && line.contains("exited with 1"))
          .hasSize(onMesos.retries() + 1);
      assertThat(WORK.resolve("logs/smack-model-training-run-3.log"))
          .content()
          .contains(
              "spark-job: SPARK_MASTER is a Mesos master, but this image has no spark-mesos jar");

      // when the training job cannot reach Cassandra
      Map<String, String> nowhere = new HashMap<>(pipeline.site().replaced());
      nowhere.put("CASSANDRA_CONTACT_POINTS", "127.0.0.1:1");
      LocalSite unreachable =
          new LocalSite(
              nowhere,
              pipeline.site().added(),
              pipeline.site().sparkMaster(),
              pipeline.site().checkpoints(),
              pipeline.site().freePorts());
      ObjectNode once = Descriptors.chronos("model-training").put("retries", 0);
      int unreachableExit =
          group.run(
              ChronosJobs.read(once, Descriptors.file("chronos", "model-training"), unreachable),
              Duration.ofMinutes(5));
      // then it exits 2, as its documentation tells Chronos
      assertThat(unreachableExit).as("%s", group.events()).isEqualTo(2);

      // when the training job is given less memory than its driver needs
      ObjectNode small = Descriptors.chronos("model-training").put("mem", 256).put("retries", 0);
      int smallExit =
          group.run(
              ChronosJobs.read(
                  small, Descriptors.file("chronos", "model-training"), pipeline.site()),
              Duration.ofMinutes(5));
      // then the kernel kills it at its limit, and the line says so
      assertThat(smallExit).isEqualTo(137);
      assertThat(group.events())
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("smack-model-training-run-1 was killed (exit 137")
                      .contains("256 MB"));

      // when the collector is stopped
      Map<String, Long> peaks = memoryPeaks(pipeline, engine);
      ContainerGroup.Stopped collectorStop = group.stop("smack-collector-1");
      assertThat(collectorStop.withinGrace()).as(collectorStop.toString()).isTrue();

      // then every quote it sent (acknowledged by Kafka) is stored, once
      long sent = sent(WORK.resolve("logs/smack-collector-1.log"));
      assertThat(sent).isGreaterThan(SYMBOLS.size() * 120L);
      Await.until(() -> stored(api) == sent, Duration.ofMinutes(3), Duration.ofSeconds(3));
      LOG.info("collector sent {} quotes, {} stored; memory peaks {}", sent, stored(api), peaks);
      for (App app : pipeline.apps()) {
        for (ContainerSpec instance : app.instances()) {
          if (peaks.containsKey(instance.name())) {
            assertThat(peaks.get(instance.name()))
                .as(instance.name() + " peak, bytes")
                .isLessThan(instance.memoryMb() * 1024L * 1024L);
          }
        }
      }
    }

    // then every container stopped within its grace period and none is left
    assertThat(group.stopped()).isNotEmpty();
    assertThat(group.stopped())
        .allSatisfy(s -> assertThat(s.withinGrace()).as(s.toString()).isTrue());
    assertThat(engine.labelled("io.smack.app", "/smack/collector")).isEmpty();
    LOG.info("stops: {}", group.stopped());
  }

  /** The streaming job's app, renamed, pointed at a Cassandra that is not there. */
  private static App brokenIngest(LocalSite site) throws IOException {
    ObjectNode definition = Descriptors.marathon("ingest-streaming");
    definition.put("id", "/smack/ingest-broken");
    Map<String, String> replaced = new HashMap<>(site.replaced());
    replaced.put("CASSANDRA_CONTACT_POINTS", "127.0.0.1:1");
    Path checkpoints = Files.createDirectories(WORK.resolve("broken-checkpoints"));
    LocalSite wrong =
        new LocalSite(replaced, site.added(), site.sparkMaster(), checkpoints, site.freePorts());
    return MarathonApps.read(definition, Descriptors.file("marathon", "ingest-streaming"), wrong);
  }

  /**
   * The training job as its file says, but for two model families (the linear regression and drift)
   * where the file trains every family: this test's subject is the job's container running and
   * serving a model the streaming container scores with; which family wins is TrainingIT's and the
   * walk-forward evidence's. On Spark's standalone master in containers, every family on five
   * symbols' two hours of bars took 7.5 of this test's 12.7 minutes.
   */
  private static ChronosJobs.Job trainingOfTwoFamilies(LocalSite site) {
    ObjectNode job = Descriptors.chronos("model-training");
    ((ArrayNode) job.get("environmentVariables"))
        .addObject()
        .put("name", "TRAINING_FAMILIES")
        .put("value", "linear_regression,drift");
    // one walk-forward fold, not three: this test shows the container trains and serves a model;
    // the folds' evidence is the training module's (TrainingIT), and three took 5 min here
    ((ArrayNode) job.get("environmentVariables"))
        .addObject()
        .put("name", "TRAINING_FOLDS")
        .put("value", "1");
    return ChronosJobs.read(job, Descriptors.file("chronos", "model-training"), site);
  }

  /** The training job as its file says, its Mesos master too. */
  private static ChronosJobs.Job trainingOnItsOwnMaster(LocalSite site) {
    Map<String, String> replaced = new HashMap<>(site.replaced());
    replaced.remove("SPARK_MASTER");
    LocalSite mesos =
        new LocalSite(
            replaced, site.added(), site.sparkMaster(), site.checkpoints(), site.freePorts());
    return ChronosJobs.read(
        Descriptors.chronos("model-training"),
        Descriptors.file("chronos", "model-training"),
        mesos);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private static void buildImages() throws IOException, InterruptedException {
    Path log = WORK.resolve("images.log");
    Files.createDirectories(WORK);
    Process images =
        new ProcessBuilder(Descriptors.ROOT.resolve("bin/smack").toString(), "images", "--no-build")
            .directory(Descriptors.ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    images.getOutputStream().close();
    int exit = images.waitFor();
    String output = Files.readString(log);
    LOG.info("bin/smack images --no-build:\n{}", output);
    assertThat(exit).as(output).isZero();
  }

  private static List<String> running(ContainerPipeline pipeline) {
    List<String> names = new ArrayList<>(List.of("smack-spark-master", "smack-spark-worker-1"));
    pipeline.apps().forEach(app -> app.instances().forEach(i -> names.add(i.name())));
    return names;
  }

  private static Map<String, Long> memoryPeaks(ContainerPipeline pipeline, Engine engine) {
    Map<String, Long> peaks = new HashMap<>();
    pipeline
        .apps()
        .forEach(
            app -> app.instances().forEach(i -> peaks.put(i.name(), engine.memoryPeak(i.name()))));
    return peaks;
  }

  private static long sent(Path collectorLog) throws IOException {
    Matcher m =
        Pattern.compile("finished: sent (\\d+), rejected")
            .matcher(Files.readString(collectorLog, StandardCharsets.UTF_8));
    long sent = 0;
    while (m.find()) {
      sent += Long.parseLong(m.group(1));
    }
    return sent;
  }

  /** Every stored quote of every symbol, read page by page through the API. */
  private static long stored(String api) {
    long count = 0;
    for (String symbol : SYMBOLS) {
      String cursor = null;
      do {
        JsonNode page =
            get(
                api
                    + "/quotes/"
                    + symbol
                    + "?limit=10000"
                    + (cursor == null ? "" : "&cursor=" + cursor));
        count += page.path("quotes").size();
        cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
      } while (cursor != null);
    }
    return count;
  }

  private static int symbols(String api) {
    return status(api + "/symbols") == 200 ? get(api + "/symbols").path("symbols").size() : 0;
  }

  private static boolean hasBars(String api, String symbol) {
    String bars = api + "/bars/" + symbol + "?limit=1";
    return status(bars) == 200 && !get(bars).path("bars").isEmpty();
  }

  /** The scored bars of {@code symbol} whose outcome is known or awaited, by a served model. */
  private static int scored(String api, String symbol) {
    int scored = 0;
    for (JsonNode error : get(api + "/predictions/" + symbol + "/errors").path("errors")) {
      scored += error.path("modelVersion").asInt() > 0 ? 1 : 0;
    }
    return scored;
  }

  private static int status(String url) {
    try {
      return HTTP.send(request(url), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static JsonNode get(String url) {
    try {
      HttpResponse<String> response = HTTP.send(request(url), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(200);
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError(url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static HttpRequest request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build();
  }

  private static long seconds(long since) {
    return Duration.ofNanos(System.nanoTime() - since).toSeconds();
  }
}
