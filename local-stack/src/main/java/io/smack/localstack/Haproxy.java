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
 * an HTTP service, or of several services routed by path, as marathon-lb balances the access
 * services: round robin, an HTTP health check on {@code /health/ready} every second, and a request
 * that meets a dead instance (refused, reset, no answer) sent again to another one ({@code retry-on
 * all-retryable-errors}, {@code option redispatch}) — safe, as the API's requests are reads; and
 * limits that keep slow clients from holding the front end ({@link #SLOW_CLIENT_LIMITS}).
 *
 * <p>Uses the JDK only.
 */
public final class Haproxy implements AutoCloseable, Supervisor.Running {

  private static final List<Path> PLACES = List.of(Path.of("/usr/sbin/haproxy"));

  /**
   * What keeps slow clients (slowloris: headers sent a byte a second) from taking the balancer from
   * the others, as the front end's lines: a request's headers must arrive whole within 5 s (else
   * 408 and the connection closed; Pekko HTTP answers in 2 s, so a real client's headers take a
   * fraction of that), at most 2 000 connections at once, and at most 100 of them from one address
   * (a stick table counts each address's connections; the 101st is closed as it comes). The deploy
   * files give marathon-lb the same lines ({@code HAPROXY_0_FRONTEND_HEAD}).
   */
  public static final List<String> SLOW_CLIENT_LIMITS =
      List.of(
          "  timeout http-request 5s",
          "  maxconn 2000",
          "  stick-table type ip size 100k expire 30s store conn_cur",
          "  tcp-request connection track-sc0 src",
          "  tcp-request connection reject if { sc_conn_cur(0) gt 100 }");

  /**
   * One backend: its name, the HAProxy condition that routes a request to it ({@code path_beg
   * /bars/}, as marathon-lb writes {@code HAPROXY_0_PATH}; empty for the backend that takes what no
   * other takes) and its servers.
   */
  public record Backend(String name, Optional<String> route, List<InetSocketAddress> servers) {

    /** The one backend of a service that is not split: every request goes to it. */
    public static Backend only(String name, List<InetSocketAddress> servers) {
      return new Backend(name, Optional.empty(), servers);
    }
  }

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
    return routing(dir, port, List.of(Backend.only("access", servers)));
  }

  /**
   * Starts HAProxy on 127.0.0.1:{@code port} in front of {@code backends}, routing each request by
   * its path to the first backend whose route it matches (in the list's order), else to the one
   * without a route; its configuration and log under {@code dir}; and waits until it listens.
   */
  public static Haproxy routing(Path dir, int port, List<Backend> backends) {
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
      Files.writeString(config, config(port, backends));
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

  /**
   * The configuration: one HTTP front end on {@code port}, a {@code use_backend} line per routed
   * backend in their order (as marathon-lb orders them by {@code HAPROXY_0_BACKEND_WEIGHT}), and
   * the backend without a route as the default.
   */
  static String config(int port, List<Backend> backends) {
    List<Backend> fallback = backends.stream().filter(b -> b.route().isEmpty()).toList();
    if (fallback.size() != 1) {
      throw new IllegalArgumentException(
          "one backend takes what no route takes; these have no route: "
              + fallback.stream().map(Backend::name).toList());
    }
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
    lines.addAll(SLOW_CLIENT_LIMITS);
    // the client's address for the access service's rate limit (ACCESS_TRUST_FORWARDED_FOR), as
    // marathon-lb's HTTP frontends give it
    lines.add("  option forwardfor");
    for (Backend backend : backends) {
      backend
          .route()
          .ifPresent(
              route -> {
                lines.add("  acl path_" + backend.name() + " " + route);
                lines.add("  use_backend " + backend.name() + " if path_" + backend.name());
              });
    }
    lines.add("  default_backend " + fallback.get(0).name());
    for (Backend backend : backends) {
      lines.add("backend " + backend.name());
      lines.add("  balance roundrobin");
      // HTTP/1.1 with a Host header: Pekko HTTP answers a bare HTTP/1.0 check with 400
      lines.add("  option httpchk");
      lines.add("  http-check send meth GET uri /health/ready ver HTTP/1.1 hdr Host localhost");
      lines.add("  http-check expect status 200");
      lines.add("  default-server inter 1s fall 2 rise 2");
      List<InetSocketAddress> servers = backend.servers();
      for (int i = 0; i < servers.size(); i++) {
        InetSocketAddress server = servers.get(i);
        lines.add(
            "  server "
                + backend.name()
                + "-"
                + (i + 1)
                + " "
                + server.getHostString()
                + ":"
                + server.getPort()
                + " check");
      }
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
