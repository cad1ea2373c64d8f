package io.smack.access;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A value per symbol read from Cassandra and kept for a while — the latest quote (a fraction of a
 * second: it changes once per streaming batch at most), the served model (until it may have been
 * promoted again) — bounded in time and in entries by Caffeine: the least used symbols go first
 * once {@code maximumSize} are held, so that requests for ever new made-up symbols cannot grow the
 * heap. Requests that arrive while a read is in flight share it; a failed read is not kept. A time
 * of zero turns the cache off. Its hits, misses and evictions are in {@code /metrics} ({@code
 * caffeine_cache_*{cache="NAME"}}).
 *
 * @param <V> what is kept per symbol; an empty {@code Optional} for "none" is kept as well
 */
final class SymbolCache<V> {

  private final AsyncCache<String, V> cache;

  private SymbolCache(AsyncCache<String, V> cache) {
    this.cache = cache;
  }

  /**
   * @param keep how long a value is answered from memory; zero: always read
   * @param maximumSize the most symbols held
   */
  static <V> SymbolCache<V> of(
      String name, Duration keep, long maximumSize, Ticker ticker, HttpMetrics metrics) {
    if (keep.isZero()) {
      return new SymbolCache<>(null);
    }
    AsyncCache<String, V> cache =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .expireAfterWrite(keep)
            .ticker(ticker)
            .recordStats()
            .buildAsync();
    metrics.watch(name, cache);
    return new SymbolCache<>(cache);
  }

  /** The symbol's value: kept, or read now with {@code read}. */
  CompletionStage<V> get(String symbol, Function<String, CompletionStage<V>> read) {
    if (cache == null) {
      return read.apply(symbol);
    }
    return cache.get(symbol, (key, executor) -> read.apply(key).toCompletableFuture());
  }

  /** Symbols held, after pending evictions are done. */
  long size() {
    if (cache == null) {
      return 0;
    }
    cache.synchronous().cleanUp();
    return cache.synchronous().estimatedSize();
  }
}
