package io.smack.deploy.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.deploy.MarathonLb;
import io.smack.localstack.Haproxy;
import io.smack.localstack.Ports;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The pipeline started from its deploy files as containers, on a running local stack: the Spark
 * stand-in for Mesos ({@link SparkStandIn}), then the {@code /smack} group of {@code
 * deploy/marathon/*.json} in the order of its dependencies behind one HAProxy that routes as
 * marathon-lb does from their labels, and the Chronos jobs of {@code deploy/chronos/*.json} run on
 * demand. A file or an image that cannot work stops the start with one line naming it, and nothing
 * is left running.
 */
public final class ContainerPipeline implements AutoCloseable {

  static final String SPARK_IMAGE = "smack/spark:3.5.4-scala2.13-java17";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContainerGroup group;
  private final List<App> apps;
  private final List<ChronosJobs.Job> jobs;
  private final int sparkUiPort;
  private final LocalSite site;
  private final Haproxy balancer;

  private ContainerPipeline(
      ContainerGroup group,
      List<App> apps,
      List<ChronosJobs.Job> jobs,
      int sparkUiPort,
      LocalSite site,
      Haproxy balancer) {
    this.group = group;
    this.balancer = balancer;
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
    List<JsonNode> definitions = new ArrayList<>();
    for (Path file : files(root.resolve("deploy/marathon"))) {
      definitions.add(read(file));
      apps.add(
          MarathonApps.read(definitions.get(definitions.size() - 1), root.relativize(file), site));
    }
    samePorts(apps);
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
      Haproxy balancer = balancer(dir, definitions, apps);
      return new ContainerPipeline(group, apps, jobs, masterUi, site, balancer);
    } catch (RuntimeException | InterruptedException e) {
      group.close();
      throw e;
    }
  }

  /**
   * Refuses two apps on one port: every container here shares the host's network (see {@link
   * LocalSite}), where a Mesos agent would give each bridge container its own, and the second would
   * not start while the first answered both apps' checks.
   */
  private static void samePorts(List<App> apps) {
    Map<Integer, String> owners = new HashMap<>();
    for (App app : apps) {
      for (int port : app.ports()) {
        String other = owners.putIfAbsent(port, app.id());
        if (other != null) {
          throw new IllegalStateException(
              app.id()
                  + " and "
                  + other
                  + " both listen on port "
                  + port
                  + ", and the containers here share one network: give one another containerPort"
                  + " (and the variable that moves its service there)");
        }
      }
    }
  }

  /**
   * marathon-lb's part: a real HAProxy on one port of this host, routing each request by its path
   * to the apps its labels name ({@link MarathonLb}), in front of the ports the apps' first ports
   * are published on.
   */
  private static Haproxy balancer(Path dir, List<JsonNode> definitions, List<App> apps) {
    List<Haproxy.Backend> backends = new ArrayList<>();
    for (MarathonLb.Route route : MarathonLb.routes(definitions)) {
      App app = apps.stream().filter(a -> a.part().equals(route.app())).findFirst().orElseThrow();
      backends.add(
          new Haproxy.Backend(
              route.app(),
              route.condition(),
              List.of(InetSocketAddress.createUnresolved(LocalSite.HOST, app.ports().get(0)))));
    }
    return Haproxy.routing(dir.resolve("marathon-lb"), Ports.free(), backends);
  }

  /** The one entry point of the API: {@code http://127.0.0.1:PORT}, routed as marathon-lb would. */
  public String entryPoint() {
    return balancer.url();
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
    balancer.close();
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
