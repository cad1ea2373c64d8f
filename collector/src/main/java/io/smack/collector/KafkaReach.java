package io.smack.collector;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether Kafka takes what the collector sends: the records handed to the producer and not yet
 * acknowledged, and since when nothing was acknowledged while some waited. Liveness does not depend
 * on it (a restart brings Kafka no closer); readiness does, and a stop uses it to say what it
 * leaves unsent. The producer's own metrics tell connections, not whether records get through.
 */
final class KafkaReach {

  /** Readiness: Kafka acknowledged nothing for {@code after} while records waited. */
  record Unreachable(Instant since, long waiting) {}

  private final Clock clock;
  private long waiting;
  private Instant waitingSince;

  KafkaReach(Clock clock) {
    this.clock = clock;
  }

  /** Records handed to the producer. */
  synchronized void sending(int records) {
    if (waiting == 0) {
      waitingSince = clock.instant();
    }
    waiting += records;
  }

  /** Records Kafka acknowledged, or that failed: no longer waiting. */
  synchronized void done(int records) {
    waiting = Math.max(0, waiting - records);
    waitingSince = waiting == 0 ? null : clock.instant();
  }

  /** Records handed to the producer and not acknowledged. */
  synchronized long waiting() {
    return waiting;
  }

  /** Empty while Kafka acknowledged something within {@code after} of the records waiting. */
  synchronized Optional<Unreachable> unreachable(Duration after) {
    if (waiting == 0 || Duration.between(waitingSince, clock.instant()).compareTo(after) <= 0) {
      return Optional.empty();
    }
    return Optional.of(new Unreachable(waitingSince, waiting));
  }
}
