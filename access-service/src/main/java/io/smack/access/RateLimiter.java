package io.smack.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * A token bucket per client: each holds up to {@code burst} requests and refills at {@code
 * perSecond}; a request finding it empty is refused with the time until it holds one again. Pekko
 * HTTP has no per-client limit of its own (its throttle paces one stream), and a bucket is a few
 * lines of arithmetic; what needs care — that the buckets of ever new clients cannot grow the heap
 * — is Caffeine's: at most {@code maxClients} buckets, each dropped once idle long enough to have
 * refilled (a new one is full, so dropping it changes nothing).
 */
final class RateLimiter {

  /** A request's fate: allowed, or refused for this many seconds. */
  record Verdict(boolean allowed, long retryAfterSeconds) {}

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }
  }

  private final double perSecond;
  private final int burst;
  private final Ticker ticker;
  private final Cache<String, Bucket> buckets;

  RateLimiter(double perSecond, int burst, long maxClients, Ticker ticker) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("a rate above 0 and a burst of 1 or more");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.ticker = ticker;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(maxClients)
            .expireAfterAccess(Duration.ofNanos((long) Math.ceil(burst / perSecond * 1e9)))
            .ticker(ticker)
            .build();
  }

  /** Takes a request from {@code client}'s bucket. */
  Verdict take(String client) {
    long now = ticker.read();
    Bucket bucket = buckets.get(client, key -> new Bucket(burst, now));
    synchronized (bucket) {
      double refill = (now - bucket.refilledAt) / 1e9 * perSecond;
      bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, refill));
      bucket.refilledAt = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return new Verdict(true, 0);
      }
      return new Verdict(false, (long) Math.ceil((1 - bucket.tokens) / perSecond));
    }
  }
}
