package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.common.Quote;
import io.smack.common.Tables;
import io.smack.localstack.Await;
import io.smack.localstack.FaultFigures;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.ModuleProcess;
import io.smack.localstack.StackAddresses;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The job as its own JVM, killed with SIGKILL in the middle of a run while quotes still flow, and
 * started again on the same checkpoint: every quote is stored once and the tables are what the
 * quotes make, as if nothing had happened.
 */
@ExtendWith(LocalStackExtension.class)
class IngestRestartIT {

  @Test
  void should_store_every_quote_once_and_the_same_bars_and_latest_after_a_kill_and_a_restart(
      StackAddresses stack) throws Exception {
    // given: 40 000 quotes of four symbols, the first 10 000 in the topic before the job starts
    IngestWorld world = new IngestWorld(stack, 6);
    List<Quote> quotes =
        TestQuotes.series(
            List.of("AAPL", "MSFT", "GOOG", "IBM"),
            Instant.parse("2026-11-24T12:00:00Z"),
            Instant.parse("2026-11-24T12:16:40Z"),
            Duration.ofMillis(100),
            17);
    world.produce(quotes.subList(0, 10_000));
    ModuleProcess first =
        start(
            world,
            Map.of("INGEST_TRIGGER", "0s", "INGEST_MAX_OFFSETS_PER_TRIGGER", "2000"),
            "first");

    // when: the rest flows in while the job runs, and the job is killed after a few batches
    // a JVM and Spark starting on a busy 2-core machine can take minutes
    Await.until(() -> world.batches() >= 1, Duration.ofMinutes(4));
    CompletableFuture<Void> flowing =
        CompletableFuture.runAsync(
            () ->
                world.trickle(
                    quotes.subList(10_000, quotes.size()), 500, 200, new AtomicBoolean(true)));
    Await.until(() -> world.batches() >= 3, Duration.ofMinutes(4));
    // in the middle of a batch of each query: its offsets are in the checkpoint, its commit is not
    Await.until(
        () -> world.newestBatch("quotes/offsets") > world.newestBatch("quotes/commits"),
        Duration.ofSeconds(60));
    Await.until(
        () -> world.newestBatch("bars/offsets") > world.newestBatch("bars/commits"),
        Duration.ofSeconds(60));
    first.kill(); // SIGKILL
    assertThat(first.isAlive()).isFalse();
    assertThat(flowing).as("quotes still flowing at the kill").isNotDone();
    long storedAtKill = world.rows(Tables.QUOTES_BY_DAY, "ts").size();
    flowing.get(120, TimeUnit.SECONDS);
    // and, as a restarted collector would, the first 2000 quotes are sent again
    world.produce(quotes.subList(0, 2000));
    ModuleProcess second =
        start(
            world,
            Map.of("INGEST_TRIGGER", "available-now", "INGEST_MAX_OFFSETS_PER_TRIGGER", "10000"),
            "second");

    // then: the restart catches up and ends, and the tables hold what a clean run gives
    assertThat(second.awaitExit(Duration.ofSeconds(240))).as("the restarted job ends").hasValue(0);
    assertThat(storedAtKill).isLessThan(quotes.size());
    List<Row> stored = world.rows(Tables.QUOTES_BY_DAY, "symbol, ts, price, volume");
    assertThat(stored).hasSize(quotes.size());
    Map<String, Quote> expected = ExpectedTables.distinct(quotes);
    assertThat(stored)
        .allSatisfy(
            row -> {
              Quote quote = expected.get(row.getString("symbol") + "@" + row.getInstant("ts"));
              assertThat(quote).isNotNull();
              assertThat(row.getDouble("price")).isEqualTo(quote.price());
            });
    assertThat(IngestTables.bars(world)).isEqualTo(ExpectedTables.bars(quotes));
    assertThat(IngestTables.latest(world)).isEqualTo(ExpectedTables.latest(quotes));
  }

  // three kills under a steady load take about three minutes here: bin/smack chaos runs it, with
  // the same fault on remote executors (IngestOnSparkClusterIT); bin/smack test has the one above
  @Test
  @Tag("chaos")
  void should_end_with_every_quote_once_after_three_kills_under_a_steady_load(StackAddresses stack)
      throws Exception {
    // given: quotes of three symbols, each (symbol, ts) once, sent at up to 800 a second until
    // the third kill is done (a fixed number could run out early or late on a busy machine)
    IngestWorld world = new IngestWorld(stack, 6);
    List<Quote> available =
        TestQuotes.series(
            List.of("AAPL", "MSFT", "IBM"),
            Instant.parse("2026-11-25T09:00:00Z"),
            Instant.parse("2026-11-25T10:00:00Z"),
            Duration.ofMillis(50),
            41);
    AtomicBoolean sending = new AtomicBoolean(true);
    CompletableFuture<Integer> flowing =
        CompletableFuture.supplyAsync(() -> world.trickle(available, 200, 250, sending));
    Map<String, String> live = Map.of("INGEST_TRIGGER", "250ms", "INGEST_BARS_TRIGGER", "1s");

    // when: the job is killed with SIGKILL three times while quotes flow, each time after it has
    // run a few more batches, and started again on its checkpoints
    for (int kill = 1; kill <= 3; kill++) {
      long before = world.batches();
      ModuleProcess job = start(world, live, "kill-" + kill);
      try {
        Await.until(() -> world.batches() >= before + 4, Duration.ofSeconds(180));
      } finally {
        job.kill();
        assertThat(job.isAlive()).isFalse();
      }
      assertThat(flowing).as("quotes still flowing at kill %d", kill).isNotDone();
    }
    sending.set(false);
    List<Quote> quotes = available.subList(0, flowing.get(60, TimeUnit.SECONDS));
    ModuleProcess last =
        start(
            world,
            Map.of("INGEST_TRIGGER", "available-now", "INGEST_MAX_OFFSETS_PER_TRIGGER", "20000"),
            "after-kills");

    // then: produced = stored, no quote twice in a bar, latest the newest
    assertThat(last.awaitExit(Duration.ofSeconds(240))).as("the last run ends").hasValue(0);
    FaultFigures.record(
        "ingest-restart",
        IngestTables.assertStoredOnce(world, quotes, "kill the job x3 under a steady load"));
  }

  /** The job in a JVM of its own, as bin/smack up starts it, logging to target/. */
  private static ModuleProcess start(IngestWorld world, Map<String, String> settings, String name) {
    return ModuleProcess.sparkJob(
        Path.of("..").toAbsolutePath().normalize(),
        "ingest-streaming",
        IngestMain.class.getName(),
        List.of(),
        world.environment(new TreeMap<>(settings)),
        Path.of("target", "ingest-" + name + ".log").toAbsolutePath());
  }
}
