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

  @Test
  void should_merge_newer_quotes_into_stored_bars_and_mark_the_bars_that_need_stored_quotes() {
    // given: stored bars of AAPL 14:30 (last quote 14:30:20) and MSFT 14:30 (last quote 14:30:40)
    Dataset<Row> stored =
        Bars.oneMinute(
            spark.createDataFrame(
                List.of(
                    quote("AAPL", "2026-11-23T14:30:10Z", 100.0, 1),
                    quote("AAPL", "2026-11-23T14:30:20Z", 101.0, 2),
                    quote("MSFT", "2026-11-23T14:30:40Z", 400.0, 5)),
                QUOTES));
    // and a batch: newer AAPL quotes in 14:30, a first IBM bar, a late MSFT quote inside 14:30
    Dataset<Row> batch =
        Bars.oneMinute(
            spark.createDataFrame(
                List.of(
                    quote("AAPL", "2026-11-23T14:30:30Z", 99.0, 4),
                    quote("AAPL", "2026-11-23T14:30:50Z", 102.5, 8),
                    quote("IBM", "2026-11-23T14:30:05Z", 160.0, 3),
                    quote("MSFT", "2026-11-23T14:30:15Z", 401.0, 6)),
                QUOTES));

    // when
    List<Row> merged = Bars.merge(batch, stored).orderBy("symbol").collectAsList();

    // then: AAPL grows without reading quotes, IBM is the batch's own, MSFT needs its stored quotes
    assertThat(merged).extracting(r -> r.getString(0)).containsExactly("AAPL", "IBM", "MSFT");
    assertThat(merged.get(2).getBoolean(10)).isTrue();
    assertThat(merged.subList(0, 2))
        .extracting(
            r -> r.getString(0),
            r -> r.getDouble(3),
            r -> r.getDouble(4),
            r -> r.getDouble(5),
            r -> r.getDouble(6),
            r -> r.getLong(7),
            r -> r.getInt(8),
            r -> r.getTimestamp(9),
            r -> r.getBoolean(10))
        .containsExactly(
            tuple("AAPL", 100.0, 102.5, 99.0, 102.5, 15L, 4, at("2026-11-23T14:30:50Z"), false),
            tuple("IBM", 160.0, 160.0, 160.0, 160.0, 3L, 1, at("2026-11-23T14:30:05Z"), false));
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
