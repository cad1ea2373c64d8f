package io.smack.common;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Asynchronous statements with at most a given number in flight, the way the connector's own writer
 * runs them: {@link #add} blocks while the limit is reached, {@link #await} waits for all and
 * rethrows the first failure. The statements must be idempotent, so that the driver may retry them
 * and Spark may run the task again.
 */
public final class AsyncWrites {

  private final CqlSession session;
  private final int limit;
  private final Duration timeout;
  private final Semaphore permits;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  public AsyncWrites(CqlSession session, int limit, Duration timeout) {
    this.session = session;
    this.limit = limit;
    this.timeout = timeout;
    this.permits = new Semaphore(limit);
  }

  public void add(Statement<?> statement) {
    rethrow();
    acquire(1);
    session
        .executeAsync(statement)
        .whenComplete(
            (result, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
              permits.release();
            });
  }

  /** Waits until every statement added has completed; fails with the first failure. */
  public void await() {
    acquire(limit);
    permits.release(limit);
    rethrow();
  }

  private void acquire(int n) {
    try {
      if (!permits.tryAcquire(n, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "Cassandra answered no write for " + timeout + " (" + limit + " in flight)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to Cassandra", e);
    }
  }

  private void rethrow() {
    Throwable error = failure.get();
    if (error != null) {
      throw new IllegalStateException("a write to Cassandra failed: " + error, error);
    }
  }
}
