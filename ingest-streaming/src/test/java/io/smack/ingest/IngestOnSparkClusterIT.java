package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.common.Quote;
import io.smack.localstack.Await;
import io.smack.localstack.FaultFigures;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.ModuleProcess;
import io.smack.localstack.Ports;
import io.smack.localstack.SparkCluster;
import io.smack.localstack.StackAddresses;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The streaming job as it runs on Mesos: submitted in client mode to a Spark standalone cluster of
 * two workers ({@link SparkCluster}), so that its tasks and its state run in executor JVMs of their
 * own, apart from the driver. A worker and its executor are killed in the middle of a batch, and
 * the driver three times; each test counts what was produced and stored, and fails on a quote lost
 * or counted twice. Tagged {@code chaos}: {@code bin/smack chaos} runs it (about 10 minutes),
 * {@code bin/smack test} leaves it out to stay within its budget.
 */
@Tag("chaos")
@ExtendWith(LocalStackExtension.class)
class IngestOnSparkClusterIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WORK = Path.of("target", "spark-cluster").toAbsolutePath();
  private static final Map<String, String> LIVE =
      Map.of("INGEST_TRIGGER", "250ms", "INGEST_BARS_TRIGGER", "1s");
  private static final Duration POLL = Duration.ofMillis(250);

  private static SparkCluster spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkCluster.start(
            ROOT,
            List.of("ingest-streaming"),
            WORK,
            SparkCluster.WORKERS,
            Ports.free(),
            Ports.free(),
            Duration.ofMinutes(3));
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.close();
    }
  }

  @Test
  void should_run_the_lost_tasks_again_elsewhere_when_a_worker_and_its_executor_are_killed(
      StackAddresses stack) throws Exception {
    // given: quotes of three symbols sent at up to 800 a second, the job running on both workers
    IngestWorld world = new IngestWorld(stack, 6);
    List<Quote> available = series(Instant.parse("2026-11-26T09:00:00Z"));
    AtomicBoolean sending = new AtomicBoolean(true);
    CompletableFuture<Integer> flowing =
        CompletableFuture.supplyAsync(() -> world.trickle(available, 200, 250, sending));
    ModuleProcess job = submit(world, LIVE, "worker-kill");
    try {
      Await.until(
          () -> alive(job) && world.batches() >= 3 && executors() == SparkCluster.WORKERS,
          Duration.ofMinutes(3),
          POLL);

      // when: worker 1 and its executor are killed (SIGKILL) while a batch runs
      Await.until(
          () -> world.newestBatch("quotes/offsets") > world.newestBatch("quotes/commits"),
          Duration.ofSeconds(60));
      int killed = spark.killWorker(0);
      assertThat(killed).as("executors on the killed worker").isPositive();
      long atKill = world.batches();
      // the job goes on: the master starts a replacement executor on the other worker (a worker
      // has two slots) and the lost tasks, state store included, run again there
      Await.until(
          () ->
              alive(job)
                  && world.batches() >= atKill + 3
                  && spark.executorsOf(1).size() == SparkCluster.WORKERS,
          Duration.ofMinutes(3),
          POLL);
      // and the worker, started again, joins the cluster while the job runs on
      spark.startWorker(0, SparkCluster.WORKERS);
      long back = world.batches();
      Await.until(() -> alive(job) && world.batches() >= back + 3, Duration.ofMinutes(3), POLL);
      assertThat(flowing).as("quotes still flowing after the worker came back").isNotDone();

      // then: once the rest is read, the same job has stored every quote once
      sending.set(false);
      List<Quote> quotes = available.subList(0, flowing.get(60, TimeUnit.SECONDS));
      Await.until(
          () -> IngestTables.bars(world).equals(ExpectedTables.bars(quotes)),
          Duration.ofMinutes(3),
          Duration.ofSeconds(2));
      assertThat(alive(job)).as("the job never stopped").isTrue();
      FaultFigures.record(
          "spark-worker-kill",
          IngestTables.assertStoredOnce(
              world,
              quotes,
              "kill spark-worker-1 and its " + killed + " executor(s) mid-batch at 800 quotes/s"));
    } finally {
      job.close();
    }
  }

  @Test
  void should_end_with_every_quote_once_after_the_driver_is_killed_three_times(StackAddresses stack)
      throws Exception {
    // given: quotes sent at up to 800 a second until the third kill is done
    IngestWorld world = new IngestWorld(stack, 6);
    List<Quote> available = series(Instant.parse("2026-11-27T09:00:00Z"));
    AtomicBoolean sending = new AtomicBoolean(true);
    CompletableFuture<Integer> flowing =
        CompletableFuture.supplyAsync(() -> world.trickle(available, 200, 250, sending));

    // when: the driver is killed with SIGKILL three times, each after a few batches on the
    // workers' executors, and submitted again on its checkpoints
    for (int kill = 1; kill <= 3; kill++) {
      long before = world.batches();
      try (ModuleProcess job = submit(world, LIVE, "driver-kill-" + kill)) {
        Await.until(
            () -> alive(job) && world.batches() >= before + 4 && executors() > 0,
            Duration.ofMinutes(3),
            POLL);
        ProcessHandle.of(job.pid()).orElseThrow().destroyForcibly();
        assertThat(job.awaitExit(Duration.ofSeconds(30))).isPresent();
      }
      assertThat(flowing).as("quotes still flowing at kill %d", kill).isNotDone();
    }
    sending.set(false);
    List<Quote> quotes = available.subList(0, flowing.get(60, TimeUnit.SECONDS));
    try (ModuleProcess last =
        submit(
            world,
            Map.of("INGEST_TRIGGER", "available-now", "INGEST_MAX_OFFSETS_PER_TRIGGER", "20000"),
            "after-driver-kills")) {
      // then: the last run ends, and produced = stored, none twice, bars and latest exact
      OptionalInt exit = last.awaitExit(Duration.ofMinutes(4));
      assertThat(exit).as("the last run ends; see " + last.logFile()).hasValue(0);
    }
    FaultFigures.record(
        "driver-kill",
        IngestTables.assertStoredOnce(
            world, quotes, "kill the driver x3 with remote executors at 800 quotes/s"));
  }

  private static List<Quote> series(Instant from) {
    return TestQuotes.series(
        List.of("AAPL", "MSFT", "IBM"),
        from,
        from.plus(Duration.ofHours(1)),
        Duration.ofMillis(50),
        43);
  }

  private static ModuleProcess submit(
      IngestWorld world, Map<String, String> settings, String name) {
    return ModuleProcess.sparkSubmit(
        ROOT,
        "ingest-streaming",
        IngestMain.class.getName(),
        spark,
        List.of(),
        world.environment(settings),
        Path.of("target", "ingest-" + name + ".log").toAbsolutePath());
  }

  private static boolean alive(ModuleProcess job) {
    assertThat(job.isAlive()).as("the job runs; see " + job.logFile()).isTrue();
    return true;
  }

  private static int executors() {
    int running = 0;
    for (int worker = 0; worker < SparkCluster.WORKERS; worker++) {
      running += spark.executorsOf(worker).size();
    }
    return running;
  }
}
