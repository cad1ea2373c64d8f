package io.smack.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.unix_micros;

import io.smack.common.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes parsed quotes (the columns of {@link QuoteParsing#quotes}) and bars into Cassandra with
 * the Spark Cassandra Connector, and reads back the stored quotes that bars are computed from.
 * Every write is an upsert keyed on event time, so writing a batch again after a crash writes the
 * same rows and creates none.
 */
final class QuoteWrites {

  private static final String CASSANDRA = "org.apache.spark.sql.cassandra";
  private static final StructType QUOTE_DAYS =
      new StructType().add("symbol", DataTypes.StringType).add("day", DataTypes.DateType);

  private QuoteWrites() {}

  /** Every quote into {@code quotes_by_day}. */
  static void quotesByDay(Dataset<Row> quotes, String keyspace) {
    quotes
        .select("symbol", "day", "ts", "price", "volume", "source")
        .write()
        .format(CASSANDRA)
        .options(Map.of("keyspace", keyspace, "table", Tables.QUOTES_BY_DAY))
        .mode("append")
        .save();
  }

  /** The (symbol, day) pairs of {@link BatchSummary#days} into {@code quote_days}. */
  static void quoteDays(SparkSession spark, List<Row> days, String keyspace) {
    spark
        .createDataFrame(days, QUOTE_DAYS)
        .write()
        .format(CASSANDRA)
        .options(Map.of("keyspace", keyspace, "table", Tables.QUOTE_DAYS))
        .mode("append")
        .save();
  }

  /**
   * The newest quote of each symbol in {@code quotes} into {@code latest_quote}, written with its
   * event time as the cell's write time: Cassandra keeps the cell with the highest write time, so a
   * late quote older than the stored one changes nothing, whatever order batches come in.
   */
  static void latest(Dataset<Row> quotes, String keyspace) {
    newestPerSymbol(quotes)
        .withColumn("write_time", unix_micros(col("ts")))
        .write()
        .format(CASSANDRA)
        .options(
            Map.of("keyspace", keyspace, "table", Tables.LATEST_QUOTE, "writetime", "write_time"))
        .mode("append")
        .save();
  }

  /** Bars, as {@link Bars#oneMinute} or {@link Bars#merge} make them, into {@code bars_1m}. */
  static void bars(Dataset<Row> bars, String keyspace) {
    bars.select(Bars.COLUMNS)
        .write()
        .format(CASSANDRA)
        .options(Map.of("keyspace", keyspace, "table", Tables.BARS_1M))
        .mode("append")
        .save();
  }

  /**
   * The stored quotes of {@code symbols} on {@code days} from {@code from} until {@code until}
   * (exclusive).
   */
  static Dataset<Row> storedQuotes(
      SparkSession spark,
      String keyspace,
      List<String> symbols,
      List<Date> days,
      Instant from,
      Instant until) {
    return slice(spark, keyspace, Tables.QUOTES_BY_DAY, "ts", symbols, days, from, until);
  }

  /**
   * The stored bars of {@code symbols} on {@code days} from minute {@code from} until {@code
   * until}.
   */
  static Dataset<Row> storedBars(
      SparkSession spark,
      String keyspace,
      List<String> symbols,
      List<Date> days,
      Instant from,
      Instant until) {
    return slice(spark, keyspace, Tables.BARS_1M, "minute", symbols, days, from, until);
  }

  /**
   * Rows of a table partitioned by (symbol, day) and clustered by time. The connector turns the
   * filters into CQL: the partition keys as IN lists, the time as a range of the clustering column,
   * so only those slices are read.
   */
  private static Dataset<Row> slice(
      SparkSession spark,
      String keyspace,
      String table,
      String time,
      List<String> symbols,
      List<Date> days,
      Instant from,
      Instant until) {
    return table(spark, keyspace, table)
        .where(
            col("symbol")
                .isin(symbols.toArray())
                .and(col("day").isin(days.toArray()))
                .and(col(time).geq(lit(Timestamp.from(from))))
                .and(col(time).lt(lit(Timestamp.from(until)))));
  }

  /** The newest event time in {@code latest_quote}, empty when it holds no quote. */
  static Optional<Instant> newestStored(SparkSession spark, String keyspace) {
    Row newest = table(spark, keyspace, Tables.LATEST_QUOTE).agg(max("ts")).first();
    return newest.isNullAt(0)
        ? Optional.empty()
        : Optional.of(newest.<Timestamp>getAs(0).toInstant());
  }

  private static Dataset<Row> table(SparkSession spark, String keyspace, String table) {
    return spark
        .read()
        .format(CASSANDRA)
        .options(Map.of("keyspace", keyspace, "table", table))
        .load();
  }

  /** The rejects, as {@link QuoteParsing#deadLetters} makes them, into the dead-letter topic. */
  static void deadLetters(Dataset<Row> deadLetters, String bootstrapServers, String topic) {
    deadLetters
        .write()
        .format("kafka")
        .option("kafka.bootstrap.servers", bootstrapServers)
        .option("kafka.enable.idempotence", "true")
        .option("kafka.acks", "all")
        .option("topic", topic)
        .save();
  }

  /** The newest quote of each symbol: symbol, ts, price, volume, source. */
  static Dataset<Row> newestPerSymbol(Dataset<Row> quotes) {
    return quotes
        .groupBy("symbol")
        .agg(max_by(struct("ts", "price", "volume", "source"), col("ts")).as("newest"))
        .select(
            col("symbol"),
            col("newest.ts").as("ts"),
            col("newest.price").as("price"),
            col("newest.volume").as("volume"),
            col("newest.source").as("source"));
  }
}
