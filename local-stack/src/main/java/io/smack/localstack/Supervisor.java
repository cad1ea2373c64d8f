package io.smack.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts what dies, as Marathon does on Mesos: a part that exits on its own is reported with its
 * exit code (or the signal that killed it) and its log, and started again after a delay that grows
 * with each failure in a row — Marathon's defaults, 1 s times 1.15 per failure, at most 5 minutes —
 * and goes back to 1 s once the part has run for {@link #STABLE}. The others keep running.
 *
 * <p>Restarts run on a thread of their own, one at a time: starting a Cassandra node waits until it
 * answers, and the loop that calls {@link #check} must go on meanwhile.
 */
final class Supervisor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  static final Duration FIRST_DELAY = Duration.ofSeconds(1);
  static final double FACTOR = 1.15;
  static final Duration MAX_DELAY = Duration.ofMinutes(5);
  static final Duration STABLE = Duration.ofMinutes(5);

  /** A process as the supervisor sees it. */
  interface Running {

    String name();

    boolean isAlive();

    /** The exit code (128 + the signal when a signal killed it), once the process has exited. */
    OptionalInt exitCode();

    Path logFile();
  }

  /**
   * Something supervised, a server of the stack or a part of the pipeline: its current process, and
   * how to start it again (which may block until it is ready, and replaces the current one).
   */
  record Part(Supplier<? extends Running> current, Runnable restart) {

    String name() {
      return current.get().name();
    }
  }

  private final class Watched {
    final Part part;
    int failures;
    Instant startedAt;
    Instant restartAt;
    Future<?> restarting;

    Watched(Part part, Instant now) {
      this.part = part;
      this.startedAt = now;
    }
  }

  private final List<Watched> watched = new ArrayList<>();
  private final ExecutorService restarts =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "restarts");
            thread.setDaemon(true);
            return thread;
          });

  /** Watches {@code part} from now on. */
  void watch(Part part) {
    watch(part, Instant.now());
  }

  /** Watches {@code part}, started at {@code now} on the clock that {@link #check} is given. */
  synchronized void watch(Part part, Instant now) {
    watched.add(new Watched(part, now));
  }

  /** Reports the parts that died since the last call and restarts those whose delay is over. */
  synchronized void check(Instant now) {
    for (Watched w : watched) {
      if (w.restarting != null) {
        if (!w.restarting.isDone()) {
          continue;
        }
        w.restarting = null;
        w.startedAt = now;
      }
      Running process = w.part.current().get();
      if (process.isAlive()) {
        if (w.failures > 0 && Duration.between(w.startedAt, now).compareTo(STABLE) >= 0) {
          w.failures = 0;
        }
        continue;
      }
      if (w.restartAt == null) {
        w.failures++;
        Duration delay = delay(w.failures);
        w.restartAt = now.plus(delay);
        LOG.error(
            "{} {} after {} s; restarting it in {} s (failure {} in a row); its log: {}",
            process.name(),
            describe(process.exitCode()),
            Duration.between(w.startedAt, now).toSeconds(),
            Math.max(1, delay.toSeconds()),
            w.failures,
            process.logFile());
      } else if (!now.isBefore(w.restartAt)) {
        w.restartAt = null;
        Part part = w.part;
        w.restarting =
            restarts.submit(
                () -> {
                  LOG.info("restarting {}", part.name());
                  try {
                    part.restart().run();
                  } catch (RuntimeException e) {
                    LOG.error("{} did not start again: {}", part.name(), e.getMessage());
                  }
                });
      }
    }
  }

  /** The delay before restart number {@code failures} in a row. */
  static Duration delay(int failures) {
    double seconds = FIRST_DELAY.toMillis() / 1000.0 * Math.pow(FACTOR, failures - 1);
    return Duration.ofMillis((long) (Math.min(seconds, MAX_DELAY.toSeconds()) * 1000));
  }

  /** "exited with code 1", or "was killed by SIGKILL" for a JVM's 128 + signal. */
  static String describe(OptionalInt exitCode) {
    if (exitCode.isEmpty()) {
      return "stopped";
    }
    int code = exitCode.getAsInt();
    if (code > 128 && code < 128 + 32) {
      return "was killed by " + signal(code - 128) + " (exit code " + code + ")";
    }
    return "exited with code " + code;
  }

  private static String signal(int number) {
    return switch (number) {
      case 1 -> "SIGHUP";
      case 2 -> "SIGINT";
      case 6 -> "SIGABRT";
      case 9 -> "SIGKILL";
      case 11 -> "SIGSEGV";
      case 15 -> "SIGTERM";
      default -> "signal " + number;
    };
  }

  @Override
  public void close() {
    restarts.shutdownNow();
  }
}
