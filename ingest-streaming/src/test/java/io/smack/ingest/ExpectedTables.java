package io.smack.ingest;

import io.smack.common.Quote;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the tables must hold after the given quotes, worked out in plain Java apart from the job:
 * each (symbol, ts) once, the newest quote per symbol, and one-minute bars.
 */
final class ExpectedTables {

  /** A bar as {@code bars_1m} holds it. */
  record Bar(
      String symbol,
      Instant minute,
      double open,
      double high,
      double low,
      double close,
      long volume,
      int quotes) {}

  private ExpectedTables() {}

  /** The quotes with each (symbol, ts) once, as {@code quotes_by_day} keys them. */
  static Map<String, Quote> distinct(Collection<Quote> quotes) {
    return quotes.stream()
        .collect(Collectors.toMap(ExpectedTables::key, Function.identity(), (a, b) -> a));
  }

  static String key(Quote quote) {
    return quote.symbol() + "@" + quote.ts();
  }

  /** The newest quote by event time, per symbol. */
  static Map<String, Quote> latest(Collection<Quote> quotes) {
    return quotes.stream()
        .collect(
            Collectors.toMap(
                Quote::symbol,
                Function.identity(),
                (a, b) -> a.ts().isAfter(b.ts()) ? a : b,
                TreeMap::new));
  }

  /** The bars, keyed by symbol and minute. */
  static Map<String, Bar> bars(Collection<Quote> quotes) {
    Map<String, List<Quote>> byBar =
        distinct(quotes).values().stream()
            .collect(
                Collectors.groupingBy(
                    q -> q.symbol() + "@" + q.ts().truncatedTo(ChronoUnit.MINUTES)));
    Map<String, Bar> bars = new TreeMap<>();
    byBar.forEach(
        (key, group) -> {
          List<Quote> inOrder = group.stream().sorted(Comparator.comparing(Quote::ts)).toList();
          Quote first = inOrder.get(0);
          bars.put(
              key,
              new Bar(
                  first.symbol(),
                  first.ts().truncatedTo(ChronoUnit.MINUTES),
                  first.price(),
                  inOrder.stream().mapToDouble(Quote::price).max().orElseThrow(),
                  inOrder.stream().mapToDouble(Quote::price).min().orElseThrow(),
                  inOrder.get(inOrder.size() - 1).price(),
                  inOrder.stream().mapToLong(Quote::volume).sum(),
                  inOrder.size()));
        });
    return bars;
  }
}
