package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Tables;
import io.smack.ingest.ExpectedTables.Bar;
import io.smack.localstack.Await;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
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

  @Test
  void should_send_a_quote_stamped_a_day_ahead_to_the_dead_letters_and_keep_bars_and_latest_going(
      StackAddresses stack) throws Exception {
    // given: AAPL and MSFT quotes of the last minutes, then one AAPL quote stamped 23 h ahead (a
    // source with a wrong clock), then more normal quotes
    IngestWorld world = new IngestWorld(stack, 2);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<Quote> before =
        TestQuotes.series(
            List.of("AAPL", "MSFT"),
            now.minus(Duration.ofMinutes(4)),
            now.minus(Duration.ofMinutes(2)),
            Duration.ofMillis(500),
            21);
    Quote aheadOfTheClock = new Quote("AAPL", now.plus(Duration.ofHours(23)), 500.0, 1, "it");
    List<Quote> after =
        TestQuotes.series(
            List.of("AAPL", "MSFT"),
            now.minus(Duration.ofMinutes(2)),
            now.minus(Duration.ofSeconds(5)),
            Duration.ofMillis(500),
            22);
    world.produce(before);
    world.produce(List.of(aheadOfTheClock));
    world.produce(after);
    IngestSettings settings = world.settings(Map.of("INGEST_MAX_OFFSETS_PER_TRIGGER", "300"));

    // when
    InProcessJob.Run run = run(settings);

    // then: the quote is a dead letter with its reason, and stored nowhere
    List<String> letters = world.deadLetters(1);
    assertThat(letters).hasSize(1);
    assertThat(reason(letters.get(0))).isEqualTo("future_timestamp");
    assertThat(letters.get(0)).contains("ahead of the receiving clock");
    List<Quote> normal = new ArrayList<>(before);
    normal.addAll(after);
    assertThat(world.rows(Tables.QUOTES_BY_DAY, "ts")).hasSize(normal.size());
    // latest_quote is the newest normal quote, not pinned to the future one
    assertThat(IngestTables.latest(world)).isEqualTo(ExpectedTables.latest(normal));
    // the bars advanced for the later quotes, from Spark's state: none was late
    assertThat(IngestTables.bars(world)).isEqualTo(ExpectedTables.bars(normal));
    List<Row> bars = run.barsRows(world);
    assertThat(bars.stream().mapToLong(r -> r.getLong("late")).sum()).isZero();
    assertThat(bars.stream().mapToLong(r -> r.getLong("backfilled")).sum()).isZero();
    assertThat(bars.get(0).getInstant("watermark")).isBefore(now);
  }

  @Test
  void should_give_every_replayed_historic_quote_its_bar_after_other_history_and_live_data(
      StackAddresses stack) throws Exception {
    // given: a first symbol's daily history (as a replay of a CSV gives it), run through the job
    IngestWorld world = new IngestWorld(stack, 3);
    List<Quote> all = new ArrayList<>();
    List<Quote> first =
        TestQuotes.series(
            List.of("HIST1"),
            Instant.parse("2000-01-03T00:00:00Z"),
            Instant.parse("2003-01-03T00:00:00Z"),
            Duration.ofDays(1),
            31);
    world.produce(first);
    all.addAll(first);
    IngestSettings settings = world.settings(Map.of("INGEST_MAX_OFFSETS_PER_TRIGGER", "500"));
    run(settings);

    // when: a second symbol's history over the same years (behind the watermark now), then live
    // quotes, then a third symbol's history
    List<Quote> second =
        TestQuotes.series(
            List.of("HIST2"),
            Instant.parse("2001-06-01T00:00:00Z"),
            Instant.parse("2001-06-26T00:00:00Z"),
            Duration.ofDays(1),
            32);
    world.produce(second);
    all.addAll(second);
    InProcessJob.Run afterHistory = run(settings);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<Quote> live =
        TestQuotes.series(
            List.of("LIVE"), now.minus(Duration.ofMinutes(3)), now, Duration.ofSeconds(1), 33);
    world.produce(live);
    all.addAll(live);
    run(settings);
    List<Quote> third =
        TestQuotes.series(
            List.of("HIST3"),
            Instant.parse("2002-02-01T00:00:00Z"),
            Instant.parse("2002-04-01T00:00:00Z"),
            Duration.ofDays(1),
            34);
    world.produce(third);
    all.addAll(third);
    InProcessJob.Run afterLive = run(settings);

    // then: every stored quote is in its bar, each bar exactly what its quotes make
    assertThat(world.rows(Tables.QUOTES_BY_DAY, "ts")).hasSize(all.size());
    assertThat(IngestTables.bars(world)).isEqualTo(ExpectedTables.bars(all));
    // and the late ones were counted late by Spark and given their bars from stored quotes
    List<Row> secondBars = afterHistory.barsRows(world);
    assertThat(secondBars.stream().mapToLong(r -> r.getLong("late")).sum())
        .isEqualTo(second.size());
    assertThat(secondBars.stream().mapToLong(r -> r.getLong("backfilled")).sum())
        .isEqualTo(second.size());
    assertThat(afterLive.barsRows(world).stream().mapToLong(r -> r.getLong("backfilled")).sum())
        .isEqualTo(third.size());
  }

  @Test
  void should_let_the_bars_query_read_as_many_records_a_second_as_the_quotes_query(
      StackAddresses stack) throws Exception {
    // given: 2 000 quotes in the topic, at most 100 a quotes batch every 250 ms, a bars batch a
    // second: before, the bars query too read 100 a batch, a quarter of the quotes query's rate
    IngestWorld world = new IngestWorld(stack, 2);
    List<Quote> quotes =
        TestQuotes.series(
            List.of("AAPL", "MSFT"),
            Instant.parse("2026-11-24T10:00:00Z"),
            Instant.parse("2026-11-24T10:16:40Z"),
            Duration.ofSeconds(1),
            11);
    world.produce(quotes);
    IngestSettings settings =
        world.settings(
            Map.of(
                "INGEST_TRIGGER", "250ms",
                "INGEST_BARS_TRIGGER", "1s",
                "INGEST_MAX_OFFSETS_PER_TRIGGER", "100"));
    SparkSession session = spark(settings);

    // when: both queries run on their triggers until each has read the whole topic
    IngestJob.Queries queries =
        IngestJob.parts(
                session, settings, new TopicEnds(settings.kafka()), new PrometheusRegistry())
            .start(session, settings);
    try {
      Await.until(
          () ->
              inputRows(queries.quotes()) == quotes.size()
                  && inputRows(queries.bars()) == quotes.size(),
          Duration.ofSeconds(180));
    } finally {
      for (StreamingQuery query : queries.both()) {
        query.stop();
      }
    }

    // then: a bars batch read 400, four quotes triggers' worth; a quotes batch never above 100
    assertThat(largestBatch(queries.quotes())).isEqualTo(100);
    assertThat(largestBatch(queries.bars())).isEqualTo(400);
    assertThat(IngestTables.bars(world)).isEqualTo(ExpectedTables.bars(quotes));
  }

  /**
   * The Kafka records of each recent batch, from its offsets: the bars query's numInputRows counts
   * each record twice, once for each branch of its union reading the topic.
   */
  private static LongStream records(StreamingQuery query) {
    return Arrays.stream(query.recentProgress())
        .filter(p -> p.sources().length > 0)
        .mapToLong(
            p -> KafkaOffsets.records(p.sources()[0].startOffset(), p.sources()[0].endOffset()));
  }

  private static long inputRows(StreamingQuery query) {
    return records(query).sum();
  }

  private static long largestBatch(StreamingQuery query) {
    return records(query).max().orElse(0);
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
    return InProcessJob.run(spark(settings), settings);
  }

  /** The class's session, made with the first test's settings: the job's Spark settings. */
  private static SparkSession spark(IngestSettings settings) {
    if (spark == null) {
      spark = SparkSession.builder().config(IngestJob.sparkConf(settings)).getOrCreate();
    }
    return spark;
  }
}
