package io.smack.deploy.containers;

import java.time.Duration;
import java.time.Instant;

/**
 * What one health check has said of one task so far, and what Marathon would do: ignore failures in
 * the grace period until the task is healthy once, then kill it after {@code
 * maxConsecutiveFailures} failures in a row. Pure: the caller polls and reports each result.
 */
public final class HealthState {

  /** What a result means for the task. */
  public enum Verdict {
    /** not checked yet, or failing within the grace period */
    STARTING,
    HEALTHY,
    /** failing, fewer times in a row than the check tolerates */
    FAILING,
    /** failed as often in a row as the check tolerates: kill the task */
    KILL
  }

  private final HealthCheck check;
  private final Instant started;
  private Instant lastCheck;
  private boolean healthyOnce;
  private int consecutiveFailures;
  private Verdict verdict = Verdict.STARTING;
  private String lastFailure = "";

  public HealthState(HealthCheck check, Instant started) {
    this.check = check;
    this.started = started;
  }

  public HealthCheck check() {
    return check;
  }

  /** Whether a check is due at {@code now}: after the delay, then every interval. */
  public boolean due(Instant now) {
    if (now.isBefore(started.plus(check.delay()))) {
      return false;
    }
    return lastCheck == null || !now.isBefore(lastCheck.plus(check.interval()));
  }

  /** Records a check's outcome at {@code now}; {@code failure} says why when it failed. */
  public Verdict record(boolean ok, String failure, Instant now) {
    lastCheck = now;
    if (ok) {
      healthyOnce = true;
      consecutiveFailures = 0;
      verdict = Verdict.HEALTHY;
      return verdict;
    }
    lastFailure = failure;
    boolean inGrace = !healthyOnce && now.isBefore(started.plus(check.grace()));
    if (inGrace) {
      verdict = Verdict.STARTING;
      return verdict;
    }
    consecutiveFailures++;
    verdict =
        check.maxConsecutiveFailures() > 0 && consecutiveFailures >= check.maxConsecutiveFailures()
            ? Verdict.KILL
            : Verdict.FAILING;
    return verdict;
  }

  public Verdict verdict() {
    return verdict;
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public String lastFailure() {
    return lastFailure;
  }

  /** How long a task may take to be healthy before Marathon could have killed it. */
  public static Duration patience(HealthCheck check) {
    Duration failing = check.interval().multipliedBy(Math.max(1, check.maxConsecutiveFailures()));
    return check.delay().plus(check.grace()).plus(failing);
  }
}
