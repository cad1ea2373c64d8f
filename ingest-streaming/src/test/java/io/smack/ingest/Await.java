package io.smack.ingest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting in tests: polls a condition until it holds, and fails at a timeout. */
final class Await {

  private Await() {}

  static void until(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}
