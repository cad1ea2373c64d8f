package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.common.Quote;
import io.smack.common.Tables;
import io.smack.ingest.ExpectedTables.Bar;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The job's tables read back, in the shapes of {@link ExpectedTables}, and held against them. */
final class IngestTables {

  private IngestTables() {}

  static Map<String, Quote> latest(IngestWorld world) {
    Map<String, Quote> latest = new TreeMap<>();
    for (Row row : world.rows(Tables.LATEST_QUOTE, "symbol, ts, price, volume, source")) {
      latest.put(
          row.getString("symbol"),
          new Quote(
              row.getString("symbol"),
              row.getInstant("ts"),
              row.getDouble("price"),
              row.getLong("volume"),
              row.getString("source")));
    }
    return latest;
  }

  static Map<String, Bar> bars(IngestWorld world) {
    Map<String, Bar> bars = new TreeMap<>();
    for (Row row :
        world.rows(Tables.BARS_1M, "symbol, minute, open, high, low, close, volume, quotes")) {
      Bar bar =
          new Bar(
              row.getString("symbol"),
              row.getInstant("minute"),
              row.getDouble("open"),
              row.getDouble("high"),
              row.getDouble("low"),
              row.getDouble("close"),
              row.getLong("volume"),
              row.getInt("quotes"));
      bars.put(bar.symbol() + "@" + bar.minute(), bar);
    }
    return bars;
  }

  /**
   * Every produced quote stored once ({@code quotes_by_day}), the bars' quote counts adding up to
   * them (a quote counted twice would show there), bars and latest as the quotes make them; prints
   * the counts in one line and returns them, named as the fault table names them.
   */
  static Map<String, Number> assertStoredOnce(IngestWorld world, List<Quote> quotes, String fault) {
    List<Row> stored = world.rows(Tables.QUOTES_BY_DAY, "symbol, ts");
    Set<String> storedKeys =
        stored.stream()
            .map(r -> r.getString("symbol") + "@" + r.getInstant("ts"))
            .collect(Collectors.toSet());
    Set<String> produced = ExpectedTables.distinct(quotes).keySet();
    long counted = bars(world).values().stream().mapToLong(ExpectedTables.Bar::quotes).sum();
    long lost = produced.stream().filter(k -> !storedKeys.contains(k)).count();
    System.out.printf(
        "%s: %d produced, %d stored, %d duplicates, %d lost%n",
        fault, produced.size(), storedKeys.size(), counted - storedKeys.size(), lost);
    assertThat(storedKeys).isEqualTo(produced);
    assertThat(stored).hasSize(produced.size());
    assertThat(bars(world)).isEqualTo(ExpectedTables.bars(quotes));
    assertThat(latest(world)).isEqualTo(ExpectedTables.latest(quotes));
    return Map.of(
        "produced",
        produced.size(),
        "stored",
        storedKeys.size(),
        "duplicates",
        counted - storedKeys.size(),
        "lost",
        lost);
  }
}
