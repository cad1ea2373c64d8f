package io.smack.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The command lines of the machine's processes, as {@code ps} shows them to any user ({@code
 * /proc/PID/cmdline}, arguments joined by spaces): now, or every one seen while sampling.
 */
final class CommandLines {

  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Thread sampler;
  private volatile boolean running = true;

  private CommandLines() {
    sampler =
        new Thread(
            () -> {
              while (running) {
                seen.addAll(now());
                try {
                  TimeUnit.MILLISECONDS.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "command-lines");
    sampler.setDaemon(true);
  }

  /** Starts sampling every 20 ms, until {@link #stop}. */
  static CommandLines sample() {
    CommandLines lines = new CommandLines();
    lines.sampler.start();
    return lines;
  }

  /** Stops sampling; every command line seen. */
  Set<String> stop() {
    running = false;
    try {
      sampler.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    seen.addAll(now());
    return Set.copyOf(seen);
  }

  /** The command line of every process now. */
  static Set<String> now() {
    Set<String> lines = ConcurrentHashMap.newKeySet();
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      processes
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                try {
                  byte[] line = Files.readAllBytes(p.resolve("cmdline"));
                  lines.add(new String(line, StandardCharsets.UTF_8).replace('\0', ' '));
                } catch (IOException e) {
                  // the process ended meanwhile
                }
              });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("listing /proc failed", e);
    }
    return lines;
  }
}
