package io.smack.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A load the test knows quote by quote: {@code rate} quotes a second over three symbols of its own
 * for {@code duration}, stamped from {@code start} on, written as a CSV file that the collector
 * replays at the rows' own pace. What the pipeline must make of it (bars and the latest quote) is
 * worked out here, apart from the pipeline.
 */
record KnownLoad(List<String> symbols, List<KnownLoad.Row> rows, int rate) {

  /** One quote of the file; the price as the file writes it, so both sides parse the same text. */
  record Row(String symbol, Instant ts, String price, long volume) {

    String key() {
      return symbol + "@" + ts;
    }
  }

  /** A bar as the API answers it. */
  record Bar(
      Instant minute,
      double open,
      double high,
      double low,
      double close,
      long volume,
      long quotes) {}

  /** The load of symbols {@code prefix}A, B and C: one quote every 1/rate s, round the symbols. */
  static KnownLoad of(String prefix, int rate, Duration duration, Instant start, long seed) {
    List<String> symbols = List.of(prefix + "A", prefix + "B", prefix + "C");
    Random random = new Random(seed);
    double[] prices = {100, 200, 50};
    int count = (int) (rate * duration.toSeconds());
    List<Row> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int s = i % symbols.size();
      prices[s] = Math.max(1, prices[s] * (1 + random.nextGaussian() * 0.0005));
      rows.add(
          new Row(
              symbols.get(s),
              start.plusNanos(1_000_000_000L * i / rate).truncatedTo(ChronoUnit.MILLIS),
              String.format(java.util.Locale.ROOT, "%.4f", prices[s]),
              1 + random.nextInt(500)));
    }
    return new KnownLoad(symbols, List.copyOf(rows), rate);
  }

  int size() {
    return rows.size();
  }

  /** How long the collector takes to replay it at its own pace. */
  Duration duration() {
    return Duration.ofMillis(1000L * size() / rate);
  }

  /** Writes the file the collector replays: symbol,ts,price,volume with ts in epoch millis. */
  Path writeCsv(Path file) {
    try {
      Files.createDirectories(file.getParent());
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        out.write("symbol,ts,price,volume\n");
        for (Row row : rows) {
          out.write(
              row.symbol()
                  + ","
                  + row.ts().toEpochMilli()
                  + ","
                  + row.price()
                  + ","
                  + row.volume()
                  + "\n");
        }
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The UTC days the load's quotes fall on: the partitions they are stored in. */
  Set<LocalDate> days() {
    Set<LocalDate> days = new TreeSet<>();
    rows.forEach(r -> days.add(LocalDate.ofInstant(r.ts(), ZoneOffset.UTC)));
    return days;
  }

  /** The newest row of {@code symbol}. */
  Row latest(String symbol) {
    Row latest = null;
    for (Row row : rows) {
      if (row.symbol().equals(symbol) && (latest == null || row.ts().isAfter(latest.ts()))) {
        latest = row;
      }
    }
    return latest;
  }

  /** The one-minute bars of {@code symbol}, by minute: first, highest, lowest, last, sums. */
  Map<Instant, Bar> bars(String symbol) {
    Map<Instant, Bar> bars = new TreeMap<>();
    for (Row row : rows) {
      if (!row.symbol().equals(symbol)) {
        continue;
      }
      double price = Double.parseDouble(row.price());
      Instant minute = row.ts().truncatedTo(ChronoUnit.MINUTES);
      Bar bar = bars.get(minute);
      bars.put(
          minute,
          bar == null
              ? new Bar(minute, price, price, price, price, row.volume(), 1)
              // the rows are in time order: the last one seen closes the bar
              : new Bar(
                  minute,
                  bar.open(),
                  Math.max(bar.high(), price),
                  Math.min(bar.low(), price),
                  price,
                  bar.volume() + row.volume(),
                  bar.quotes() + 1));
    }
    return bars;
  }
}
