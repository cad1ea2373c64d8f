package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class KafkaReachTest {

  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final Duration AFTER = Duration.ofSeconds(15);

  private Instant now = T0;
  private final KafkaReach reach =
      new KafkaReach(
          new Clock() {
            @Override
            public Instant instant() {
              return now;
            }

            @Override
            public java.time.ZoneId getZone() {
              return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
              return this;
            }
          });

  @Test
  void should_say_since_when_kafka_acknowledged_nothing_while_records_waited() {
    // given: 100 records sent at T0, 40 acknowledged at T0 + 5 s
    reach.sending(100);
    now = T0.plusSeconds(5);
    reach.done(40);

    // when, then: within 15 s of the last acknowledgement it is reachable
    now = T0.plusSeconds(20);
    assertThat(reach.unreachable(AFTER)).isEmpty();
    now = T0.plusSeconds(21);
    assertThat(reach.unreachable(AFTER))
        .contains(new KafkaReach.Unreachable(T0.plusSeconds(5), 60));
  }

  @Test
  void should_be_reachable_when_nothing_waits_however_long_ago_the_last_acknowledgement() {
    // given
    reach.sending(10);
    reach.done(10);

    // when
    now = T0.plusSeconds(3600);

    // then
    assertThat(reach.unreachable(AFTER)).isEmpty();
    assertThat(reach.waiting()).isZero();
  }
}
