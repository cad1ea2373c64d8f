package io.smack.access;

import io.smack.access.Views.LatestQuote;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Each symbol's latest quote, kept for a short time ({@code latest-cache-ttl}): the most read view
 * of the API is answered from memory between two reads of Cassandra, and requests that arrive while
 * a read is in flight share it. A quote changes at most once per streaming batch (seconds), so a
 * TTL of a fraction of a second adds little staleness and takes the read off Cassandra under load.
 * A failed read is not kept. A TTL of zero turns the cache off.
 */
final class LatestCache {

  private record Entry(long expiresAt, CompletionStage<Optional<LatestQuote>> latest) {}

  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Entry> bySymbol = new ConcurrentHashMap<>();

  LatestCache(Duration ttl, LongSupplier nanoTime) {
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
  }

  CompletionStage<Optional<LatestQuote>> latest(
      String symbol, Function<String, CompletionStage<Optional<LatestQuote>>> read) {
    if (ttlNanos == 0) {
      return read.apply(symbol);
    }
    long now = nanoTime.getAsLong();
    Entry entry =
        bySymbol.compute(
            symbol,
            (key, cached) ->
                cached != null && cached.expiresAt() - now > 0
                    ? cached
                    : new Entry(now + ttlNanos, read.apply(key)));
    entry
        .latest()
        .whenComplete(
            (latest, error) -> {
              if (error != null) {
                bySymbol.remove(symbol, entry);
              }
            });
    return entry.latest();
  }
}
