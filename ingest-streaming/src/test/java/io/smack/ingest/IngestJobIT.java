package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Tables;
import io.smack.ingest.ExpectedTables.Bar;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The streaming query itself, in this JVM on Spark local, from a real topic into the real node:
 * every table's content compared with what the quotes make when worked out apart from the job.
 */
@ExtendWith(LocalStackExtension.class)
class IngestJobIT {

  private static SparkSession spark;

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void should_write_every_quote_latest_and_bars_and_send_bad_messages_to_the_dead_letter_topic(
      StackAddresses stack) throws Exception {
    // given: three symbols over a UTC midnight, out of order, two quotes sent twice, bad messages
    IngestWorld world = new IngestWorld(stack, 3);
    List<Quote> good =
        new ArrayList<>(
            TestQuotes.series(
                List.of("AAPL", "MSFT", "BRK.B"),
                Instant.parse("2026-11-23T23:58:30Z"),
                Instant.parse("2026-11-24T00:01:30Z"),
                Duration.ofMillis(700),
                7));
    Collections.shuffle(good, new Random(3));
    good.add(good.get(0));
    good.add(good.get(100));
    List<String> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    good.forEach(
        q -> {
          keys.add(q.symbol());
          values.add(QuoteCodec.encode(q));
        });
    Map<String, String> bad = new TreeMap<>();
    bad.put("malformed", "not json at all");
    bad.put("bad_price", quoteJson("IBM", "\"abc\""));
    bad.put(
        "missing_field",
        "{\"v\":1,\"symbol\":\"IBM\",\"price\":1.0,\"volume\":1,\"source\":\"x\"}");
    bad.put(
        "bad_symbol",
        "{\"v\":1,\"symbol\":\"ibm lower\",\"ts\":\"2026-11-24T00:00:00Z\",\"price\":1.0,\"volume\":1,\"source\":\"x\"}");
    int at = 50;
    for (String value : bad.values()) {
      keys.add(at, "IBM");
      values.add(at, value.getBytes(StandardCharsets.UTF_8));
      at += 150;
    }
    keys.add("IBM");
    values.add(quoteJson("IBM", "-5.0").getBytes(StandardCharsets.UTF_8)); // bad_price, negative
    keys.add("IBM");
    values.add(
        quoteJson("IBM", "\"NaN\"").getBytes(StandardCharsets.UTF_8)); // malformed or bad_price
    world.produce(keys, values);
    IngestSettings settings = world.settings(Map.of("INGEST_MAX_OFFSETS_PER_TRIGGER", "200"));

    // when
    InProcessJob.Run run = run(settings);

    // then: quotes_by_day holds each (symbol, ts) once, in its UTC day
    Map<String, Quote> expected = ExpectedTables.distinct(good);
    List<Row> stored = world.rows(Tables.QUOTES_BY_DAY, "symbol, day, ts, price, volume, source");
    assertThat(stored).hasSize(expected.size());
    for (Row row : stored) {
      Quote quote = expected.get(row.getString("symbol") + "@" + row.getInstant("ts"));
      assertThat(quote)
          .as("stored %s %s", row.getString("symbol"), row.getInstant("ts"))
          .isNotNull();
      assertThat(row.getLocalDate("day"))
          .isEqualTo(LocalDate.ofInstant(quote.ts(), ZoneOffset.UTC));
      assertThat(row.getDouble("price")).isEqualTo(quote.price());
      assertThat(row.getLong("volume")).isEqualTo(quote.volume());
      assertThat(row.getString("source")).isEqualTo("it");
    }
    // and quote_days indexes exactly the days that hold quotes
    assertThat(
            world.rows(Tables.QUOTE_DAYS, "symbol, day").stream()
                .map(r -> r.getString("symbol") + "@" + r.getLocalDate("day"))
                .toList())
        .containsExactlyInAnyOrderElementsOf(
            stored.stream()
                .map(r -> r.getString("symbol") + "@" + r.getLocalDate("day"))
                .distinct()
                .toList());
    // latest_quote: the newest by event time, though the topic held them out of order
    assertThat(IngestTables.latest(world)).isEqualTo(ExpectedTables.latest(good));
    // bars_1m: equal to the bars worked out apart, each quote sent twice counted once
    assertThat(IngestTables.bars(world)).isEqualTo(ExpectedTables.bars(good));
    // the rejects, with their reasons, in the dead-letter topic
    List<String> letters = world.deadLetters(6);
    assertThat(letters).hasSize(6);
    assertThat(letters.stream().map(IngestJobIT::reason).sorted())
        .containsExactly(
            "bad_price", "bad_price", "bad_price", "bad_symbol", "malformed", "missing_field");
    assertThat(letters).allSatisfy(l -> assertThat(l).contains("\"source\":\"ingest-streaming\""));
    // the progress rows add up to the same numbers, over several batches of each query, and name
    // the Spark jobs each batch ran
    List<Row> progress = run.quotesRows(world);
    assertThat(progress.size()).isGreaterThan(3);
    assertThat(progress.stream().mapToLong(r -> r.getLong("quotes")).sum()).isEqualTo(good.size());
    assertThat(progress.stream().mapToLong(r -> r.getLong("rejected")).sum()).isEqualTo(6);
    assertThat(progress.stream().mapToLong(r -> r.getLong("input_rows")).sum())
        .isEqualTo(values.size());
    assertThat(progress.get(0).getLong("offsets_behind")).isZero();
    assertThat(progress)
        .allSatisfy(r -> assertThat(r.getString("spark_jobs")).contains("write=1 job"));
    List<Row> barsProgress = run.barsRows(world);
    assertThat(barsProgress.stream().mapToLong(r -> r.getLong("input_rows")).sum())
        .isEqualTo(values.size());
    assertThat(barsProgress.stream().mapToLong(r -> r.getLong("late")).sum()).isZero();
    assertThat(barsProgress.get(0).getInstant("watermark"))
        .isEqualTo(Instant.parse("2026-11-24T00:01:00Z").minus(Duration.ofMinutes(10)));
  }

