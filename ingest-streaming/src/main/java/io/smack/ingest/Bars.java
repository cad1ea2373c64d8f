package io.smack.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;

import java.sql.Timestamp;
import java.time.Instant;
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

  private Bars() {}

  /**
   * @param quotes columns symbol, ts, price, volume (more are ignored)
   * @return columns symbol, day, minute, open, high, low, close, volume, quotes: the columns of
   *     {@code bars_1m}
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
            count("*").cast("int").as("quotes"))
        .withColumn("day", to_date(col("minute")))
        .select("symbol", "day", "minute", "open", "high", "low", "close", "volume", "quotes");
  }

  /**
   * The (symbol, minute) bars that the quotes at or after {@code watermark} fall in: the bars a
   * batch must compute again. Older quotes are late: their bars are final.
   *
   * @param quotes columns symbol, ts (more are ignored)
   */
  static Dataset<Row> touched(Dataset<Row> quotes, Instant watermark) {
    return quotes
        .where(col("ts").geq(lit(Timestamp.from(watermark))))
        .select(col("symbol"), date_trunc("minute", col("ts")).as("minute"))
        .distinct();
  }

  /**
   * The touched bars, each computed from all its stored quotes: those of earlier batches and of
   * this one, each once, whatever order they came in.
   *
   * @param stored rows of {@code quotes_by_day} covering at least the touched minutes
   * @param touched the columns symbol, minute of {@link #touched}
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
