package io.smack.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Files;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One-minute bars, in a batch and from Spark's streaming state, checked against bars worked out by
 * hand.
 */
class BarsTest {

  private static final StructType QUOTES =
      new StructType()
          .add("symbol", DataTypes.StringType)
          .add("ts", DataTypes.TimestampType)
          .add("price", DataTypes.DoubleType)
          .add("volume", DataTypes.LongType)
          .add("open", DataTypes.DoubleType)
          .add("high", DataTypes.DoubleType)
          .add("low", DataTypes.DoubleType);

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
  void should_make_the_bar_of_a_daily_row_of_its_open_high_low_and_close() {
    // given: two days of vega-datasets' sp500-2000.csv, as quotes closing each day, and a tick
    List<Row> rows =
        List.of(
            RowFactory.create(
                "SPX", at("2020-04-16T00:00:00Z"), 2799.55, 5179990000L, 2799.34, 2806.51, 2764.32),
            RowFactory.create(
                "SPX", at("2020-04-17T00:00:00Z"), 2874.56, 5792140000L, 2842.43, 2879.22, 2830.88),
            quote("SPX", "2020-04-17T00:00:30Z", 2876.0, 0));

    // when
    List<Row> bars =
        Bars.oneMinute(spark.createDataFrame(rows, QUOTES)).orderBy("minute").collectAsList();

    // then: each day's bar is its row; a tick in the same minute widens it and closes it
    assertThat(bars)
        .extracting(BarsTest::ohlc)
        .containsExactly(
            tuple(at("2020-04-16T00:00:00Z"), 2799.34, 2806.51, 2764.32, 2799.55, 5179990000L, 1),
            tuple(at("2020-04-17T00:00:00Z"), 2842.43, 2879.22, 2830.88, 2876.0, 5792140000L, 2));
  }

  @Test
  void should_update_bars_from_spark_state_and_leave_the_minutes_behind_the_watermark_unbarred()
      throws Exception {
    // given: the bars query on an in-memory stream, with a watermark of two minutes
    spark
        .conf()
        .set(
            "spark.sql.streaming.stateStore.providerClass",
            "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
    MemoryStream<String> input = MemoryStream.apply(Encoders.STRING(), spark.sqlContext());
    Column[] fields = {
      split(col("value"), ",").getItem(0).as("symbol"),
      split(col("value"), ",").getItem(1).cast("timestamp").as("ts"),
      split(col("value"), ",").getItem(2).cast("double").as("price"),
      split(col("value"), ",").getItem(3).cast("long").as("volume"),
      lit(null).cast("double").as("open"),
      lit(null).cast("double").as("high"),
      lit(null).cast("double").as("low")
    };
    Map<Long, List<Row>> updated = new ConcurrentHashMap<>();
    Map<Long, List<Row>> unbarred = new ConcurrentHashMap<>();
    StreamingQuery query =
        Bars.stream(input.toDF().select(fields), Duration.ofMinutes(2))
            .writeStream()
            .outputMode("update")
            .option("checkpointLocation", Files.createTempDirectory("bars-test").toString())
            .foreachBatch(
                (Dataset<Row> batch, Long id) -> {
                  updated.put(id, Bars.updated(batch).orderBy("minute").collectAsList());
                  unbarred.put(id, Bars.unbarred(batch).orderBy("minute").collectAsList());
                })
            .start();
    try {
      // when: a first batch; then a late quote (10:00, behind 10:04 less 2 minutes), one within
      // the watermark (10:03) and a quote sent again (10:04:10); then a new quote of 10:04
      List<Row> first =
          run(
              query,
              input,
              updated,
              "AAPL,2026-11-24T10:00:05Z,100.0,1",
              "AAPL,2026-11-24T10:00:30Z,101.0,2",
              "AAPL,2026-11-24T10:04:10Z,104.0,4");
      List<Row> second =
          run(
              query,
              input,
              updated,
              "AAPL,2026-11-24T10:00:40Z,99.0,8",
              "AAPL,2026-11-24T10:03:10Z,103.0,16",
              "AAPL,2026-11-24T10:04:10Z,104.0,4");
      List<Row> secondUnbarred = unbarred.get(Collections.max(updated.keySet()));
      List<Row> third = run(query, input, updated, "AAPL,2026-11-24T10:04:50Z,105.0,32");

      // then: bars from the state, each quote once; the late minute and the minute of the quote
      // sent again have no bar row in the second batch (their stored quotes give them)
      assertThat(first)
          .extracting(BarsTest::ohlc)
          .containsExactly(
              tuple(at("2026-11-24T10:00:00Z"), 100.0, 101.0, 100.0, 101.0, 3L, 2),
              tuple(at("2026-11-24T10:04:00Z"), 104.0, 104.0, 104.0, 104.0, 4L, 1));
      assertThat(second)
          .extracting(BarsTest::ohlc)
          .containsExactly(tuple(at("2026-11-24T10:03:00Z"), 103.0, 103.0, 103.0, 103.0, 16L, 1));
      assertThat(secondUnbarred)
          .extracting(
              r -> r.getTimestamp(r.fieldIndex("minute")), r -> r.getDate(r.fieldIndex("day")))
          .containsExactly(
              tuple(at("2026-11-24T10:00:00Z"), day("2026-11-24")),
              tuple(at("2026-11-24T10:04:00Z"), day("2026-11-24")));
      assertThat(third)
          .extracting(BarsTest::ohlc)
          .containsExactly(tuple(at("2026-11-24T10:04:00Z"), 104.0, 105.0, 104.0, 105.0, 36L, 2));
    } finally {
      query.stop();
    }
  }

  /** Adds the values to the stream, runs them through, and gives the newest batch's bar rows. */
  private static List<Row> run(
      StreamingQuery query,
      MemoryStream<String> input,
      Map<Long, List<Row>> updated,
      String... values) {
    input.addData(CollectionConverters.asScala(List.of(values)).toSeq());
    query.processAllAvailable();
    // a batch with data is followed by one without when the watermark moved: take the newest
    // batch that updated a bar
    return updated.entrySet().stream()
        .filter(e -> !e.getValue().isEmpty())
        .max(Map.Entry.comparingByKey())
        .map(Map.Entry::getValue)
        .orElseThrow();
  }

  private static org.assertj.core.groups.Tuple ohlc(Row bar) {
    return tuple(
        bar.getTimestamp(bar.fieldIndex("minute")),
        bar.getDouble(bar.fieldIndex("open")),
        bar.getDouble(bar.fieldIndex("high")),
        bar.getDouble(bar.fieldIndex("low")),
        bar.getDouble(bar.fieldIndex("close")),
        bar.getLong(bar.fieldIndex("volume")),
        bar.getInt(bar.fieldIndex("quotes")));
  }

  private static Row quote(String symbol, String ts, double price, long volume) {
    return RowFactory.create(symbol, at(ts), price, volume, null, null, null);
  }

  private static Timestamp at(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }

  private static Date day(String date) {
    return Date.valueOf(date);
  }
}
