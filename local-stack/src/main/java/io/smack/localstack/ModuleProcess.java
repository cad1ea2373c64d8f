package io.smack.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A service or Spark job of the pipeline in a JVM of its own, started as {@code bin/smack} starts
 * it: from its module's build (classes and the classpath files the build writes), with its settings
 * in the environment and its output in a log file; it exits with the process that started it. For
 * {@code bin/smack up} and the end-to-end tests.
 */
public final class ModuleProcess implements AutoCloseable, Supervisor.Running {

  private final ServerProcess process;

  private ModuleProcess(ServerProcess process) {
    this.process = process;
  }

  /**
   * A Pekko service: its classes and its runtime classpath.
   *
   * @param root the project root
   * @param module the module folder, e.g. {@code access-service}
   * @param classpathFile the classpath file its build writes into {@code target}
   * @param jvmOptions e.g. {@code -Dsmack.collector.source.sim.limit=500}
   */
  public static ModuleProcess service(
      Path root,
      String module,
      String classpathFile,
      String mainClass,
      List<String> jvmOptions,
      Map<String, String> environment,
      Path log) {
    return service(root, module, classpathFile, mainClass, module, jvmOptions, environment, log);
  }

  private static ModuleProcess service(
      Path root,
      String module,
      String classpathFile,
      String mainClass,
      String name,
      List<String> jvmOptions,
      Map<String, String> environment,
      Path log) {
    Path target = built(root, module, classpathFile);
    String classpath =
        target.resolve("classes").toAbsolutePath()
            + File.pathSeparator
            + read(target.resolve(classpathFile));
    List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
    jvm.addAll(jvmOptions);
    return new ModuleProcess(
        ServerProcess.start(name, classpath, jvm, environment, mainClass, List.of(), log));
  }

  /**
   * The access service, as {@code bin/smack access} starts it, named {@code name} in the stack's
   * log (e.g. {@code access-service-2} for the second of several instances).
   *
   * @param environment its settings, {@code HTTP_PORT} among them
   */
  public static ModuleProcess accessService(
      Path root, String name, Map<String, String> environment, Path log) {
    return service(
        root,
        "access-service",
        "access.classpath",
        "io.smack.access.AccessMain",
        name,
        List.of(),
        environment,
        log);
  }

  /**
   * A Spark job on Spark local: its classes, its classpath and Spark's, and the JVM flags Spark
   * needs, all written by the module's build (the parent's spark-job profile).
   */
  public static ModuleProcess sparkJob(
      Path root,
      String module,
      String mainClass,
      List<String> args,
      Map<String, String> environment,
      Path log) {
    Path target = built(root, module, "job.classpath");
    String classpath =
        target.resolve("classes").toAbsolutePath()
            + File.pathSeparator
            + read(target.resolve("job.classpath"))
            + File.pathSeparator
            + read(target.resolve("spark.classpath"));
    List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
    jvm.addAll(Arrays.asList(read(target.resolve("spark-jvm.flags")).split("\\s+")));
    return new ModuleProcess(
        ServerProcess.start(module, classpath, jvm, environment, mainClass, args, log));
  }

  /**
   * A Spark job submitted to a standalone cluster in client mode, as its image's {@code
   * spark-job.sh} submits it on Mesos: Spark's own {@code SparkSubmit} on the cluster's Spark home
   * runs the driver in this JVM, with the job's jar (the one its image holds), and the master
   * starts one executor of one core on each worker.
   */
  public static ModuleProcess sparkSubmit(
      Path root,
      String module,
      String mainClass,
      SparkCluster cluster,
      Map<String, String> environment,
      Path log) {
    Path jar = root.resolve(module).resolve("target").resolve("smack-" + module + ".jar");
    if (!Files.exists(jar)) {
      throw new StackStartException(
          jar + " is missing: build the module first (mvn package -pl " + module + " -am)");
    }
    List<String> jvm = new ArrayList<>(List.of("-Xmx768m"));
    jvm.addAll(cluster.jvmFlags());
    List<String> args =
        List.of(
            "--master",
            cluster.masterUrl(),
            "--deploy-mode",
            "client",
            "--name",
            module,
            "--class",
            mainClass,
            "--conf",
            "spark.driver.host=" + Ports.HOST,
            "--conf",
            "spark.executor.cores=1",
            "--conf",
            "spark.cores.max=" + cluster.workers(),
            "--conf",
            "spark.executor.memory=" + SparkCluster.EXECUTOR_MEMORY,
            jar.toAbsolutePath().toString());
    Map<String, String> env = new HashMap<>(environment);
    env.put("SPARK_HOME", cluster.home().toAbsolutePath().toString());
    return new ModuleProcess(
        ServerProcess.start(
            module,
            SparkHome.classpath(cluster.home()),
            jvm,
            env,
            "org.apache.spark.deploy.SparkSubmit",
            args,
            log));
  }

  /** Polls {@code url} until it answers 200; fails, quoting the log, if the process dies first. */
  public void awaitOk(String url, Duration timeout) {
    process.awaitReady(timeout, () -> HttpProbe.ok(url));
  }

  /** The exit code, or empty when the process outlived the timeout. */
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.awaitExit(timeout);
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public OptionalInt exitCode() {
    return process.exitCode();
  }

  @Override
  public String name() {
    return process.name();
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public Path logFile() {
    return process.logFile();
  }

  /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
  @Override
  public void close() {
    process.close();
  }

  private static Path built(Path root, String module, String classpathFile) {
    Path target = root.resolve(module).resolve("target");
    if (!Files.exists(target.resolve(classpathFile))) {
      throw new StackStartException(
          target.resolve(classpathFile)
              + " is missing: build the module first (bin/smack up builds them; mvn package -pl "
              + module
              + " -am)");
    }
    return target;
  }

  /** The file's text, stripped. */
  static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + " failed", e);
    }
  }
}
