package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.Quote;
import io.smack.common.Tables;
import io.smack.ingest.ExpectedTables.Bar;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A keyspace that stored a quote stamped a day ahead (as the pipeline did before the clock-skew
 * rule): the repair removes it, gives its minute's bar and latest_quote back, and later quotes
 * update latest_quote again.
 */
@ExtendWith(LocalStackExtension.class)
class FutureQuotesIT {

  private static SparkSession spark;

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void should_remove_a_stored_future_quote_and_give_latest_and_bars_back(StackAddresses stack)
      throws Exception {
    // given: AAPL and MSFT quotes of the last minutes, written as the job writes them, and an AAPL
    // quote 23 h ahead written the same way (with its event time as latest_quote's write time)
    IngestWorld world = new IngestWorld(stack, 1);
    spark = TestSparks.withCassandra("future-quotes-it", stack);
    QuoteParsing.register(spark, Duration.ofDays(2));
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<Quote> normal =
        TestQuotes.series(
            List.of("AAPL", "MSFT"),
            now.minus(Duration.ofMinutes(3)),
            now.minus(Duration.ofMinutes(1)),
            Duration.ofSeconds(2),
            51);
    Quote aheadOfTheClock = new Quote("AAPL", now.plus(Duration.ofHours(23)), 500.0, 1, "it");
    TestSparks.writeAsTheJob(spark, world.keyspace, normal);
    TestSparks.writeAsTheJob(spark, world.keyspace, List.of(aheadOfTheClock));
    Instant future = aheadOfTheClock.ts().truncatedTo(ChronoUnit.MINUTES);
    insertBar(world, aheadOfTheClock);
    Quote laterAapl = new Quote("AAPL", now.minusSeconds(30), 190.0, 3, "it");
    TestSparks.writeAsTheJob(spark, world.keyspace, List.of(laterAapl));
    assertThat(IngestTables.latest(world).get("AAPL")).as("pinned").isEqualTo(aheadOfTheClock);

    // when: a dry run, then the repair
    FutureQuotes.Report dry = repair(world, now, true);
    FutureQuotes.Report report = repair(world, now, false);

    // then: the quote, its day in the index and its bar are gone; latest is the newest real quote
    assertThat(dry.removed()).containsOnlyKeys("AAPL");
    assertThat(IngestTables.latest(world).get("AAPL")).isEqualTo(laterAapl);
    assertThat(report.removed()).isEqualTo(Map.of("AAPL", List.of(aheadOfTheClock.ts())));
    List<Quote> real = new ArrayList<>(normal);
    real.add(laterAapl);
    assertThat(IngestTables.latest(world)).isEqualTo(ExpectedTables.latest(real));
    assertThat(world.rows(Tables.QUOTES_BY_DAY, "ts")).hasSize(real.size());
    assertThat(world.rows(Tables.QUOTE_DAYS, "day").stream().map(r -> r.getLocalDate("day")))
        .allSatisfy(
            day -> assertThat(day).isBeforeOrEqualTo(LocalDate.ofInstant(now, ZoneOffset.UTC)));
    Map<String, Bar> bars = IngestTables.bars(world);
    assertThat(bars).doesNotContainKey("AAPL@" + future);
    // and a later quote updates latest_quote again, as it could not while the future one was there
    Quote newer = new Quote("AAPL", now.minusSeconds(1), 191.0, 4, "it");
    TestSparks.writeAsTheJob(spark, world.keyspace, List.of(newer));
    assertThat(IngestTables.latest(world).get("AAPL")).isEqualTo(newer);
  }

  private static FutureQuotes.Report repair(IngestWorld world, Instant now, boolean dryRun) {
    return CassandraConnector.apply(spark.sparkContext().getConf())
        .withSessionDo(
            session ->
                new FutureQuotes(session, world.keyspace, "LOCAL_ONE")
                    .repair(now, Duration.ofMinutes(5), dryRun));
  }

  private static void insertBar(IngestWorld world, Quote quote) {
    Instant minute = quote.ts().truncatedTo(ChronoUnit.MINUTES);
    world.execute(
        "INSERT INTO "
            + world.keyspace
            + ".bars_1m (symbol, day, minute, open, high, low, close, volume, quotes, close_ts)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        quote.symbol(),
        LocalDate.ofInstant(minute, ZoneOffset.UTC),
        minute,
        quote.price(),
        quote.price(),
        quote.price(),
        quote.price(),
        quote.volume(),
        quote.ts());
  }
}
