package io.smack.ingest;

import io.smack.common.Quote;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Reproducible quote series for the tests. */
final class TestQuotes {

  private TestQuotes() {}

  /**
   * Quotes of each symbol every {@code step} from {@code from} (inclusive) to {@code to}
   * (exclusive), symbols interleaved, with prices on a seeded random walk and volumes 1..1000.
   */
  static List<Quote> series(
      List<String> symbols, Instant from, Instant to, Duration step, long seed) {
    Random random = new Random(seed);
    double[] prices = new double[symbols.size()];
    Arrays.fill(prices, 100.0);
    List<Quote> quotes = new ArrayList<>();
    for (Instant ts = from; ts.isBefore(to); ts = ts.plus(step)) {
      for (int s = 0; s < symbols.size(); s++) {
        prices[s] = Math.max(1.0, prices[s] * (1 + random.nextGaussian() * 0.001));
        quotes.add(new Quote(symbols.get(s), ts, prices[s], 1 + random.nextInt(1000), "it"));
      }
    }
    return quotes;
  }
}
