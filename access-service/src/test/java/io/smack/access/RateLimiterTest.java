package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong clock = new AtomicLong();
  private final RateLimiter limiter = new RateLimiter(2, 3, 1000, clock::get);

  @Test
  void should_allow_a_burst_then_refuse_until_a_token_is_back() {
    // when: four requests at once from one client, the burst being 3
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.take("10.0.0.1").allowed()).isTrue();
    }
    RateLimiter.Verdict fourth = limiter.take("10.0.0.1");

    // then: refused for the second a token takes at 2 per second (rounded up), others unaffected
    assertThat(fourth).isEqualTo(new RateLimiter.Verdict(false, 1));
    assertThat(limiter.take("10.0.0.2").allowed()).isTrue();

    // and half a second later one token is back
    clock.addAndGet(500_000_000L);
    assertThat(limiter.take("10.0.0.1").allowed()).isTrue();
    assertThat(limiter.take("10.0.0.1").allowed()).isFalse();
  }

  @Test
  void should_never_hold_more_than_the_burst() {
    // given: an hour idle
    limiter.take("10.0.0.1");
    clock.addAndGet(3_600_000_000_000L);

    // then: three, not 7 200
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.take("10.0.0.1").allowed()).isTrue();
    }
    assertThat(limiter.take("10.0.0.1").allowed()).isFalse();
  }
}
