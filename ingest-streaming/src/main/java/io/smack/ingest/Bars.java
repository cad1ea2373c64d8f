package io.smack.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One-minute bars on event time: open (the first price of the minute), high, low, close (the last
 * price), volume and the number of quotes. The input must hold each quote once — rows of {@code
 * quotes_by_day}, or a batch deduplicated on (symbol, ts) — so that a quote sent twice by a
 * restarted collector counts once; a bar computed again from all its quotes after a late one
 * arrives is correct, and writing it again is an upsert.
 */
final class Bars {

  /** The columns of {@code bars_1m}, in the order of its definition. */
  static final Column[] COLUMNS =
      columns(
          "symbol",
          "day",
          "minute",
          "open",
          "high",
          "low",
          "close",
          "volume",
          "quotes",
          "close_ts");

  private Bars() {}

  private static Column[] columns(String... names) {
    Column[] columns = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      columns[i] = col(names[i]);
    }
    return columns;
  }

  /**
   * @param quotes columns symbol, ts, price, volume (more are ignored)
   * @return columns symbol, day, minute, open, high, low, close, volume, quotes, close_ts (the
   *     columns of {@code bars_1m}) and open_ts, the time of the first quote
   */
  static Dataset<Row> oneMinute(Dataset<Row> quotes) {
    return quotes
        .dropDuplicates("symbol", "ts")
        .withColumn("minute", date_trunc("minute", col("ts")))
        .groupBy("symbol", "minute")
        .agg(
            min_by(col("price"), col("ts")).as("open"),
            max(col("price")).as("high"),
            min(col("price")).as("low"),
            max_by(col("price"), col("ts")).as("close"),
            sum(col("volume")).as("volume"),
            count("*").cast("int").as("quotes"),
            min(col("ts")).as("open_ts"),
            max(col("ts")).as("close_ts"))
        .withColumn("day", to_date(col("minute")))
        .select(
            Stream.concat(Stream.of(COLUMNS), Stream.of(col("open_ts"))).toArray(Column[]::new));
  }

  /**
   * A batch's bars merged with the stored ones, without reading stored quotes where that is exact:
   * a bar not stored yet is the batch's bar, and a stored bar whose last quote is older than the
   * batch's first in that minute grows by the batch's quotes (none of them can be stored already: a
   * quote stored before would be at or before the stored close). Any other bar — a late quote
   * inside a stored minute, a quote sent again, a batch replayed after a crash — is marked {@code
   * needs_stored}: it must be computed again from the stored quotes ({@link #recompute}).
   *
   * @param batch {@link #oneMinute} of the batch's quotes within the watermark
   * @param stored rows of {@code bars_1m} covering at least the batch's bars
   * @return the columns of {@link #oneMinute} less open_ts, and needs_stored
   */
  static Dataset<Row> merge(Dataset<Row> batch, Dataset<Row> stored) {
    Dataset<Row> before =
        stored.select(
            col("symbol").as("s_symbol"),
            col("minute").as("s_minute"),
            col("open").as("s_open"),
            col("high").as("s_high"),
            col("low").as("s_low"),
            col("volume").as("s_volume"),
            col("quotes").as("s_quotes"),
            col("close_ts").as("s_close_ts"));
    Column sameBar =
        col("symbol").equalTo(col("s_symbol")).and(col("minute").equalTo(col("s_minute")));
    Column fresh = col("s_symbol").isNull();
    Column after = coalesce(col("open_ts").gt(col("s_close_ts")), lit(false));
    return batch
        .join(before, sameBar, "left")
        .select(
            col("symbol"),
            col("day"),
            col("minute"),
            when(fresh, col("open")).otherwise(col("s_open")).as("open"),
            when(fresh, col("high")).otherwise(greatest(col("high"), col("s_high"))).as("high"),
            when(fresh, col("low")).otherwise(least(col("low"), col("s_low"))).as("low"),
            col("close"),
            when(fresh, col("volume")).otherwise(col("volume").plus(col("s_volume"))).as("volume"),
            when(fresh, col("quotes")).otherwise(col("quotes").plus(col("s_quotes"))).as("quotes"),
            col("close_ts"),
            not(fresh).and(not(after)).as("needs_stored"));
  }

  /**
   * The touched bars, each computed from all its stored quotes: those of earlier batches and of
   * this one, each once, whatever order they came in.
   *
   * @param stored rows of {@code quotes_by_day} covering at least the touched minutes
   * @param touched the bars to compute: columns symbol, minute
   */
  static Dataset<Row> recompute(Dataset<Row> stored, Dataset<Row> touched) {
    Dataset<Row> bars = oneMinute(stored);
    Column sameBar =
        bars.col("symbol")
            .equalTo(touched.col("symbol"))
            .and(bars.col("minute").equalTo(touched.col("minute")));
    return bars.join(touched, sameBar, "left_semi");
  }
}