  @Test
  void should_correct_a_bar_within_the_watermark_and_give_a_late_quote_its_bar_from_stored_quotes(
      StackAddresses stack) throws Exception {
    // given: a first run of AAPL quotes every second from 10:00:00 to 10:04:59.9; the watermark
    // is then 10:04 less 2 minutes (a watermark must exceed the clock skew allowed: 1 minute here)
    IngestWorld world = new IngestWorld(stack, 2);
    List<Quote> first =
        TestQuotes.series(
            List.of("AAPL"),
            Instant.parse("2026-11-24T10:00:00Z"),
            Instant.parse("2026-11-24T10:05:00Z"),
            Duration.ofSeconds(1),
            11);
    world.produce(first);
    IngestSettings settings =
        world.settings(Map.of("INGEST_BARS_WATERMARK", "2m", "QUOTES_MAX_CLOCK_SKEW", "1m"));
    run(settings);
    Map<String, Bar> before = IngestTables.bars(world);

    // when: two late quotes come: one in the 10:04 minute (within the watermark), one in 10:01
    // (behind it)
    Quote withinWatermark =
        new Quote("AAPL", Instant.parse("2026-11-24T10:04:30.500Z"), 999.0, 7, "it");
    Quote beyondWatermark =
        new Quote("AAPL", Instant.parse("2026-11-24T10:01:10.500Z"), 1.0, 7, "it");
    world.produce(List.of(withinWatermark, beyondWatermark));
    InProcessJob.Run run = run(settings);

    // then: the 10:04 bar counts its late quote from Spark's state; the 10:01 quote is counted
    // late by Spark, and its bar is given again from the stored quotes, with it; latest unchanged
    List<Quote> all = new ArrayList<>(first);
    all.add(withinWatermark);
    all.add(beyondWatermark);
    Map<String, Bar> after = IngestTables.bars(world);
    String at1004 = "AAPL@2026-11-24T10:04:00Z";
    String at1001 = "AAPL@2026-11-24T10:01:00Z";
    assertThat(after).isEqualTo(ExpectedTables.bars(all));
    assertThat(after.get(at1004).high()).isEqualTo(999.0);
    assertThat(after.get(at1004).quotes()).isEqualTo(before.get(at1004).quotes() + 1);
    assertThat(after.get(at1001).low()).isEqualTo(1.0);
    assertThat(after.get(at1001).quotes()).isEqualTo(before.get(at1001).quotes() + 1);
    assertThat(IngestTables.latest(world)).isEqualTo(ExpectedTables.latest(first));
    assertThat(world.rows(Tables.QUOTES_BY_DAY, "ts")).hasSize(first.size() + 2);
    List<Row> bars = run.barsRows(world);
    assertThat(bars.stream().mapToLong(r -> r.getLong("late")).sum()).isEqualTo(1);
    assertThat(bars.stream().mapToLong(r -> r.getLong("backfilled")).sum()).isEqualTo(1);
    assertThat(bars.stream().mapToLong(r -> r.getLong("bars")).sum()).isEqualTo(1);
  }

  private static String quoteJson(String symbol, String price) {
    return "{\"v\":1,\"symbol\":\""
        + symbol
        + "\",\"ts\":\"2026-11-24T00:00:00Z\",\"price\":"
        + price
        + ",\"volume\":1,\"source\":\"x\"}";
  }

  private static String reason(String letter) {
    int start = letter.indexOf("\"reason\":\"") + 10;
    return letter.substring(start, letter.indexOf('"', start));
  }

  /** Runs both queries with available-now until they have read the whole topic. */
  private static InProcessJob.Run run(IngestSettings settings) throws Exception {
    if (spark == null) {
      spark = SparkSession.builder().config(IngestJob.sparkConf(settings)).getOrCreate();
    }
    return InProcessJob.run(spark, settings);
  }
}
