package io.smack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sizing's arithmetic on a fixed results file of a 2-core machine: collector 1 M quotes/s, bare
 * producer 1.6 M records/s, streaming job 20 k quotes/s, raw inserts of its rows 16 k quotes/s
 * against 20 k single rows/s (1.25 rows per quote), /latest 20 k requests/s; peak resident sets:
 * collector 500 MiB, access service 700, streaming job 1 300, training job 1 700. And the committed
 * deploy files against the committed run.
 */
class CapacityTest {

  private static final Capacity LOAD = new Capacity(1_000_000, 20_000);

  /** The deploy files' resources as committed when this test was written. */
  private static final Deployment DEPLOYMENT =
      new Deployment(
          new Deployment.App("deploy/marathon/collector.json", 1, 768, Map.of()),
          new Deployment.App("deploy/marathon/access-service.json", 1, 1024, Map.of()),
          new Deployment.App(
              "deploy/marathon/ingest-streaming.json",
              1,
              2048,
              Map.of("spark.executor.cores", "2", "spark.executor.memory", "2g")),
          new Deployment.App(
              "deploy/chronos/model-training.json",
              1,
              2048,
              Map.of("spark.executor.cores", "2", "spark.executor.memory", "2g")));

  @Test
  void should_size_every_part_from_the_per_core_figures_with_headroom() throws Exception {
    // when
    Capacity.Sizing sizing = LOAD.size(fixedResults(), DEPLOYMENT);

    // then
    // 1 M / (500 k per core × 1 cpu × 0.7) = 2.86
    assertThat(sizing.count("collector instances")).isEqualTo(3);
    // 1 M / (10 k per core × 0.7) = 142.9 → 143, in executors of 2 cores: 144
    assertThat(sizing.count("Spark executor cores (streaming job)")).isEqualTo(144);
    // measured: 3 M replicated / (800 k × 8 × 0.7) = 0.67 → the least, 3; the anchor:
    // 3 M / (262 327 × 0.7) = 16.3 → 17, the larger
    assertThat(sizing.count("Kafka brokers")).isEqualTo(17);
    // max(144 executor cores, 2 × 17) rounded up to a multiple of 17
    assertThat(sizing.count("Kafka partitions (quotes topic)")).isEqualTo(153);
    // 1 M × 1.25 rows × 3 replicas = 3.75 M; measured 3.75 M / (10 k × 8 × 0.7) = 67,
    // the anchor 3.75 M / (3 000 × 8 × 0.7) = 223.2 → 224
    assertThat(sizing.count("Cassandra nodes (replication 3)")).isEqualTo(224);
    // 20 k / (10 k per core × 1 cpu × 0.7) = 2.86
    assertThat(sizing.count("access-service instances")).isEqualTo(3);
    assertThat(sizing.report())
        .contains("For 1,000,000 quotes/s and 20,000 API requests/s")
        .contains("| Cassandra nodes (replication 3) | 224 × 8 cores |")
        .contains("1.25 row writes per quote (`ingest.rows-per-quote`)");
  }

  @Test
  void should_keep_two_access_instances_and_three_replicas_under_a_small_load() throws Exception {
    // when
    Capacity.Sizing sizing = new Capacity(100, 0).size(fixedResults(), DEPLOYMENT);

    // then
    assertThat(sizing.count("access-service instances")).isEqualTo(2);
    assertThat(sizing.count("Kafka brokers")).isEqualTo(3);
    assertThat(sizing.count("Cassandra nodes (replication 3)")).isEqualTo(3);
    assertThat(sizing.count("collector instances")).isEqualTo(1);
  }

  @Test
  void should_set_each_apps_memory_against_its_measured_peak_and_name_a_shortfall()
      throws Exception {
    // when
    Capacity.Sizing sizing = LOAD.size(fixedResults(), DEPLOYMENT);

    // then: 1.25 × the peak, rounded up to 128 MiB
    assertThat(sizing.apps())
        .extracting(Capacity.App::app, Capacity.App::neededMib)
        .containsExactly(
            tuple("collector", 640L), // 625
            tuple("access-service", 896L), // 875
            tuple("streaming job: driver", 1664L), // 1 625
            tuple("streaming job: executors", 1664L),
            tuple("training job: driver", 2176L), // 2 125
            tuple("training job: executors", 2176L));
    // the training job's driver's 2 048 MiB are short of 2 176; its executors get 2 048 and
    // Spark's default overhead, 384
    assertThat(sizing.shortOfMemory())
        .extracting(Capacity.App::app)
        .containsExactly("training job: driver");
    assertThat(sizing.report())
        .contains(
            "| streaming job: executors | `deploy/marathon/ingest-streaming.json` | 2 | 2,432 |"
                + " 1,300 MiB (`ingest.job.peak-rss`) → needs 1,664 | `spark.cores.max=144`,"
                + " `INGEST_SHUFFLE_PARTITIONS=144`, 153 partitions |")
        .contains("| access-service | `deploy/marathon/access-service.json` | 1 | 1,024 |")
        .contains(
            "| training job: driver | `deploy/chronos/model-training.json` | 1 | 2,048 (too"
                + " little: needs 2,176) |");
  }

  @Test
  void should_give_an_executor_its_heap_and_the_overhead_mesos_adds() {
    // the file's overhead (MiB), else Spark's: the larger of 384 MiB and a tenth of the heap
    assertThat(executor("2g", Map.of(Deployment.MESOS_EXECUTOR_OVERHEAD, "1024"))).isEqualTo(3072);
    assertThat(executor("2g", Map.of())).isEqualTo(2048 + 384);
    assertThat(executor("8g", Map.of())).isEqualTo(8192 + 819);
  }

  private static long executor(String heap, Map<String, String> more) {
    Map<String, String> conf = new HashMap<>(more);
    conf.put("spark.executor.memory", heap);
    return new Deployment.App("f.json", 1, 1024, conf).executorMemoryMib();
  }

  @Test
  void should_find_the_committed_deploy_files_hold_the_committed_runs_peaks() {
    // given: the run the READMEs render, and the files bin/smack deploy applies
    Results committed = Results.read(Path.of("results", "report.json"));
    Deployment files = Deployment.read(Path.of("..", "deploy"));

    // when
    Capacity.Sizing sizing = ReadmeTables.EXAMPLE_LOAD.size(committed, files);

    // then: every part's peak was measured, and every file gives it what the peak needs
    assertThat(sizing.apps()).allSatisfy(app -> assertThat(app.measured()).as(app.app()).isTrue());
    assertThat(sizing.shortOfMemory()).isEmpty();
    assertThat(files.accessService().cpus()).isEqualTo(DEPLOYMENT.accessService().cpus());
  }

  @Test
  void should_read_the_load_as_given_on_the_command_line() {
    assertThat(Capacity.parse("1000000,20000")).isEqualTo(LOAD);
    assertThat(Capacity.parse("5000")).isEqualTo(new Capacity(5000, 0));
    assertThatThrownBy(() -> Capacity.parse("lots"))
        .hasMessageContaining("QUOTES_PER_SECOND[,REQUESTS_PER_SECOND]");
  }

  private static Results fixedResults() throws URISyntaxException {
    return Results.read(Path.of(CapacityTest.class.getResource("/capacity-results.json").toURI()));
  }
}
