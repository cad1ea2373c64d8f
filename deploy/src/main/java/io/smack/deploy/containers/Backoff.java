package io.smack.deploy.containers;

import java.time.Duration;

/**
 * Marathon's launch backoff: the n-th start in a row after a failure waits {@code backoffSeconds *
 * backoffFactor^(n-1)}, at most {@code maxLaunchDelaySeconds}.
 */
public record Backoff(Duration first, double factor, Duration max) {

  /** Marathon's defaults: 1 s, factor 1.15, at most 300 s. */
  public static final Backoff MARATHON_DEFAULT =
      new Backoff(Duration.ofSeconds(1), 1.15, Duration.ofSeconds(300));

  /** The wait before the {@code failures}-th restart in a row (1 is the first). */
  public Duration delay(int failures) {
    double millis = first.toMillis() * Math.pow(factor, Math.max(0, failures - 1));
    return millis >= max.toMillis() ? max : Duration.ofMillis(Math.round(millis));
  }
}
