package io.smack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The sizing's arithmetic on a fixed results file of a 2-core machine: collector 1 M quotes/s, bare
 * producer 1.6 M records/s, streaming job 20 k quotes/s, raw inserts of its rows 16 k quotes/s
 * against 20 k single rows/s (1.25 rows per quote), /latest 20 k requests/s.
 */
class CapacityTest {

  private static final Capacity LOAD = new Capacity(1_000_000, 20_000);

  @Test
  void should_size_every_part_from_the_per_core_figures_with_headroom() throws Exception {
    // when
    Capacity.Sizing sizing = LOAD.size(fixedResults());

    // then
    // 1 M / (500 k per core × 1 cpu × 0.7) = 2.86
    assertThat(sizing.count("collector instances")).isEqualTo(3);
    // 1 M / (10 k per core × 0.7) = 142.9
    assertThat(sizing.count("Spark executor cores (streaming job)")).isEqualTo(143);
    // measured: 3 M replicated / (800 k × 8 × 0.7) = 0.67 → the least, 3; the anchor:
    // 3 M / (262 327 × 0.7) = 16.3 → 17, the larger
    assertThat(sizing.count("Kafka brokers")).isEqualTo(17);
    // max(143 executor cores, 2 × 17) rounded up to a multiple of 17
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
    Capacity.Sizing sizing = new Capacity(100, 0).size(fixedResults());

    // then
    assertThat(sizing.count("access-service instances")).isEqualTo(2);
    assertThat(sizing.count("Kafka brokers")).isEqualTo(3);
    assertThat(sizing.count("Cassandra nodes (replication 3)")).isEqualTo(3);
    assertThat(sizing.count("collector instances")).isEqualTo(1);
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
