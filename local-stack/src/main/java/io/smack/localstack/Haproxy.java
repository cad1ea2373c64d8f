package io.smack.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (Debian's {@code haproxy}, what marathon-lb runs) in front of several instances of
 * an HTTP service, as marathon-lb balances the access service: round robin, an HTTP health check on
 * {@code /health/ready} every second, and a request that meets a dead instance (refused, reset, no
 * answer) sent again to another one ({@code retry-on all-retryable-errors}, {@code option
 * redispatch}) — safe, as the API's requests are reads.
 *
 * <p>Uses the JDK only.
 */
public final class Haproxy implements AutoCloseable, Supervisor.Running {

  private static final List<Path> PLACES = List.of(Path.of("/usr/sbin/haproxy"));

  private final Process process;
  private final int port;
  private final Path logFile;

  private Haproxy(Process process, int port, Path logFile) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
  }

  /** The haproxy binary: Debian's place, or the first on the PATH. */
  public static Optional<Path> binary() {
    for (Path place : PLACES) {
      if (Files.isExecutable(place)) {
        return Optional.of(place);
      }
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "haproxy");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Starts HAProxy on 127.0.0.1:{@code port} in front of {@code servers}, its configuration and log
   * under {@code dir}, and waits until it listens.
   */
  public static Haproxy start(Path dir, int port, List<InetSocketAddress> servers) {
    Path haproxy =
        binary()
            .orElseThrow(
                () ->
                    new StackStartException(
                        "haproxy is not installed: apt-get install haproxy (bin/smack test"
                            + " installs it when it runs as root)"));
    try {
      Files.createDirectories(dir);
      Path config = dir.resolve("haproxy.cfg");
      Path log = dir.resolve("haproxy.log");
      Files.writeString(config, config(port, servers));
      Process process =
          new ProcessBuilder(haproxy.toString(), "-db", "-f", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      Haproxy started = new Haproxy(process, port, log);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Ports.listening(port)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          started.close();
          throw new StackStartException(
              "HAProxy did not start on port " + port + "; read " + log + " and " + config);
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
      return started;
    } catch (IOException e) {
      throw new StackStartException("could not start HAProxy: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackStartException("interrupted while HAProxy started", e);
    }
  }

  /** The configuration: one HTTP front end on {@code port}, the servers behind it. */
  static String config(int port, List<InetSocketAddress> servers) {
    List<String> lines = new ArrayList<>();
    lines.add("# Written by the local stack at each start; edits are overwritten.");
    lines.add("global");
    lines.add("  maxconn 4096");
    lines.add("defaults");
    lines.add("  mode http");
    lines.add("  timeout connect 1s");
    lines.add("  timeout client 30s");
    // above the access service's own request timeout (2 s), so that it answers 503 first
    lines.add("  timeout server 10s");
    // a request that found a dead instance goes to another one: reads are safe to send again
    lines.add("  retries 3");
    lines.add("  option redispatch 1");
    lines.add("  retry-on all-retryable-errors");
    lines.add("frontend api");
    lines.add("  bind 127.0.0.1:" + port);
    // the client's address for the access service's rate limit (ACCESS_TRUST_FORWARDED_FOR), as
    // marathon-lb's HTTP frontends give it
    lines.add("  option forwardfor");
    lines.add("  default_backend access");
    lines.add("backend access");
    lines.add("  balance roundrobin");
    // HTTP/1.1 with a Host header: Pekko HTTP answers a bare HTTP/1.0 check with 400
    lines.add("  option httpchk");
    lines.add("  http-check send meth GET uri /health/ready ver HTTP/1.1 hdr Host localhost");
    lines.add("  http-check expect status 200");
    lines.add("  default-server inter 1s fall 2 rise 2");
    for (int i = 0; i < servers.size(); i++) {
      InetSocketAddress server = servers.get(i);
      lines.add(
          "  server access-"
              + (i + 1)
              + " "
              + server.getHostString()
              + ":"
              + server.getPort()
              + " check");
    }
    lines.add("");
    return String.join("\n", lines);
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:port}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public String name() {
    return "HAProxy";
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  @Override
  public Path logFile() {
    return logFile;
  }

  /** SIGTERM (HAProxy stops at once), SIGKILL after 10 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
