package io.smack.ingest;

import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.common.Quote;
import io.smack.common.Tables;
import io.smack.ingest.ExpectedTables.Bar;
import java.util.Map;
import java.util.TreeMap;

/** The job's tables read back, in the shapes of {@link ExpectedTables}. */
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
}
