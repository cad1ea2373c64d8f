package io.smack.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark standalone cluster on this machine: a master on 127.0.0.1 and {@code workers} workers,
 * worker {@code i} on 127.0.0.(i + 1), each a JVM of its own running Spark's own {@code
 * deploy.master.Master} and {@code deploy.worker.Worker} on a {@link SparkHome}. A job submitted to
 * {@link #masterUrl()} in client mode keeps its driver in its own JVM and gets executors the
 * workers start as JVMs of their own: the driver/executor split of Spark on Mesos.
 */
public final class SparkCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SparkCluster.class);

  /** The workers of a local cluster, as many as its Kafka and Cassandra nodes. */
  public static final int WORKERS = 2;

  /**
   * Slots, not cores: the streaming job and a training run each take one executor of one core on
   * every worker, so that training never waits for the streaming job to give cores back.
   */
  static final int WORKER_CORES = 2;

  static final String EXECUTOR_MEMORY = "512m";
  static final String WORKER_MEMORY = "1280m";
  private static final String DAEMON_HEAP = "-Xmx192m";

  private final Path home;
  private final Path dir;
  private final List<String> jvmFlags;
  private final int masterPort;
  private final int masterUiPort;
  private final Duration timeout;
  private volatile ServerProcess master;
  // written by a restart on the supervisor's thread
  private final List<ServerProcess> workers = new CopyOnWriteArrayList<>();

  private SparkCluster(
      Path home,
      Path dir,
      List<String> jvmFlags,
      int masterPort,
      int masterUiPort,
      Duration timeout) {
    this.home = home;
    this.dir = dir;
    this.jvmFlags = jvmFlags;
    this.masterPort = masterPort;
    this.masterUiPort = masterUiPort;
    this.timeout = timeout;
  }

  /**
   * Assembles the Spark home under {@code dir}, starts the master and the workers and waits until
   * every worker has registered; on failure, stops what was started and throws {@link
   * StackStartException}.
   *
   * @param root the project root
   * @param jobs the Spark jobs that will be submitted to it, built ({@link SparkHome#JOBS})
   * @param masterPort the master's port (Spark's default is 7077), its web UI on {@code uiPort}
   */
  public static SparkCluster start(
      Path root,
      List<String> jobs,
      Path dir,
      int workers,
      int masterPort,
      int uiPort,
      Duration timeout) {
    long started = System.nanoTime();
    Path home = SparkHome.assemble(root, jobs, dir.resolve("home"));
    SparkCluster cluster =
        new SparkCluster(
            home, dir, SparkHome.jvmFlags(root, jobs.get(0)), masterPort, uiPort, timeout);
    try {
      cluster.master = cluster.startMaster();
      cluster.master.awaitReady(timeout, () -> Ports.listening(masterPort));
      for (int i = 0; i < workers; i++) {
        cluster.workers.add(cluster.startWorker(i));
      }
      cluster.awaitWorkers(workers);
      LOG.info(
          "Spark master {} with {} workers ready in {} s (web UI http://127.0.0.1:{})",
          cluster.masterUrl(),
          workers,
          Duration.ofNanos(System.nanoTime() - started).toSeconds(),
          uiPort);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** {@code spark://127.0.0.1:PORT}, the master a job is submitted to. */
  public String masterUrl() {
    return "spark://" + Ports.HOST + ":" + masterPort;
  }

  /** The Spark home the master, the workers, their executors and the drivers run on. */
  public Path home() {
    return home;
  }

  /** The JVM flags Spark needs on Java 17, for a driver started on {@link #home()}. */
  public List<String> jvmFlags() {
    return jvmFlags;
  }

  /** How many workers the cluster has, alive or not. */
  public int workers() {
    return workers.size();
  }

  /** How many workers the master counts as alive. */
  public int aliveWorkers() {
    return masterState().map(s -> s.path("aliveworkers").asInt()).orElse(0);
  }

  /** The master's view of the cluster ({@code /json} of its web UI), when it answers. */
  public Optional<JsonNode> masterState() {
    return HttpProbe.json("http://" + Ports.HOST + ":" + masterUiPort + "/json/");
  }

  /**
   * Kills worker {@code worker} (0-based) and the executors it started (SIGKILL), as the loss of a
   * host would: the driver's tasks there fail and run again elsewhere.
   *
   * @return how many executors were killed with it
   */
  public int killWorker(int worker) {
    List<ProcessHandle> executors = executorsOf(worker);
    workers.get(worker).kill();
    executors.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle executor : executors) {
      executor.onExit().join();
    }
    LOG.info("{} executors of spark-worker-{} killed", executors.size(), worker + 1);
    return executors.size();
  }

  /** The executor JVMs worker {@code worker} runs now (Spark's CoarseGrainedExecutorBackend). */
  public List<ProcessHandle> executorsOf(int worker) {
    String host = "--hostname " + Ports.host(worker) + " ";
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(args -> String.join(" ", args) + " ")
                    .filter(line -> line.contains("CoarseGrainedExecutorBackend"))
                    .filter(line -> line.contains(host))
                    .isPresent())
        .toList();
  }

  /** Starts worker {@code worker} again and waits until the master counts it. */
  public void startWorker(int worker, int expectedAlive) {
    workers.set(worker, startWorker(worker));
    awaitWorkers(expectedAlive);
  }

  /** The master and the workers, each restarted when it dies ({@link Supervisor}). */
  List<Supervisor.Part> servers() {
    List<Supervisor.Part> parts = new ArrayList<>();
    parts.add(new Supervisor.Part(() -> master, () -> master = startMaster()));
    for (int i = 0; i < workers.size(); i++) {
      int worker = i;
      parts.add(
          new Supervisor.Part(
              () -> workers.get(worker), () -> workers.set(worker, startWorker(worker))));
    }
    return parts;
  }

  /** The master and worker processes, for their pids and logs. */
  List<ServerProcess> processes() {
    List<ServerProcess> processes = new ArrayList<>();
    if (master != null) {
      processes.add(master);
    }
    processes.addAll(workers);
    return processes;
  }

  /** Stops the workers (and so their executors), then the master. */
  @Override
  public void close() {
    workers.forEach(ServerProcess::requestStop);
    workers.forEach(ServerProcess::close);
    if (master != null) {
      master.close();
    }
  }

  private ServerProcess startMaster() {
    return daemon(
        "spark-master",
        "org.apache.spark.deploy.master.Master",
        List.of(
            "--host",
            Ports.HOST,
            "--port",
            String.valueOf(masterPort),
            "--webui-port",
            String.valueOf(masterUiPort)));
  }

  private ServerProcess startWorker(int worker) {
    String name = "spark-worker-" + (worker + 1);
    return daemon(
        name,
        "org.apache.spark.deploy.worker.Worker",
        List.of(
            "--host",
            Ports.host(worker),
            "--cores",
            String.valueOf(WORKER_CORES),
            "--memory",
            WORKER_MEMORY,
            "--webui-port",
            "0",
            "--work-dir",
            dir.resolve(name).toString(),
            masterUrl()));
  }

  private ServerProcess daemon(String name, String mainClass, List<String> args) {
    List<String> jvm = new ArrayList<>(List.of(DAEMON_HEAP));
    jvm.addAll(jvmFlags);
    return ServerProcess.start(
        name,
        SparkHome.classpath(home),
        jvm,
        Map.of(
            "SPARK_HOME",
            home.toAbsolutePath().toString(),
            // the launcher that builds an executor's command asks for it when it finds no build
            "SPARK_SCALA_VERSION",
            "2.13"),
        mainClass,
        args,
        dir.resolve("logs").resolve(name + ".log"));
  }

  private void awaitWorkers(int expected) {
    master.awaitReady(timeout, () -> aliveWorkers() >= expected);
  }
}
