package io.smack.ingest;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.unix_micros;

import io.smack.common.DeadLetter;
import io.smack.common.InvalidQuoteException;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Rejection;
import io.smack.common.Rejection.Reason;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Turns the rows of the Kafka source into quotes and rejects, with the codec and rules of {@code
 * common} themselves (run inside Spark as a function), so the collector and the streaming job can
 * never disagree on what a valid quote is. Pure functions over Datasets: no I/O.
 */
final class QuoteParsing {

  /** The name under which {@link #register} makes the decoder callable in Spark SQL. */
  static final String DECODE = "smack_decode_quote";

  /** The name of the function that writes a reject as common's {@link DeadLetter} JSON. */
  static final String DEAD_LETTER = "smack_dead_letter";

  /** The source named in the dead letters of this job. */
  static final String SOURCE = "ingest-streaming";

  /**
   * What the decoder yields for one Kafka value: the quote's fields when it is valid, otherwise the
   * reason and detail of its rejection.
   */
  static final StructType DECODED =
      new StructType()
          .add("valid", DataTypes.BooleanType, false)
          .add(QuoteCodec.SYMBOL, DataTypes.StringType)
          .add(QuoteCodec.TS, DataTypes.TimestampType)
          .add(QuoteCodec.PRICE, DataTypes.DoubleType)
          .add(QuoteCodec.VOLUME, DataTypes.LongType)
          .add(QuoteCodec.SOURCE, DataTypes.StringType)
          .add("reason", DataTypes.StringType)
          .add("detail", DataTypes.StringType)
          // the period's open, high and low, when the quote closes one (Quote.Ohlc); else null
          .add(QuoteCodec.OPEN, DataTypes.DoubleType)
          .add(QuoteCodec.HIGH, DataTypes.DoubleType)
          .add(QuoteCodec.LOW, DataTypes.DoubleType);

  private QuoteParsing() {}

  /**
   * Makes {@link #DECODE} and {@link #DEAD_LETTER} available in this session.
   *
   * @param maxClockSkew how far ahead of the job's clock a quote may be stamped ({@code
   *     smack.quotes.max-clock-skew})
   */
  static void register(SparkSession spark, Duration maxClockSkew) {
    spark
        .udf()
        .register(
            DECODE,
            (UDF2<byte[], String, Row>)
                (value, now) ->
                    decode(
                        value,
                        Instant.EPOCH.plus(Long.parseLong(now), ChronoUnit.MICROS),
                        maxClockSkew),
            DECODED);
    spark
        .udf()
        .register(
            DEAD_LETTER,
            (UDF4<byte[], String, String, Timestamp, byte[]>) QuoteParsing::deadLetter,
            DataTypes.BinaryType);
  }

  /**
   * Decodes every row of the Kafka source ({@code key}, {@code value}, {@code topic}, {@code
   * partition}, {@code offset}, ...) into {@code decoded} beside the original columns.
   */
  static Dataset<Row> decode(Dataset<Row> kafkaRows) {
    Column decoded = callUDF(DECODE, col("value"), batchTime());
    return kafkaRows.withColumn("decoded", decoded);
  }

  /**
   * The micro-batch's time, as the decoder takes it: {@code current_timestamp()}, which Spark fixes
   * per batch (the same when a batch runs again after a restart), as a string of microseconds since
   * the epoch.
   *
   * <p>Why a string: the optimizer folds the expression into a literal either way, and Spark's
   * generated code writes a timestamp literal into the code itself but keeps a string literal in a
   * reference. With the timestamp, every batch's code differed by its time, so every batch compiled
   * a class of its own and the JIT compiled that class's hot loop again: it took half the job's CPU
   * however long it ran ({@code bin/smack bench ingest --profile}). With the string, the code is
   * the same in every batch, compiled once.
   */
  static Column batchTime() {
    return unix_micros(current_timestamp()).cast("string");
  }

  /**
   * The valid quotes: symbol, day, ts, price, volume, source, open, high, low (the columns of
   * quotes_by_day; the last three null for a price alone). The day is the UTC day only with {@code
   * spark.sql.session.timeZone=UTC}, which the job sets.
   */
  static Dataset<Row> quotes(Dataset<Row> decoded) {
    return decoded
        .where(col("decoded.valid"))
        .select(
            col("decoded.symbol").as("symbol"),
            to_date(col("decoded.ts")).as("day"),
            col("decoded.ts").as("ts"),
            col("decoded.price").as("price"),
            col("decoded.volume").as("volume"),
            col("decoded.source").as("source"),
            col("decoded.open").as("open"),
            col("decoded.high").as("high"),
            col("decoded.low").as("low"));
  }

  /** The rejects, with the raw value, the reason, the detail and where in Kafka they were. */
  static Dataset<Row> rejects(Dataset<Row> decoded) {
    return decoded
        .where(col("decoded.valid").equalTo(false))
        .select(
            col("value").as("raw"),
            col("decoded.reason").as("reason"),
            col("decoded.detail").as("detail"),
            col("topic"),
            col("partition"),
            col("offset"));
  }

  /**
   * The rejects as records for the dead-letter topic: the original key, and common's {@link
   * DeadLetter} JSON (raw value, reason, detail, this job as source) as the value.
   */
  static Dataset<Row> deadLetters(Dataset<Row> decoded) {
    return decoded
        .where(col("decoded.valid").equalTo(false))
        .select(
            col("key"),
            callUDF(
                    DEAD_LETTER,
                    col("value"),
                    col("decoded.reason"),
                    col("decoded.detail"),
                    current_timestamp())
                .as("value"));
  }

  static byte[] deadLetter(byte[] raw, String reason, String detail, Timestamp rejectedAt) {
    return new DeadLetter(
            SOURCE,
            new Rejection(Reason.valueOf(reason.toUpperCase(Locale.ROOT)), detail),
            raw == null ? new byte[0] : raw,
            rejectedAt.toInstant())
        .toJson();
  }

  /** One value through the codec of {@code common}; never throws for bad input. */
  static Row decode(byte[] value, Instant now, Duration maxClockSkew) {
    if (value == null) {
      return RowFactory.create(
          false, null, null, null, null, null, "malformed", "the value is null", null, null, null);
    }
    try {
      Quote quote = QuoteCodec.decode(value, now, maxClockSkew);
      Quote.Ohlc ohlc = quote.ohlc();
      return RowFactory.create(
          true,
          quote.symbol(),
          Timestamp.from(quote.ts()),
          quote.price(),
          quote.volume(),
          quote.source(),
          null,
          null,
          ohlc == null ? null : ohlc.open(),
          ohlc == null ? null : ohlc.high(),
          ohlc == null ? null : ohlc.low());
    } catch (InvalidQuoteException e) {
      return RowFactory.create(
          false,
          null,
          null,
          null,
          null,
          null,
          e.rejection().reason().label(),
          e.rejection().detail(),
          null,
          null,
          null);
    }
  }
}
