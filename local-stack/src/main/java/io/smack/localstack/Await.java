package io.smack.localstack;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests against the stack: polls a condition until it holds, and fails at a timeout. JDK
 * only, like the rest of what other modules get of this jar.
 */
public final class Await {

  private Await() {}

  public static void until(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    until(condition, timeout, Duration.ofMillis(20));
  }

  /** As {@link #until(BooleanSupplier, Duration)}, asking every {@code poll}: for costly checks. */
  public static void until(BooleanSupplier condition, Duration timeout, Duration poll)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(poll.toMillis());
    }
  }
}
