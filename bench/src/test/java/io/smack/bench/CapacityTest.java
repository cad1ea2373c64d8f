package io.smack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.smack.common.AccessServices;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sizing's arithmetic on a fixed results file of a 2-core machine: collector 1 M quotes/s, bare
 * producer 1.6 M records/s, streaming job 20 k quotes/s, raw inserts of its rows 16 k quotes/s
 * against 20 k single rows/s (1.25 rows per quote), /latest 20 k requests/s, one-day ranges 2 k,
 * predictions 4 k, the status 10 k; peak resident sets: collector 500 MiB, access service 700,
 * streaming job 1 300, training job 1 700. And the committed deploy files against the committed
 * run.
 */
class CapacityTest {

  private static final Capacity LOAD = new Capacity(1_000_000, 20_000);

  /** The deploy files' resources as committed when this test was written. */
  private static final Deployment DEPLOYMENT =
      new Deployment(
          new Deployment.App("deploy/marathon/collector.json", 1, 768, Map.of()),
          access(Map.of("latest", 0.5, "series", 1.0, "predictions", 0.5, "status", 0.25)),
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
    // each service its share of 20 k requests/s over its own figure per core × its cpus × 0.7:
    // /latest 14 k / (10 k × 0.5 × 0.7) = 4; ranges 4 k / (1 k × 1 × 0.7) = 5.7;
    // predictions 1.6 k / (2 k × 0.5 × 0.7) = 2.3; the status 400 / (5 k × 0.25 × 0.7) = 0.46
    assertThat(sizing.count("access-latest instances")).isEqualTo(4);
    assertThat(sizing.count("access-series instances")).isEqualTo(6);
    assertThat(sizing.count("access-predictions instances")).isEqualTo(3);
    assertThat(sizing.count("access-status instances")).isEqualTo(2);
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
    for (Capacity.AccessLoad load : Capacity.ACCESS_MIX) {
      assertThat(sizing.count(load.service() + " instances")).isEqualTo(2);
    }
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
            tuple("access-latest", 896L), // 875
            tuple("access-series", 896L),
            tuple("access-predictions", 896L),
            tuple("access-status", 896L),
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
        .contains("| access-series | `deploy/marathon/access-series.json` | 1 | 1,024 |")
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
    assertThat(files.access().keySet()).isEqualTo(DEPLOYMENT.access().keySet());
    files
        .access()
        .forEach(
            (name, app) ->
                assertThat(app.cpus()).as(name).isEqualTo(DEPLOYMENT.access().get(name).cpus()));
  }

  @Test
  void should_size_every_access_service_and_no_other() {
    assertThat(Capacity.ACCESS_MIX)
        .extracting(Capacity.AccessLoad::service)
        .containsExactlyElementsOf(
            AccessServices.ALL.stream().map(AccessServices.Service::name).toList());
    assertThat(Capacity.ACCESS_MIX.stream().mapToDouble(Capacity.AccessLoad::share).sum())
        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  /** The access services' apps, by the family part of their names, and their cpus. */
  private static Map<String, Deployment.App> access(Map<String, Double> cpus) {
    Map<String, Deployment.App> apps = new LinkedHashMap<>();
    for (AccessServices.Service service : AccessServices.ALL) {
      String family = service.name().substring("access-".length());
      apps.put(
          service.name(),
          new Deployment.App(
              "deploy/marathon/" + service.name() + ".json", cpus.get(family), 1024, Map.of()));
    }
    return apps;
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
