package io.smack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP load generator wrk (Debian package {@code wrk}): installed with apt-get when missing and
 * this is root, run, and its report read back (requests per second, latency percentiles, errors).
 */
final class Wrk {

  private static final Logger LOG = LoggerFactory.getLogger(Wrk.class);
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern PERCENTILE =
      Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  /** What one run measured. Latencies in milliseconds. */
  record Report(double requestsPerSecond, double p50, double p99, long errors) {}

  /**
   * A throttle: each connection waits {@code args[1]} ms before each request, so that {@code c}
   * connections offer about c × 1000 / (wait + latency) requests per second (wrk has no rate
   * option; wrk2 is not packaged).
   */
  private static final String THROTTLE =
      "local wait = 0\n"
          + "function init(args) wait = tonumber(args[1]) end\n"
          + "function delay() return wait end\n";

  private final Path work;

  private Wrk(Path work) {
    this.work = work;
  }

  /**
   * @throws IllegalStateException when wrk is missing and cannot be installed
   */
  static Wrk ready(Path work) throws IOException, InterruptedException {
    if (!onPath()) {
      boolean root = "root".equals(System.getProperty("user.name"));
      if (!root) {
        throw new IllegalStateException(
            "wrk is not installed and this is not root: apt-get install wrk, then run again");
      }
      LOG.info("installing wrk (Debian package)");
      run(List.of("apt-get", "update", "-qq"));
      run(List.of("apt-get", "install", "-y", "-qq", "wrk"));
      if (!onPath()) {
        throw new IllegalStateException("apt-get did not install wrk");
      }
    }
    Files.createDirectories(work);
    Files.writeString(work.resolve("throttle.lua"), THROTTLE);
    return new Wrk(work);
  }

  /** As many requests as {@code connections} connections can make, for {@code duration}. */
  Report peak(String url, int connections, Duration duration)
      throws IOException, InterruptedException {
    return measure(url, connections, duration, List.of());
  }

  /** Each connection waiting {@code waitMillis} before each request. */
  Report throttled(String url, int connections, int waitMillis, Duration duration)
      throws IOException, InterruptedException {
    return measure(
        url,
        connections,
        duration,
        List.of(
            "-s", work.resolve("throttle.lua").toString(), url, "--", String.valueOf(waitMillis)));
  }

  private Report measure(String url, int connections, Duration duration, List<String> script)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "wrk",
                "-t2",
                "-c" + connections,
                "-d" + duration.toSeconds() + "s",
                "--timeout",
                "5s",
                "--latency"));
    if (script.isEmpty()) {
      command.add(url);
    } else {
      command.addAll(script);
    }
    String out = run(command);
    return parse(out);
  }

  static Report parse(String out) {
    Matcher rate = RATE.matcher(out);
    if (!rate.find()) {
      throw new IllegalStateException("no Requests/sec in wrk's report:\n" + out);
    }
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    Matcher percentile = PERCENTILE.matcher(out);
    while (percentile.find()) {
      double value = Double.parseDouble(percentile.group(2));
      double millis =
          switch (percentile.group(3)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
          };
      if (percentile.group(1).equals("50")) {
        p50 = millis;
      } else {
        p99 = millis;
      }
    }
    long errors = 0;
    Matcher non2xx = NON_2XX.matcher(out);
    if (non2xx.find()) {
      errors += Long.parseLong(non2xx.group(1));
    }
    Matcher socket = SOCKET_ERRORS.matcher(out);
    if (socket.find()) {
      for (int i = 1; i <= 4; i++) {
        errors += Long.parseLong(socket.group(i));
      }
    }
    return new Report(Double.parseDouble(rate.group(1)), p50, p99, errors);
  }

  private static boolean onPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, "wrk"))) {
        return true;
      }
    }
    return false;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }
}
