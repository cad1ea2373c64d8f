package io.smack.deploy.containers;

import java.time.Duration;

/**
 * A Marathon health check of an HTTP kind ({@code HTTP}, {@code MESOS_HTTP}; the {@code S} kinds
 * over TLS) as the launcher polls it: a GET of {@code path} on {@code port}, healthy on a status
 * from 200 to 399 within {@code timeout}.
 *
 * @param delay before the first check (Marathon's {@code delaySeconds}, 15 s by default)
 * @param grace failures are ignored this long after the start, until the first success
 * @param maxConsecutiveFailures failures in a row after which the task is killed; 0 never kills
 */
public record HealthCheck(
    String protocol,
    String path,
    int port,
    Duration delay,
    Duration grace,
    Duration interval,
    Duration timeout,
    int maxConsecutiveFailures) {

  public boolean tls() {
    return protocol.endsWith("HTTPS");
  }

  public String url(String host) {
    return (tls() ? "https" : "http") + "://" + host + ":" + port + path;
  }

  /** Whether {@code status} counts as healthy, as Marathon counts it. */
  public static boolean healthy(int status) {
    return status >= 200 && status <= 399;
  }
}
