package io.smack.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server JVM of the local stack: started with its own classpath through {@link ExitWithParent},
 * its output in a log file, stopped with SIGTERM (then killed if it hangs).
 */
final class ServerProcess implements AutoCloseable, Supervisor.Running {

  private static final Logger LOG = LoggerFactory.getLogger(ServerProcess.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int LOG_TAIL_LINES = 25;

  private final String name;
  private final Process process;
  private final Path logFile;

  private ServerProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * Starts {@code mainClass} in a new JVM.
   *
   * @param classpathResource the resource listing the server's classpath, written by the build
   */
  static ServerProcess start(
      String name,
      String classpathResource,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      Path logFile) {
    return start(
        name, Classpaths.of(classpathResource), jvmOptions, Map.of(), mainClass, args, logFile);
  }

  /**
   * Starts {@code mainClass} in a new JVM with the given classpath (the local-stack classes are
   * added, for {@link ExitWithParent}) and environment variables added to this process's.
   */
  static ServerProcess start(
      String name,
      String classpath,
      List<String> jvmOptions,
      Map<String, String> environment,
      String mainClass,
      List<String> args,
      Path logFile) {
    List<String> command = new ArrayList<>();
    command.add(Classpaths.java());
    command.addAll(jvmOptions);
    command.addAll(launch(classpath, mainClass, args));
    return launch(name, command, environment, logFile);
  }

  /** The class path, {@link ExitWithParent}, the main class and its arguments. */
  private static List<String> launch(String classpath, String mainClass, List<String> args) {
    List<String> launch = new ArrayList<>();
    launch.add("-cp");
    launch.add(Classpaths.withOwnClasses(classpath));
    launch.add(ExitWithParent.class.getName());
    launch.add(mainClass);
    launch.addAll(args);
    return launch;
  }

  private static ServerProcess launch(
      String name, List<String> command, Map<String, String> environment, Path logFile) {
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              // appended: a process started again after a crash keeps the crash's log above it
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().putAll(environment);
      Process process = builder.start();
      LOG.info("{} started as process {}, log {}", name, process.pid(), logFile);
      return new ServerProcess(name, process, logFile);
    } catch (IOException e) {
      throw new StackStartException("could not start " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  /** Waits for the process to end; its exit code, or empty when it outlived the timeout. */
  OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? OptionalInt.of(process.exitValue())
        : OptionalInt.empty();
  }

  /**
   * Runs a short-lived tool of the server (a formatter, say) and waits for it to succeed. Its class
   * path, main class and arguments go in an owner-only argument file, read by the JDK's own
   * launcher ({@code java @FILE}) and removed after: Kafka's storage format takes the SCRAM users'
   * passwords as arguments, which {@code ps} would show every user of the machine.
   */
  static void runToCompletion(
      String name,
      String classpathResource,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      Path logFile,
      Duration timeout) {
    Path argumentFile = logFile.resolveSibling(logFile.getFileName() + ".args");
    StackFiles.write(
        argumentFile,
        launch(Classpaths.of(classpathResource), mainClass, args).stream()
                .map(ServerProcess::quoted)
                .collect(Collectors.joining("\n"))
            + "\n");
    List<String> command = new ArrayList<>();
    command.add(Classpaths.java());
    command.addAll(jvmOptions);
    command.add("@" + argumentFile);
    try (ServerProcess tool = launch(name, command, Map.of(), logFile)) {
      if (!tool.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new StackStartException(tool.failure("did not finish within " + timeout));
      }
      if (tool.process.exitValue() != 0) {
        throw new StackStartException(
            tool.failure("failed with exit code " + tool.process.exitValue()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackStartException(name + " was interrupted", e);
    } finally {
      try {
        Files.deleteIfExists(argumentFile);
      } catch (IOException e) {
        LOG.warn("could not remove {}: {}", argumentFile, e.getMessage());
      }
    }
  }

  /** An argument as a launcher's argument file quotes it. */
  private static String quoted(String argument) {
    return '"' + argument.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Polls {@code ready} until it holds; fails early if the process dies, or at the timeout. */
  void awaitReady(Duration timeout, BooleanSupplier ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new StackStartException(
            failure("exited with code " + process.exitValue() + " before it was ready"));
      }
      if (ready.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new StackStartException(
            failure("was not ready within " + timeout.toSeconds() + " s"));
      }
      try {
        TimeUnit.MILLISECONDS.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StackStartException(name + ": interrupted while waiting for it", e);
      }
    }
  }

  long pid() {
    return process.pid();
  }

  @Override
  public Path logFile() {
    return logFile;
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /** Kills the server (SIGKILL), as a crash would, and waits until it is gone. */
  void kill() {
    try {
      process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("{} killed", name);
  }

  /**
   * Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) with the system's {@code kill}: a
   * process frozen with STOP keeps its sockets open but answers nothing, a gray failure.
   */
  void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("kill -" + signal + " " + pid() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    LOG.info("{} sent SIG{}", name, signal);
  }

  /** Asks the server to stop (SIGTERM) without waiting. */
  void requestStop() {
    process.destroy();
  }

  /** Stops the server: SIGTERM, then SIGKILL if it has not exited after {@link #STOP_TIMEOUT}. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} did not stop within {} s, killing it", name, STOP_TIMEOUT.toSeconds());
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    LOG.info("{} stopped", name);
  }

  private String failure(String what) {
    return name + " " + what + "; read " + logFile + ", which ends with:\n" + tail();
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(the log could not be read: " + e.getMessage() + ")";
    }
  }
}
