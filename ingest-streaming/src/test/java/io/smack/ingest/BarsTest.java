package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One-minute bars, checked against bars worked out by hand. */
class BarsTest {

  private static final StructType QUOTES =
      new StructType()
          .add("symbol", DataTypes.StringType)
          .add("ts", DataTypes.TimestampType)
          .add("price", DataTypes.DoubleType)
          .add("volume", DataTypes.LongType);

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = TestSparks.local("bars-test");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void should_make_ohlc_bars_per_symbol_and_minute_counting_a_duplicate_once() {
    // given: out of order, with a quote sent twice and one in the last minute of the day
    List<Row> rows =
        List.of(
            quote("AAPL", "2026-11-23T14:30:40Z", 189.0, 5),
            quote("AAPL", "2026-11-23T14:30:05Z", 188.5, 10),
            quote("AAPL", "2026-11-23T14:30:20Z", 190.25, 1),
            quote("AAPL", "2026-11-23T14:30:20Z", 190.25, 1), // re-sent by a restarted collector
            quote("AAPL", "2026-11-23T14:31:00Z", 189.75, 7),
            quote("MSFT", "2026-11-23T23:59:59.999Z", 410.0, 2));
    Dataset<Row> quotes = spark.createDataFrame(rows, QUOTES);

    // when
    List<Row> bars = Bars.oneMinute(quotes).orderBy("symbol", "minute").collectAsList();

    // then
    assertThat(bars)
        .extracting(
            r -> r.getString(0),
            r -> r.getDate(1),
            r -> r.getTimestamp(2),
            r -> r.getDouble(3),
            r -> r.getDouble(4),
            r -> r.getDouble(5),
            r -> r.getDouble(6),
            r -> r.getLong(7),
            r -> r.getInt(8))
        .containsExactly(
            tuple(
                "AAPL",
                day("2026-11-23"),
                at("2026-11-23T14:30:00Z"),
                188.5,
                190.25,
                188.5,
                189.0,
                16L,
                3),
            tuple(
                "AAPL",
                day("2026-11-23"),
                at("2026-11-23T14:31:00Z"),
                189.75,
                189.75,
                189.75,
                189.75,
                7L,
                1),
            tuple(
                "MSFT",
                day("2026-11-23"),
                at("2026-11-23T23:59:00Z"),
                410.0,
                410.0,
                410.0,
                410.0,
                2L,
                1));
  }

  private static Row quote(String symbol, String ts, double price, long volume) {
    return RowFactory.create(symbol, at(ts), price, volume);
  }

  private static Timestamp at(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }

  private static Date day(String date) {
    return Date.valueOf(date);
  }
}
