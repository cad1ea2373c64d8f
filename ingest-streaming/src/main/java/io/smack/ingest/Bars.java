package io.smack.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
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

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One-minute bars on event time — open (the first price of the minute), high, low, close (the last
 * price), volume, the number of quotes and the time of the last — made by Structured Streaming's
 * own stateful operators, and again from stored quotes for the quotes that came behind the
 * watermark. Pure functions over Datasets: no I/O.
 *
 * <p>The watermark is on the quote's minute, not its time, and the aggregation is keyed by that
 * minute (a one-minute tumbling window keyed by its start). So the deduplication and the
 * aggregation drop exactly the same quotes: those whose whole minute is behind the watermark. Once
 * Spark drops one quote of a minute it drops every later one, the streaming state never writes that
 * bar again, and the bar computed from the stored quotes ({@link #oneMinute}) is final. With the
 * watermark on the time itself, a quote at 12:00:10 could be dropped while the 12:00 bar was still
 * open and written again without it.
 */
final class Bars {

  /** Which kind a row of {@link #stream} is: {@link #QUOTE} or {@link #BAR}. */
  static final String KIND = "kind";

  /** A row of {@link #stream} naming a quote's (symbol, minute). */
  static final String QUOTE = "quote";

  /** A row of {@link #stream} holding a bar the streaming state updated. */
  static final String BAR = "bar";

  /** The columns of {@code bars_1m}, in the order of its definition. */
  static final List<String> COLUMNS =
      List.of(
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

  /** The columns of a {@link #QUOTE} row before its kind. */
  private static final StructType QUOTE_KEYS =
      new StructType().add("symbol", DataTypes.StringType).add("minute", DataTypes.TimestampType);

  private Bars() {}

  /**
   * The distinct rows of a partition of one micro-batch: stateless, so a streaming query may run
   * it, and it turns a batch's quotes into its few (symbol, minute) pairs before the batch is kept
   * and joined. Without it, every quote made a row of its own in the batch that {@link BarsBatch}
   * keeps, which cost more CPU than the bars' aggregation ({@code bench ingest --profile}).
   */
  private static final class DistinctInPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Set<Row> distinct = new LinkedHashSet<>();
      rows.forEachRemaining(distinct::add);
      return distinct.iterator();
    }
  }

  /**
   * The bars query: for each micro-batch, a {@link #QUOTE} row (symbol, minute) per minute of a
   * symbol with valid quotes (at most one per partition of the batch), and a {@link #BAR} row (the
   * columns of {@code bars_1m}) per bar that the batch's quotes changed, from Spark's state: a
   * watermark of {@code watermark} on the minute, duplicates (the same symbol and time, e.g. from a
   * restarted collector) dropped within it, one aggregation per (symbol, minute) in update mode. A
   * batch's quote minutes without a bar row are {@link #unbarred}.
   *
   * @param quotes a stream of valid quotes: symbol, ts, price, volume, open, high, low (the last
   *     three null for a price alone)
   */
  static Dataset<Row> stream(Dataset<Row> quotes, Duration watermark) {
    Dataset<Row> withMinute = withMinute(quotes);
    Dataset<Row> keys =
        withMinute
            .select(col("symbol"), col("minute"))
            .mapPartitions(new DistinctInPartition(), Encoders.row(QUOTE_KEYS))
            .select(lit(QUOTE).as(KIND), col("symbol"), col("minute"));
    Dataset<Row> bars =
        aggregate(
            withMinute
                .withWatermark("minute", watermark.toMillis() + " milliseconds")
                .dropDuplicatesWithinWatermark("symbol", "ts"));
    return keys.unionByName(bars.select(columnsWith(lit(BAR).as(KIND))), true);
  }

  /** The {@link #BAR} rows of a micro-batch of {@link #stream}, as {@code bars_1m} columns. */
  static Dataset<Row> updated(Dataset<Row> batch) {
    return batch.where(col(KIND).equalTo(BAR)).select(columnsWith());
  }

  /**
   * The (symbol, day, minute) of a micro-batch's quotes whose bar the streaming state did not
   * update: the minute is behind the watermark (the quote is late), or every quote of it in the
   * batch was a duplicate. Either way the bar computed from the stored quotes is right.
   */
  static Dataset<Row> unbarred(Dataset<Row> batch) {
    Dataset<Row> quoted =
        batch.where(col(KIND).equalTo(QUOTE)).select("symbol", "minute").distinct();
    Dataset<Row> barred = batch.where(col(KIND).equalTo(BAR)).select("symbol", "minute");
    return quoted
        .join(
            broadcast(barred),
            quoted
                .col("symbol")
                .equalTo(barred.col("symbol"))
                .and(quoted.col("minute").equalTo(barred.col("minute"))),
            "left_anti")
        .withColumn("day", to_date(col("minute")));
  }

  /**
   * One-minute bars of quotes, each (symbol, ts) counted once, such as the rows of {@code
   * quotes_by_day}.
   *
   * @param quotes columns symbol, ts, price, volume, open, high, low (more are ignored)
   * @return the columns of {@code bars_1m}
   */
  static Dataset<Row> oneMinute(Dataset<Row> quotes) {
    return aggregate(withMinute(quotes.dropDuplicates("symbol", "ts"))).select(columnsWith());
  }

  private static Dataset<Row> withMinute(Dataset<Row> quotes) {
    return quotes.withColumn("minute", date_trunc("minute", col("ts")));
  }

  /**
   * A quote that closes a period (a daily OHLC row) brings its own open, high and low: the bar of
   * its minute is made of them, so a daily series has one bar a day equal to the day's row. A quote
   * without them counts as open = high = low = its price.
   */
  private static Dataset<Row> aggregate(Dataset<Row> quotes) {
    return quotes
        .groupBy(col("symbol"), col("minute"))
        .agg(
            min_by(coalesce(col("open"), col("price")), col("ts")).as("open"),
            max(coalesce(col("high"), col("price"))).as("high"),
            min(coalesce(col("low"), col("price"))).as("low"),
            max_by(col("price"), col("ts")).as("close"),
            sum(col("volume")).as("volume"),
            count("*").cast("int").as("quotes"),
            max(col("ts")).as("close_ts"))
        .withColumn("day", to_date(col("minute")));
  }

  private static Column[] columnsWith(Column... more) {
    return Stream.concat(Stream.of(more), COLUMNS.stream().map(org.apache.spark.sql.functions::col))
        .toArray(Column[]::new);
  }
}
