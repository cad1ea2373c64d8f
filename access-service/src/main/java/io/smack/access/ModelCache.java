package io.smack.access;

import io.smack.access.ModelRepository.ServedModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Each symbol's served model, read on first use and read again once older than the reload interval:
 * a newly trained or promoted model is served within that time, with no restart. A failed read is
 * not kept, so the next request tries again.
 */
final class ModelCache {

  private record Loaded(Instant at, CompletionStage<Optional<ServedModel>> model) {}

  private final Duration reloadInterval;
  private final Clock clock;
  private final Map<String, Loaded> bySymbol = new ConcurrentHashMap<>();

  ModelCache(Duration reloadInterval, Clock clock) {
    this.reloadInterval = reloadInterval;
    this.clock = clock;
  }

  CompletionStage<Optional<ServedModel>> served(
      String symbol, Function<String, CompletionStage<Optional<ServedModel>>> read) {
    Instant now = clock.instant();
    Loaded loaded =
        bySymbol.compute(
            symbol,
            (key, cached) ->
                cached == null || !cached.at().plus(reloadInterval).isAfter(now)
                    ? new Loaded(now, read.apply(key))
                    : cached);
    loaded
        .model()
        .whenComplete(
            (model, error) -> {
              if (error != null) {
                bySymbol.remove(symbol, loaded);
              }
            });
    return loaded.model();
  }
}
