package io.smack.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.smack.common.AccessServices;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's parts on a running local stack, started in the order data flows backwards (the
 * access service, the streaming job, then the collector) so that nothing a part produces waits for
 * its reader, and stopped in the order it flows (the collector first, so that what it accepted is
 * flushed and read). Under {@code bin/smack up} ({@link #watch}) it restarts what dies (servers and
 * parts, {@link Supervisor}), prints the access service's verdict on whether data flows, and runs
 * the training job now and then. The end-to-end tests start the same parts the same way on the
 * tests' stack ({@link #start(Path, StackAddresses, Path, Options)}).
 */
public final class Pipeline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private static final Duration SERVICE_START = Duration.ofSeconds(90);
  private static final Duration SPARK_START = Duration.ofSeconds(240);
  private static final Duration FIRST_TRAINING_AFTER = Duration.ofSeconds(60);
  private static final Duration SUMMARY_EVERY = Duration.ofSeconds(30);

  /** How the collector runs. */
  public enum CollectorRun {
    /** Until the pipeline stops, restarted when it dies: {@code bin/smack up}. */
    ENDLESS,
    /** Until its sources complete and Kafka has acknowledged all, then exits; not restarted. */
    ONE_OFF,
    /** Not started. */
    NONE
  }

  /**
   * What {@code bin/smack up} was asked for.
   *
   * @param sources the collector's sources ({@code --source}); empty: those of its configuration
   *     ({@code smack.collector.sources}, the simulator by default)
   * @param config the {@code --config} file, given to every part as {@code -Dconfig.file}
   * @param environment settings for every part, over the stack's addresses (e.g. a keyspace)
   * @param collectorEnvironment the collector's own settings, over {@code sources}'
   * @param networkFaults where each part joins a cgroup of its own, named as the part is ({@code
   *     access-service}, {@code ingest-streaming}, {@code collector}), for the network fault tests
   */
  public record Options(
      boolean freePorts,
      List<SourceSpec> sources,
      Optional<Path> config,
      Duration trainEvery,
      Optional<Path> readyFile,
      Map<String, String> environment,
      Map<String, String> collectorEnvironment,
      CollectorRun collector,
      Optional<NetworkFaults> networkFaults) {

    public Options {
      sources = List.copyOf(sources);
      environment = Map.copyOf(environment);
      collectorEnvironment = Map.copyOf(collectorEnvironment);
    }

    public static Options defaults() {
      return new Options(
          false,
          List.of(),
          Optional.empty(),
          Duration.ofMinutes(5),
          Optional.empty(),
          Map.of(),
          Map.of(),
          CollectorRun.ENDLESS,
          Optional.empty());
    }

    public Options withFreePorts() {
      return with(o -> o.freePorts = true);
    }

    /** One more collector source, after those given before. */
    Options withSource(SourceSpec source) {
      if (sources.stream().anyMatch(s -> s.name().equals(source.name()))) {
        throw new IllegalArgumentException(
            "--source: two sources are named "
                + source.name()
                + "; give one of them another name (name=...)");
      }
      return with(o -> o.sources.add(source));
    }

    /** Every part reads {@code file} too ({@code -Dconfig.file}), under its environment. */
    public Options withConfig(Path file) {
      return with(o -> o.config = Optional.of(file.toAbsolutePath().normalize()));
    }

    public Options withTrainEvery(Duration trainEvery) {
      return with(o -> o.trainEvery = trainEvery);
    }

    public Options withReadyFile(Path file) {
      return with(o -> o.readyFile = Optional.of(file));
    }

    public Options withEnvironment(Map<String, String> environment) {
      return with(o -> o.environment = environment);
    }

    public Options withCollector(CollectorRun collector, Map<String, String> environment) {
      return with(
          o -> {
            o.collector = collector;
            o.collectorEnvironment = environment;
          });
    }

    /** Each part joins a cgroup of its own as it starts, so that {@code faults} can cut it. */
    public Options withNetworkFaults(NetworkFaults faults) {
      return with(o -> o.networkFaults = Optional.of(faults));
    }

    /** These options with {@code change} made to a copy of their values. */
    private Options with(Consumer<Values> change) {
      Values values = new Values(this);
      change.accept(values);
      return values.options();
    }

    /** The values of {@link Options}, to change one in a copy (a record has no copy-with). */
    private static final class Values {
      boolean freePorts;
      List<SourceSpec> sources;
      Optional<Path> config;
      Duration trainEvery;
      Optional<Path> readyFile;
      Map<String, String> environment;
      Map<String, String> collectorEnvironment;
      CollectorRun collector;
      Optional<NetworkFaults> networkFaults;

      Values(Options options) {
        freePorts = options.freePorts;
        sources = new ArrayList<>(options.sources);
        config = options.config;
        trainEvery = options.trainEvery;
        readyFile = options.readyFile;
        environment = options.environment;
        collectorEnvironment = options.collectorEnvironment;
        collector = options.collector;
        networkFaults = options.networkFaults;
      }

      Options options() {
        return new Options(
            freePorts,
            sources,
            config,
            trainEvery,
            readyFile,
            environment,
            collectorEnvironment,
            collector,
            networkFaults);
      }
    }

    /** The JVM options of {@code part}: the configuration file, and its cgroup under faults. */
    List<String> jvmOptions(String part) {
      List<String> options = new ArrayList<>();
      config.ifPresent(file -> options.add("-Dconfig.file=" + file));
      networkFaults.ifPresent(faults -> options.add(faults.jvmOption(part)));
      return options;
    }
  }

  private final Path root;
  private final StackAddresses addresses;
  private final int nodes;
  private final List<Supervisor.Part> servers;
  private final Path dir;
  private final Options options;
  private final int accessPort;
  private final int collectorPort;
  private final int ingestPort;
  private final List<Part> running = new ArrayList<>();
  private final Supervisor supervisor = new Supervisor();
  private volatile Haproxy haproxy;
  private SparkCluster spark;
  private ModuleProcess oneOffCollector;
  private volatile boolean stopping;
  private ModuleProcess training;
  private Instant nextTraining;
  private String lastVerdict = "";
  private final Set<String> failedSources = new HashSet<>();
  private Instant lastSummary = Instant.EPOCH;

  /**
   * The parts on {@code stack}, supervising its servers too; call {@link #start()}.
   *
   * @param root the project root, where the modules' builds are
   */
  Pipeline(Path root, LocalStack stack, Path dir, Options options) {
    this(root, stack.addresses(), stack.nodes(), stack.servers(), dir, options);
  }

  private Pipeline(
      Path root,
      StackAddresses addresses,
      int nodes,
      List<Supervisor.Part> servers,
      Path dir,
      Options options) {
    this.root = root;
    this.addresses = addresses;
    this.nodes = nodes;
    this.servers = servers;
    this.dir = dir.toAbsolutePath();
    this.options = options;
    this.accessPort = options.freePorts() ? Ports.free() : 8080;
    this.collectorPort = options.freePorts() ? Ports.free() : 8081;
    this.ingestPort = options.freePorts() ? Ports.free() : 8082;
  }

  /**
   * Starts every part on a stack someone else runs (the tests' shared stack), as on one node: the
   * Spark jobs on Spark local, one access instance; and waits until each is ready. Its servers are
   * not supervised, nor are the parts unless {@link #watch} runs.
   *
   * @param root the project root, where the modules' builds are
   * @throws StackStartException naming the log, when a part does not become ready
   */
  public static Pipeline start(Path root, StackAddresses stack, Path dir, Options options) {
    Pipeline pipeline = new Pipeline(root, stack, 1, List.of(), dir, options);
    try {
      pipeline.start();
    } catch (RuntimeException e) {
      pipeline.close();
      throw e;
    }
    return pipeline;
  }

  /** Starts every part and waits until each is ready; throws, naming the log, if one is not. */
  void start() {
    options.readyFile().ifPresent(addresses::writeTo);
    LOG.info("Kafka      {}", addresses.kafkaBootstrapServers());
    LOG.info("Cassandra  {}", addresses.cassandraContactPoints());
    servers.forEach(supervisor::watch);
    if (nodes > 1) {
      spark =
          SparkCluster.start(
              root,
              SparkHome.JOBS,
              dir.resolve("spark"),
              SparkCluster.WORKERS,
              options.freePorts() ? Ports.free() : 7077,
              options.freePorts() ? Ports.free() : 8090,
              SPARK_START);
      spark.servers().forEach(supervisor::watch);
    }
    List<Part> access = new ArrayList<>();
    List<AccessInstance> instances = accessInstances();
    for (AccessInstance instance : instances) {
      Map<String, String> settings = new HashMap<>();
      settings.put("HTTP_PORT", String.valueOf(instance.port()));
      instance
          .service()
          .ifPresent(
              service -> {
                settings.put("ACCESS_VIEWS", service.setting());
                // behind HAProxy, which gives the client's address in the header
                settings.put("ACCESS_TRUST_FORWARDED_FOR", "true");
              });
      access.add(
          started(
              () ->
                  ModuleProcess.accessService(
                      root,
                      instance.name(),
                      options.jvmOptions(instance.name()),
                      environment(Principal.ACCESS, settings),
                      log(instance.name()))));
    }
    // a folder's first run: the simulator then starts with a history (see simulatorHistory)
    boolean freshFolder = Files.notExists(dir.resolve("checkpoints/ingest"));
    // a restart resumes from the same checkpoints
    Part ingest =
        started(
            () ->
                sparkJob(
                    "ingest-streaming",
                    "io.smack.ingest.IngestMain",
                    environment(
                        Principal.INGEST,
                        Map.of(
                            "HTTP_PORT", String.valueOf(ingestPort),
                            "INGEST_CHECKPOINT_DIR", dir.resolve("checkpoints/ingest").toString())),
                    log("ingest-streaming")));
    for (int i = 0; i < access.size(); i++) {
      access.get(i).current().awaitOk(url(instances.get(i).port(), "/health/ready"), SERVICE_START);
    }
    if (instances.size() > 1) {
      startHaproxy(instances);
      LOG.info(
          "access services ready at {} (HAProxy routing by path to {})",
          accessUrl(""),
          instances.stream().map(i -> i.name() + " on port " + i.port()).toList());
    } else {
      LOG.info("access service ready at {}", accessUrl(""));
    }
    ingest.current().awaitOk(url(ingestPort, "/health"), SPARK_START);
    LOG.info("streaming job ready (health {})", url(ingestPort, "/health"));
    switch (options.collector()) {
      case ENDLESS -> {
        Map<String, String> firstStart = freshFolder ? simulatorHistory() : Map.of();
        AtomicBoolean first = new AtomicBoolean(true);
        Part collector = started(() -> collector(first.getAndSet(false) ? firstStart : Map.of()));
        collector.current().awaitOk(url(collectorPort, "/health"), SERVICE_START);
        LOG.info(
            "collector ready, source {} (health {})",
            String.join(", ", sourceNames()),
            url(collectorPort, "/health"));
      }
      case ONE_OFF -> oneOffCollector = collector(Map.of("COLLECTOR_EXIT_WHEN_DONE", "true"));
      case NONE -> LOG.info("no collector");
    }
    running.forEach(part -> supervisor.watch(part.supervised()));
    nextTraining = Instant.now().plus(FIRST_TRAINING_AFTER);
    printWelcome();
  }

  /** The one-off collector ({@link CollectorRun#ONE_OFF}), to await its exit. */
  public ModuleProcess oneOffCollector() {
    if (oneOffCollector == null) {
      throw new IllegalStateException("the collector runs " + options.collector());
    }
    return oneOffCollector;
  }

  /**
   * Starts the training job once, serving every model it trains (as {@code bin/smack up} does now
   * and then); the caller awaits its exit.
   */
  public ModuleProcess train() {
    // as everywhere, a learned family serves only where it beats the naive forecast walk-forward;
    // elsewhere naive does (on the simulator's random walks, everywhere), so predictions show
    return sparkJob(
        "model-training",
        "io.smack.training.TrainingMain",
        environment(Principal.TRAINING, Map.of()),
        log("model-training"));
  }

  /**
   * Restarts the parts that die from now on, on a thread of its own, as {@link #watch} does (and
   * Marathon): for a caller that does not run {@link #watch}. The stack's servers are the caller's.
   */
  public void supervise() {
    Thread thread =
        new Thread(
            () -> {
              try {
                while (!stopping) {
                  supervisor.check(Instant.now());
                  TimeUnit.SECONDS.sleep(1);
                }
              } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
              }
            },
            "supervise-parts");
    thread.setDaemon(true);
    thread.start();
  }

  /** The current process of the part named {@code name}, e.g. {@code access-service}. */
  public ModuleProcess part(String name) {
    return named(name).current();
  }

  /** How many times the part named {@code name} has been started again. */
  public int restarts(String name) {
    return named(name).restarts();
  }

  private Part named(String name) {
    return running.stream()
        .filter(part -> part.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no part named " + name));
  }

  /** {@code http://host:port/path} of the access service (HAProxy's port on a cluster). */
  public String accessUrl(String path) {
    return url(accessPort, path);
  }

  private ModuleProcess collector(Map<String, String> own) {
    Map<String, String> env = collectorEnvironment();
    env.putAll(options.collectorEnvironment());
    env.putAll(own);
    List<String> jvm = new ArrayList<>(options.jvmOptions("collector"));
    options.sources().forEach(source -> jvm.addAll(source.jvmOptions()));
    return ModuleProcess.service(
        root,
        "collector",
        "collector.classpath",
        "io.smack.collector.CollectorMain",
        jvm,
        environment(Principal.COLLECTOR, env),
        log("collector"));
  }

  /**
   * Until {@code stopped}: restarts what died (the stack's servers and the parts; {@link
   * Supervisor}), prints the verdict, runs the training job.
   */
  void watch(CountDownLatch stopped) throws InterruptedException {
    while (!stopped.await(5, TimeUnit.SECONDS)) {
      if (!stopping) {
        supervisor.check(Instant.now());
      }
      Optional<JsonNode> status = HttpProbe.json(accessUrl("/status"));
      status.ifPresent(this::report);
      if (options.collector() == CollectorRun.ENDLESS) {
        HttpProbe.json(url(collectorPort, "/health")).ifPresent(this::reportFailedSources);
      }
      train(status);
    }
  }

  /** Says once on the console which of the collector's sources can never work, and why. */
  private void reportFailedSources(JsonNode health) {
    health
        .path("sources")
        .fields()
        .forEachRemaining(
            source -> {
              if (source.getValue().path("state").asText().equals("failed")
                  && failedSources.add(source.getKey())) {
                LOG.error(
                    "the collector's source {} cannot work: {}",
                    source.getKey(),
                    source.getValue().path("last_error").asText());
              }
            });
  }

  /**
   * An access instance: its name, its port, and the service it is an instance of (empty: one
   * instance serves every view).
   */
  private record AccessInstance(String name, int port, Optional<AccessServices.Service> service) {}

  /**
   * The access instances: one serving every view on the access port alone; on a cluster with
   * HAProxy installed, one per access service on ports of their own, HAProxy on the access port
   * routing each request by its path, as marathon-lb serves the services Marathon runs.
   */
  private List<AccessInstance> accessInstances() {
    AccessInstance alone = new AccessInstance("access-service", accessPort, Optional.empty());
    if (nodes == 1) {
      return List.of(alone);
    }
    if (Haproxy.binary().isEmpty()) {
      LOG.warn("haproxy is not installed (apt-get install haproxy): one access instance serves");
      return List.of(alone);
    }
    return AccessServices.ALL.stream()
        .map(service -> new AccessInstance(service.name(), Ports.free(), Optional.of(service)))
        .toList();
  }

  private void startHaproxy(List<AccessInstance> instances) {
    List<Haproxy.Backend> backends =
        instances.stream()
            .map(
                instance ->
                    new Haproxy.Backend(
                        instance.name(),
                        instance.service().orElseThrow().route(),
                        List.of(InetSocketAddress.createUnresolved("127.0.0.1", instance.port()))))
            .toList();
    haproxy = Haproxy.routing(dir.resolve("haproxy"), accessPort, backends);
    supervisor.watch(
        new Supervisor.Part(
            () -> haproxy,
            () -> haproxy = Haproxy.routing(dir.resolve("haproxy"), accessPort, backends)));
  }

  /** Stops the parts in the order data flows, each flushing what it holds. */
  @Override
  public void close() {
    stopping = true;
    supervisor.close();
    if (training != null) {
      training.close();
    }
    if (oneOffCollector != null) {
      oneOffCollector.close();
    }
    List<Part> newestFirst = new ArrayList<>(running);
    Collections.reverse(newestFirst);
    for (Part part : newestFirst) {
      LOG.info("stopping the {}", part.name());
      part.current().close();
    }
    if (haproxy != null) {
      haproxy.close();
    }
    if (spark != null) {
      spark.close();
    }
  }

  /**
   * A Spark job on Spark local in one JVM, or on a cluster submitted to its Spark master, with
   * executors on the workers.
   */
  private ModuleProcess sparkJob(
      String module, String mainClass, Map<String, String> environment, Path log) {
    return spark == null
        ? ModuleProcess.sparkJob(
            root, module, mainClass, List.of(), options.jvmOptions(module), environment, log)
        : ModuleProcess.sparkSubmit(
            root, module, mainClass, spark, options.jvmOptions(module), environment, log);
  }

  /**
   * A symbol to show in the welcome's examples: the fixed symbol of the first source that has one
   * (inline, or its block in the --config file), else the simulator's AAPL.
   */
  private String exampleSymbol() {
    Config file = configFile();
    for (String name : sourceNames()) {
      String symbol =
          options.sources().stream()
              .filter(source -> source.name().equals(name))
              .findFirst()
              .map(source -> source.settings().getOrDefault("symbol", ""))
              .orElse("");
      String path = "smack.collector.source." + name + ".symbol";
      if (symbol.isBlank() && file.hasPath(path)) {
        symbol = file.getString(path);
      }
      if (!symbol.isBlank()) {
        return symbol;
      }
    }
    return "AAPL";
  }

  /**
   * The names of the collector's sources, as it will run them: {@code --source}, else its
   * environment's {@code COLLECTOR_SOURCES}, else the --config file's, else the simulator.
   */
  private List<String> sourceNames() {
    if (!options.sources().isEmpty()) {
      return options.sources().stream().map(SourceSpec::name).toList();
    }
    String names = System.getenv("COLLECTOR_SOURCES");
    if (names == null || names.isBlank()) {
      Config file = configFile();
      names =
          file.hasPath("smack.collector.sources")
              ? file.getString("smack.collector.sources")
              : "sim";
    }
    return List.of(names.strip().split("\\s*,\\s*"));
  }

  private Config configFile() {
    return options
        .config()
        .map(path -> ConfigFactory.parseFile(path.toFile()))
        .orElse(ConfigFactory.empty());
  }

  /**
   * The live monitor of a symbol's served model, briefly: " (live rmse +4.2 % vs naive, 12 bars)";
   * empty before its first scored outcome.
   */
  private static String live(JsonNode monitor) {
    int steps = monitor.path("steps").asInt(0);
    double naive = monitor.path("naiveRmse").asDouble(0);
    if (steps == 0 || naive == 0) {
      return "";
    }
    return String.format(
        " (live rmse %+.1f %% vs naive, %d bars)",
        100 * (monitor.path("rmse").asDouble() / naive - 1), steps);
  }

  private void report(JsonNode status) {
    String verdict = status.path("verdict").asText("?");
    String reason = status.path("reason").asText("");
    Instant now = Instant.now();
    if (!verdict.equals(lastVerdict)
        || Duration.between(lastSummary, now).compareTo(SUMMARY_EVERY) >= 0) {
      JsonNode stream = status.path("stream");
      List<String> models = new ArrayList<>();
      status
          .path("symbols")
          .forEach(
              s -> {
                if (!s.path("servedModel").isNull() && s.has("servedModel")) {
                  models.add(
                      s.path("symbol").asText()
                          + " v"
                          + s.path("servedModel").asInt()
                          + (s.path("servedKind").isTextual()
                              ? " " + s.path("servedKind").asText()
                              : "")
                          + live(s.path("monitor")));
                }
              });
      LOG.info(
          "status {}: {}; {} quotes and {} rejected in the last {} s; models: {}",
          verdict,
          reason,
          stream.path("recentQuotes").asLong(),
          stream.path("recentRejected").asLong(),
          stream.path("recentWindowSeconds").asLong(),
          models.isEmpty() ? "none yet" : String.join(", ", models));
      lastVerdict = verdict;
      lastSummary = now;
    }
  }

  /** Starts the training job when it is due and data has arrived; reports it when it ends. */
  private void train(Optional<JsonNode> status) throws InterruptedException {
    if (training != null) {
      OptionalInt exit = training.awaitExit(Duration.ZERO);
      if (exit.isEmpty()) {
        return;
      }
      LOG.info(
          "training {} (exit {}, log {}); next in {} s",
          exit.getAsInt() == 0 ? "done" : "failed",
          exit.getAsInt(),
          training.logFile(),
          options.trainEvery().toSeconds());
      training = null;
      nextTraining = Instant.now().plus(options.trainEvery());
    }
    boolean hasData = status.map(s -> s.path("symbols").size() > 0).orElse(false);
    if (Instant.now().isAfter(nextTraining) && hasData && !stopping) {
      LOG.info("training a model per symbol");
      training = train();
    }
  }

  /** Its port, and the sources of {@code --source} when there are (else its configuration's). */
  /**
   * Two hours of simulated market before the live quotes, once: 120 one-minute bars per symbol in
   * the first seconds, so that the first training (a minute after the data) has the bars it needs
   * (smack.training.min-rows and the 21 bars of the features) and the streaming job scores every
   * bar from then on, where a live simulator alone would take an hour. Only on a folder's first run
   * and the collector's first start: a history sent again would lay a second path of prices over
   * the stored ones. The environment's SIMULATOR_HISTORY wins.
   */
  private static Map<String, String> simulatorHistory() {
    return System.getenv("SIMULATOR_HISTORY") == null
        ? Map.of("SIMULATOR_HISTORY", "2h")
        : Map.of();
  }

  private Map<String, String> collectorEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", String.valueOf(collectorPort));
    if (!options.sources().isEmpty()) {
      env.put(
          "COLLECTOR_SOURCES",
          String.join(",", options.sources().stream().map(SourceSpec::name).toList()));
    }
    return env;
  }

  private void printWelcome() {
    String base = accessUrl("");
    String symbol = exampleSymbol();
    LOG.info("the pipeline runs; logs in {}; press Ctrl-C to stop", dir.resolve("logs"));
    LOG.info("  the page:      {}/?symbol={}   (prices, predictions, their error)", base, symbol);
    LOG.info("  the API:       {}/openapi.json", base);
    LOG.info("  is data flowing?  curl -s {}/status", base);
    LOG.info("  symbols:          curl -s {}/symbols", base);
    LOG.info("  latest quote:     curl -s {}/quotes/{}/latest", base, symbol);
    LOG.info("  last 5 quotes:    curl -s '{}/quotes/{}?limit=5'", base, symbol);
    LOG.info("  1-minute bars:    curl -s '{}/bars/{}?limit=5'", base, symbol);
    LOG.info(
        "  prediction:       curl -s {}/predictions/{}   (after the first training)", base, symbol);
    LOG.info("  models:           curl -s {}/models/{}", base, symbol);
    Map<String, String> operator = addresses.environment();
    if (operator.containsKey("CASSANDRA_USERNAME")) {
      LOG.info(
          "secured: Kafka on SASL_SSL (SCRAM), Cassandra with passwords and TLS; each part logs in"
              + " as its own user with only its grants (SECURITY.md), bin/smack shell as {}; the"
              + " truststore and passwords are in {}",
          operator.get("CASSANDRA_USERNAME"),
          Path.of(operator.get("CASSANDRA_TLS_TRUSTSTORE")).getParent());
    }
  }

  private Part started(Supplier<ModuleProcess> start) {
    Part part = new Part(start);
    running.add(part);
    return part;
  }

  /** A part of the pipeline: its current process, started again by the supervisor. */
  private static final class Part {

    private final Supplier<ModuleProcess> start;
    private volatile ModuleProcess current;
    private final AtomicInteger restarts = new AtomicInteger();

    Part(Supplier<ModuleProcess> start) {
      this.start = start;
      this.current = start.get();
    }

    int restarts() {
      return restarts.get();
    }

    ModuleProcess current() {
      return current;
    }

    String name() {
      return current.name();
    }

    Supervisor.Part supervised() {
      return new Supervisor.Part(
          this::current,
          () -> {
            current = start.get();
            restarts.incrementAndGet();
          });
    }
  }

  /** The stack's environment for {@code principal}'s part, the options', then {@code own}. */
  private Map<String, String> environment(Principal principal, Map<String, String> own) {
    Map<String, String> env = new HashMap<>(addresses.environment(principal));
    env.putAll(options.environment());
    env.putAll(own);
    return env;
  }

  private Path log(String name) {
    return dir.resolve("logs").resolve(name + ".log");
  }

  private static String url(int port, String path) {
    return "http://127.0.0.1:" + port + path;
  }
}
