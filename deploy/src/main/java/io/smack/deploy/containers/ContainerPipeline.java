package io.smack.deploy.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.localstack.Ports;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The pipeline started from its deploy files as containers, on a running local stack: the Spark
 * stand-in for Mesos ({@link SparkStandIn}), then the {@code /smack} group of {@code
 * deploy/marathon/*.json} in the order of its dependencies, and the Chronos jobs of {@code
 * deploy/chronos/*.json} run on demand. A file or an image that cannot work stops the start with
 * one line naming it, and nothing is left running.
 */
public final class ContainerPipeline implements AutoCloseable {

  static final String SPARK_IMAGE = "smack/spark:3.5.4-scala2.13-java17";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContainerGroup group;
  private final List<App> apps;
  private final List<ChronosJobs.Job> jobs;
  private final int sparkUiPort;
  private final LocalSite site;

  private ContainerPipeline(
      ContainerGroup group,
      List<App> apps,
      List<ChronosJobs.Job> jobs,
      int sparkUiPort,
      LocalSite site) {
    this.group = group;
    this.site = site;
    this.apps = apps;
    this.jobs = jobs;
    this.sparkUiPort = sparkUiPort;
  }

  /**
   * Reads the deploy files of {@code root}, checks every image they name is built, starts the Spark
   * stand-in and deploys the group; returns once every app is healthy and ready.
   */
  public static ContainerPipeline start(Path root, StackAddresses stack, Path dir, Duration timeout)
      throws InterruptedException {
    Engine engine = Engine.detect(root);
    Path checkpoints = writableByAnyone(dir.resolve("checkpoints"));
    int masterPort = Ports.free();
    int masterUi = Ports.free();
    LocalSite site =
        LocalSite.of(
            stack, "spark://" + LocalSite.HOST + ":" + masterPort, checkpoints, Ports::free);
    List<App> apps = new ArrayList<>();
    for (Path file : files(root.resolve("deploy/marathon"))) {
      apps.add(MarathonApps.read(read(file), root.relativize(file), site));
    }
    List<ChronosJobs.Job> jobs = new ArrayList<>();
    for (Path file : files(root.resolve("deploy/chronos"))) {
      jobs.add(ChronosJobs.read(read(file), root.relativize(file), site));
    }
    List<String> images = new ArrayList<>(List.of(SPARK_IMAGE));
    apps.forEach(app -> images.add(app.instances().get(0).image()));
    jobs.forEach(job -> images.add(job.attempts().get(0).image()));
    for (String image : images) {
      if (!engine.hasImage(image)) {
        throw new IllegalStateException(
            "the image " + image + " is not built: run bin/smack images first");
      }
    }
    ContainerGroup group =
        new ContainerGroup(engine, dir, "smack-" + ProcessHandle.current().pid());
    try {
      group.start(SparkStandIn.master(SPARK_IMAGE, masterPort, masterUi), Duration.ofSeconds(10));
      int worker = 1;
      for (String image : executorImages(apps, jobs)) {
        group.start(
            SparkStandIn.worker(worker++, image, site, Ports.free()), Duration.ofSeconds(10));
      }
      awaitWorkers(masterUi, worker - 1, timeout);
      group.deploy(apps, timeout);
      return new ContainerPipeline(group, apps, jobs, masterUi, site);
    } catch (RuntimeException | InterruptedException e) {
      group.close();
      throw e;
    }
  }

  public ContainerGroup group() {
    return group;
  }

  /** Where the deploy files' cluster addresses point here. */
  public LocalSite site() {
    return site;
  }

  public List<App> apps() {
    return apps;
  }

  public App app(String part) {
    return apps.stream().filter(a -> a.part().equals(part)).findFirst().orElseThrow();
  }

  public List<ChronosJobs.Job> jobs() {
    return jobs;
  }

  public ChronosJobs.Job job(String name) {
    return jobs.stream().filter(j -> j.name().equals(name)).findFirst().orElseThrow();
  }

  /** The Spark master's view ({@code /json/} of its web UI), for the executors it runs. */
  public JsonNode sparkMaster() {
    return json("http://" + LocalSite.HOST + ":" + sparkUiPort + "/json/")
        .orElseThrow(() -> new IllegalStateException("the Spark master does not answer"));
  }

  @Override
  public void close() {
    group.close();
  }

  /** The images of the Spark jobs' executors: where the stand-in's workers run. */
  static List<String> executorImages(List<App> apps, List<ChronosJobs.Job> jobs) {
    List<String> images = new ArrayList<>();
    List<List<String>> commands = new ArrayList<>();
    apps.forEach(app -> commands.add(app.instances().get(0).command()));
    jobs.forEach(job -> commands.add(job.attempts().get(0).command()));
    for (List<String> command : commands) {
      for (String argument : command) {
        if (argument.startsWith("spark.mesos.executor.docker.image=")) {
          images.add(argument.substring(argument.indexOf('=') + 1));
        }
      }
    }
    return images.stream().distinct().toList();
  }

  private static void awaitWorkers(int masterUi, int workers, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String url = "http://" + LocalSite.HOST + ":" + masterUi + "/json/";
    while (json(url).map(s -> s.path("aliveworkers").asInt()).orElse(0) < workers) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the Spark stand-in's " + workers + " workers did not register within " + timeout);
      }
      TimeUnit.SECONDS.sleep(1);
    }
  }

  /** The JSON {@code url} answers with 200, empty while it does not. */
  static Optional<JsonNode> json(String url) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? Optional.of(JSON.readTree(response.body()))
          : Optional.empty();
    } catch (IOException notYet) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static List<Path> files(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new DescriptorException(file, "(file)", "not JSON: " + e.getMessage());
    }
  }

  /** The folder the containers' users (not this one) write: the Spark image's user is 185. */
  private static Path writableByAnyone(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + dir, e);
    }
  }
}
