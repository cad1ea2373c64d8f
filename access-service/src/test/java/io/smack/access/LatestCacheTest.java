package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.access.Views.LatestQuote;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LatestCacheTest {

  private static final LatestQuote AAPL =
      new LatestQuote("AAPL", Instant.parse("2026-11-23T14:30:00Z"), 189.5, 100, "sim");

  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger reads = new AtomicInteger();

  @Test
  void should_read_once_within_the_ttl_and_again_after_it() {
    // given
    LatestCache cache = new LatestCache(Duration.ofMillis(250), clock::get);
    Function<String, CompletionStage<Optional<LatestQuote>>> read = counted(Optional.of(AAPL));

    // when
    cache.latest("AAPL", read);
    clock.addAndGet(Duration.ofMillis(249).toNanos());
    Optional<LatestQuote> cached = cache.latest("AAPL", read).toCompletableFuture().join();
    clock.addAndGet(Duration.ofMillis(2).toNanos());
    cache.latest("AAPL", read);

    // then
    assertThat(cached).contains(AAPL);
    assertThat(reads).hasValue(2);
  }

  @Test
  void should_not_keep_a_failed_read() {
    LatestCache cache = new LatestCache(Duration.ofSeconds(10), clock::get);
    cache.latest(
        "AAPL",
        symbol -> {
          reads.incrementAndGet();
          return CompletableFuture.failedFuture(new IllegalStateException("down"));
        });
    assertThat(cache.latest("AAPL", counted(Optional.of(AAPL))).toCompletableFuture().join())
        .contains(AAPL);
    assertThat(reads).hasValue(2);
  }

  @Test
  void should_read_every_time_when_the_ttl_is_zero() {
    LatestCache cache = new LatestCache(Duration.ZERO, clock::get);
    Function<String, CompletionStage<Optional<LatestQuote>>> read = counted(Optional.empty());
    cache.latest("AAPL", read);
    cache.latest("AAPL", read);
    assertThat(reads).hasValue(2);
  }

  private Function<String, CompletionStage<Optional<LatestQuote>>> counted(
      Optional<LatestQuote> answer) {
    return symbol -> {
      reads.incrementAndGet();
      return CompletableFuture.completedFuture(answer);
    };
  }
}
