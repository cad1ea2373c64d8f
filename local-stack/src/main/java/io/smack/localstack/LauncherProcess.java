package io.smack.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local stack started as a process of its own ({@link LocalStackMain} on free ports), for test
 * JVMs that must not load the stack's libraries. It exits with the JVM that started it, even when
 * that one is killed, through {@link ExitWithParent}.
 *
 * <p>Uses the JDK only.
 */
public final class LauncherProcess implements AutoCloseable {

  private static final String CLASSPATH = "/io/smack/localstack/launcher.classpath";
  private static final String LOGBACK = "io/smack/localstack/launcher-logback.xml";
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

  /**
   * A cluster starts its Cassandra nodes one after the seed, each up to a few minutes when busy.
   */
  private static final Duration CLUSTER_READY_TIMEOUT = Duration.ofMinutes(10);

  private final Process process;
  private final StackAddresses addresses;

  private LauncherProcess(Process process, StackAddresses addresses) {
    this.process = process;
    this.addresses = addresses;
  }

  /** Starts a stack with its data under {@code dir} and waits until it is ready. */
  public static LauncherProcess start(Path dir) {
    return start(dir, false);
  }

  /**
   * Starts a stack, or with {@code cluster} the local cluster ({@code LocalStackMain --cluster}),
   * with its data under {@code dir}, and waits until it is ready.
   */
  public static LauncherProcess start(Path dir, boolean cluster) {
    Path readyFile = dir.resolve("stack.properties");
    Path log = dir.resolve("launcher.log");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(readyFile);
      List<String> command =
          new ArrayList<>(
              List.of(
                  Classpaths.java(),
                  "-Xmx256m",
                  "-Dlogback.configurationFile=" + LOGBACK,
                  "-cp",
                  Classpaths.withOwnClasses(Classpaths.of(CLASSPATH)),
                  ExitWithParent.class.getName(),
                  LocalStackMain.class.getName(),
                  "--free-ports",
                  "--dir",
                  dir.toAbsolutePath().toString(),
                  "--ready-file",
                  readyFile.toAbsolutePath().toString()));
      if (cluster) {
        command.add("--cluster");
      }
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      return new LauncherProcess(
          process,
          awaitReady(process, readyFile, log, cluster ? CLUSTER_READY_TIMEOUT : READY_TIMEOUT));
    } catch (IOException e) {
      throw new StackStartException("could not start the local stack: " + e.getMessage(), e);
    }
  }

  public StackAddresses addresses() {
    return addresses;
  }

  /** Stops the stack (SIGTERM to the launcher, which stops both servers) and waits for it. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static StackAddresses awaitReady(
      Process process, Path readyFile, Path log, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!Files.exists(readyFile)) {
        if (process.waitFor(250, TimeUnit.MILLISECONDS)) {
          throw new StackStartException(
              "the local stack exited with code " + process.exitValue() + "; " + tail(log));
        }
        if (System.nanoTime() > deadline) {
          process.destroy();
          throw new StackStartException(
              "the local stack was not ready within " + timeout + "; " + tail(log));
        }
      }
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
      throw new StackStartException("interrupted while the local stack started", e);
    }
    return StackAddresses.readFrom(readyFile);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "read "
          + log
          + ", which ends with:\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "read " + log;
    }
  }
}
