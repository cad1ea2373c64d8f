package io.smack.deploy.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The container engine's command line, {@code docker} or {@code podman} (the same verbs): thin
 * wiring, each call a process with a timeout. podman gets the project's {@code containers.conf}
 * unless {@code CONTAINERS_CONF} names another (see docker/podman/containers.conf).
 */
public final class Engine {

  /** A container's state: {@code running}, {@code exited}, ...; its exit code once exited. */
  public record State(String status, int exitCode, boolean oomKilled) {

    public boolean running() {
      return status.equals("running");
    }
  }

  private static final Duration CALL = Duration.ofSeconds(120);

  private final String binary;
  private final Map<String, String> environment;

  private Engine(String binary, Map<String, String> environment) {
    this.binary = binary;
    this.environment = Map.copyOf(environment);
  }

  /** A Docker engine when one answers, else podman, as {@code bin/smack images} chooses. */
  public static Engine detect(Path root) {
    try {
      Engine docker = new Engine("docker", Map.of());
      if (docker.call(Duration.ofSeconds(20), "info").exitCode() == 0) {
        return docker;
      }
    } catch (UncheckedIOException noDocker) {
      // no docker client: podman
    }
    String conf = System.getenv("CONTAINERS_CONF");
    return new Engine(
        "podman",
        Map.of(
            "CONTAINERS_CONF",
            conf == null ? root.resolve("docker/podman/containers.conf").toString() : conf));
  }

  public String binary() {
    return binary;
  }

  public boolean hasImage(String image) {
    return call(CALL, "image", "inspect", image).exitCode() == 0;
  }

  /**
   * Starts {@code spec} detached, its environment in a file only root can read, removed once the
   * engine has read it.
   */
  public void run(ContainerSpec spec, Path dir, Map<String, String> labels) {
    try {
      Files.createDirectories(dir);
      Path envFile =
          Files.createTempFile(
              dir,
              spec.name(),
              ".env",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(envFile, spec.envFileText());
        List<String> args = new ArrayList<>(spec.runArguments(envFile));
        int at = args.indexOf(spec.image());
        labels.forEach((key, value) -> args.addAll(at, List.of("--label", key + "=" + value)));
        Result result = call(CALL, args.toArray(String[]::new));
        if (result.exitCode() != 0) {
          throw new IllegalStateException(
              binary + " could not start " + spec.name() + ": " + result.output().strip());
        }
      } finally {
        Files.deleteIfExists(envFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the environment of " + spec.name(), e);
    }
  }

  public State state(String name) {
    Result result =
        call(
            CALL,
            "inspect",
            "--format",
            "{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}",
            name);
    if (result.exitCode() != 0) {
      return new State("missing", -1, false);
    }
    String[] parts = result.output().strip().split("\\s+");
    return new State(parts[0], Integer.parseInt(parts[1]), Boolean.parseBoolean(parts[2]));
  }

  /** SIGTERM, then SIGKILL after {@code grace}, as a Mesos agent kills a task. */
  public void stop(String name, Duration grace) {
    call(grace.plus(CALL), "stop", "--time", String.valueOf(grace.toSeconds()), name);
  }

  /** Waits until the container exits; its exit code. */
  public int await(String name, Duration timeout) {
    Result result = call(timeout, "wait", name);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(name + " did not exit within " + timeout);
    }
    return Integer.parseInt(result.output().strip().lines().reduce((a, b) -> b).orElse("-1"));
  }

  public void saveLogs(String name, Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, call(CALL, "logs", name).output());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * The line of the container's log that best says why it ended: the last uncaught exception, else
   * the last ERROR, else the last WARN, else the last line; at most 300 characters.
   */
  public String lastWords(String name) {
    List<String> lines = call(CALL, "logs", "--tail", "5000", name).output().lines().toList();
    String chosen = "";
    for (String level : List.of("Exception in thread", "ERROR", "WARN", "")) {
      for (String line : lines) {
        if (line.contains(level) && !line.isBlank() && !line.startsWith("\t")) {
          chosen = line;
        }
      }
      if (!chosen.isEmpty()) {
        break;
      }
    }
    return chosen.length() > 300 ? chosen.substring(0, 300) + "..." : chosen.strip();
  }

  public void remove(String name) {
    call(CALL, "rm", "--force", name);
  }

  /** The containers that carry {@code label=value}, running or not. */
  public List<String> labelled(String label, String value) {
    Result result =
        call(
            CALL,
            "ps",
            "--all",
            "--filter",
            "label=" + label + "=" + value,
            "--format",
            "{{.Names}}");
    return result.output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** Runs {@code command} in the running container; its output. */
  public String exec(String name, String... command) {
    List<String> args = new ArrayList<>(List.of("exec", name));
    args.addAll(List.of(command));
    return call(CALL, args.toArray(String[]::new)).output().strip();
  }

  /**
   * The most memory the container has used since it started, in bytes, as its cgroup counts it
   * (v1's max_usage_in_bytes, v2's memory.peak); -1 where the kernel keeps no peak.
   */
  public long memoryPeak(String name) {
    String peak =
        exec(
            name,
            "sh",
            "-c",
            "cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes 2>/dev/null"
                + " || cat /sys/fs/cgroup/memory.peak 2>/dev/null");
    return peak.matches("\\d+") ? Long.parseLong(peak) : -1;
  }

  private record Result(int exitCode, String output) {}

  /**
   * Runs the engine with {@code args}; its output goes through a file, so that the timeout holds
   * even when the engine hangs without closing its output.
   */
  private Result call(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of(binary));
    command.addAll(List.of(args));
    Path output = null;
    try {
      output = Files.createTempFile("smack-engine", ".out");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(binary + " " + args[0] + " did not end within " + timeout);
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + binary + " " + args[0], e);
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }
}
