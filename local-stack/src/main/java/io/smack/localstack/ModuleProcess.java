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
    return start(
        name, serviceCommand(root, module, classpathFile, mainClass, jvmOptions), environment, log);
  }

  /**
   * How a part's JVM is started: its JVM options, classpath and main class, all from its module's
   * build. The one place that knows it: {@code bin/smack} runs a part by the command line {@link
   * ModuleCommand} prints from it, the local stack, the benchmarks and the tests start parts with
   * it.
   */
  public record Command(List<String> jvmOptions, String classpath, String mainClass) {

    public Command {
      jvmOptions = List.copyOf(jvmOptions);
    }

    /** This command with one more JVM option, after its own. */
    public Command withJvmOption(String option) {
      List<String> options = new ArrayList<>(jvmOptions);
      options.add(option);
      return new Command(options, classpath, mainClass);
    }

    /** The command line with {@code args}, to run in a process of its own. */
    public List<String> line(List<String> args) {
      List<String> line = new ArrayList<>();
      line.add(Classpaths.java());
      line.addAll(jvmOptions);
      line.add("-cp");
      line.add(classpath);
      line.add(mainClass);
      line.addAll(args);
      return line;
    }
  }

  /** A Pekko service's command: its classes and runtime classpath, a 512 MiB heap. */
  public static Command serviceCommand(
      Path root, String module, String classpathFile, String mainClass, List<String> jvmOptions) {
    Path target = built(root, module, classpathFile);
    String classpath =
        target.resolve("classes").toAbsolutePath()
            + File.pathSeparator
            + read(target.resolve(classpathFile));
    List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
    jvm.addAll(jvmOptions);
    return new Command(jvm, classpath, mainClass);
  }

  /**
   * A Spark job's command on Spark local: its classes, its classpath and Spark's, and the JVM flags
   * Spark needs, all written by the module's build (the parent's spark-job profile).
   */
  public static Command sparkJobCommand(Path root, String module, String mainClass, String heap) {
    Path target = built(root, module, "job.classpath");
    String classpath =
        target.resolve("classes").toAbsolutePath()
            + File.pathSeparator
            + read(target.resolve("job.classpath"))
            + File.pathSeparator
            + read(target.resolve("spark.classpath"));
    List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap));
    jvm.addAll(Arrays.asList(read(target.resolve("spark-jvm.flags")).split("\\s+")));
    return new Command(jvm, classpath, mainClass);
  }

  private static ModuleProcess start(
      String name, Command command, Map<String, String> environment, Path log) {
    return start(name, command, List.of(), environment, log);
  }

  private static ModuleProcess start(
      String name, Command command, List<String> args, Map<String, String> environment, Path log) {
    return new ModuleProcess(
        ServerProcess.start(
            name,
            command.classpath(),
            command.jvmOptions(),
            environment,
            command.mainClass(),
            args,
            log));
  }

  /**
   * The access service, as {@code bin/smack access} starts it, named {@code name} in the stack's
   * log (e.g. {@code access-service-2} for the second of several instances).
   *
   * @param environment its settings, {@code HTTP_PORT} among them
   */
  public static ModuleProcess accessService(
      Path root, String name, List<String> jvmOptions, Map<String, String> environment, Path log) {
    return service(
        root,
        "access-service",
        "access.classpath",
        "io.smack.access.AccessMain",
        name,
        jvmOptions,
        environment,
        log);
  }

  /**
   * A Spark job on Spark local with a 1 GiB heap: its classes, its classpath and Spark's, and the
   * JVM flags Spark needs, all written by the module's build (the parent's spark-job profile).
   */
  public static ModuleProcess sparkJob(
      Path root,
      String module,
      String mainClass,
      List<String> args,
      Map<String, String> environment,
      Path log) {
    return sparkJob(root, module, mainClass, args, "1g", List.of(), environment, log);
  }

  /**
   * A Spark job on Spark local with a 1 GiB heap and more JVM options, e.g. {@code
   * -Dconfig.file=...}.
   */
  public static ModuleProcess sparkJob(
      Path root,
      String module,
      String mainClass,
      List<String> args,
      List<String> jvmOptions,
      Map<String, String> environment,
      Path log) {
    return sparkJob(root, module, mainClass, args, "1g", jvmOptions, environment, log);
  }

  /** A Spark job on Spark local, as {@link #sparkJob} starts it, with a heap of {@code heap}. */
  public static ModuleProcess sparkJob(
      Path root,
      String module,
      String mainClass,
      List<String> args,
      String heap,
      Map<String, String> environment,
      Path log) {
    return sparkJob(root, module, mainClass, args, heap, List.of(), environment, log);
  }

  private static ModuleProcess sparkJob(
      Path root,
      String module,
      String mainClass,
      List<String> args,
      String heap,
      List<String> jvmOptions,
      Map<String, String> environment,
      Path log) {
    ModuleProcess.Command command = sparkJobCommand(root, module, mainClass, heap);
    for (String option : jvmOptions) {
      command = command.withJvmOption(option);
    }
    return start(module, command, args, environment, log);
  }

  /**
   * A main class of a classpath that is no module's build (a tool's own, such as the benchmarks'
   * baseline server), started the same way.
   */
  public static ModuleProcess ofClasspath(
      String name,
      String classpath,
      String mainClass,
      List<String> args,
      List<String> jvmOptions,
      Map<String, String> environment,
      Path log) {
    return start(name, new Command(jvmOptions, classpath, mainClass), args, environment, log);
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
      List<String> jvmOptions,
      Map<String, String> environment,
      Path log) {
    Path jar = root.resolve(module).resolve("target").resolve("smack-" + module + ".jar");
    if (!Files.exists(jar)) {
      throw new StackStartException(
          jar + " is missing: build the module first (mvn package -pl " + module + " -am)");
    }
    List<String> jvm = new ArrayList<>(List.of("-Xmx768m"));
    jvm.addAll(cluster.jvmFlags());
    // the driver runs in this JVM (client mode): its settings, e.g. -Dconfig.file, go here
    jvm.addAll(jvmOptions);
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

  /** SIGKILL, as a crash or the OOM killer ends a process; waits until it is gone. */
  public void kill() {
    process.kill();
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
