package io.smack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTest {

  private static final Figure BARE =
      Figure.raw("kafka-producer.records", "records/s", 100_000, 120_000, 80_000);

  @Test
  void should_take_the_median_of_the_per_round_ratios_not_the_ratio_of_the_medians() {
    // given: the machine slows in round 3, for both
    Figure collector = Figure.against(BARE, "collector.quotes", 90_000, 60_000, 72_000);

    // then: ratios 0.9, 0.5, 0.9 (the medians' ratio would be 72 000 / 100 000 = 0.72)
    assertThat(collector.ratio().orElseThrow().value().median()).isEqualTo(0.9);
    assertThat(collector.ratio().orElseThrow().value().min()).isEqualTo(0.5);
    assertThat(collector.ratio().orElseThrow().value().max()).isEqualTo(0.9);
    assertThat(collector.ratio().orElseThrow().baseline()).isEqualTo("kafka-producer.records");
    assertThat(collector.unit()).isEqualTo("records/s");
    assertThat(BARE.ratio()).isEmpty();
  }

  @Test
  void should_take_the_true_median_of_an_even_count() {
    assertThat(Figure.Spread.of(900, 300, 600).median()).isEqualTo(600);
    assertThat(Figure.Spread.of(100, 400).median()).isEqualTo(250);
    assertThat(Figure.Spread.of(4, 1, 3, 2).median()).isEqualTo(2.5);
    assertThat(Figure.Spread.of(42).median()).isEqualTo(42);
  }

  @Test
  void should_refuse_a_comparison_of_different_rounds() {
    assertThatThrownBy(() -> Figure.against(BARE, "collector.quotes", 1, 2))
        .hasMessageContaining("2 rounds, its baseline 3");
  }

  @Test
  void should_print_median_range_baseline_and_ratio_and_the_failures() {
    // given
    Results results = results();
    results.add("kafka-producer", BARE);
    results.add("collector", Figure.against(BARE, "collector.quotes", 90_000, 60_000, 72_000));
    results.ended("ingest", Duration.ofSeconds(3), Optional.of("no quote became visible"));

    // when
    List<String> rows = results.table().lines().toList();

    // then
    assertThat(rows).hasSize(4);
    assertThat(rows.get(1).split("\\s+"))
        .containsExactly(
            "kafka-producer.records", "100,000", "(80,000–120,000)", "records/s", "-", "-", "3");
    assertThat(rows.get(2).split("\\s+"))
        .containsExactly(
            "collector.quotes",
            "72,000",
            "(60,000–90,000)",
            "records/s",
            "kafka-producer.records",
            "0.90",
            "(0.50–0.90)",
            "3");
    assertThat(rows.get(3)).isEqualTo("FAILED ingest: no quote became visible");
    assertThat(results.failed()).isTrue();
  }

  @Test
  void should_write_the_json_after_every_figure_and_read_it_back(@TempDir Path dir)
      throws Exception {
    // given
    Path file = dir.resolve("results.json");
    Results results = results().writingTo(file);

    // when: a figure, then a failure
    results.add("kafka-producer", BARE);
    JsonNode afterFigure = new ObjectMapper().readTree(file.toFile());
    results.add("collector", Figure.against(BARE, "collector.quotes", 90_000, 60_000, 72_000));
    results.ended("collector", Duration.ofSeconds(42), Optional.empty());
    results.ended("ingest", Duration.ofSeconds(3), Optional.of("the job failed"));

    // then
    assertThat(afterFigure.get("figures")).hasSize(1);
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertThat(json.get("mode").asText()).isEqualTo("default");
    assertThat(json.get("commit").asText()).isEqualTo("abc123");
    assertThat(json.get("machine").get("cores").asInt()).isEqualTo(2);
    JsonNode collector = json.get("figures").get(1);
    assertThat(collector.get("benchmark").asText()).isEqualTo("collector");
    assertThat(collector.get("median").asDouble()).isEqualTo(72_000);
    assertThat(collector.get("rounds")).hasSize(3);
    assertThat(collector.get("ratio").get("median").asDouble()).isEqualTo(0.9);
    assertThat(json.get("benchmarks").get(1).get("status").asText()).isEqualTo("failed");
    assertThat(json.get("benchmarks").get(1).get("reason").asText()).isEqualTo("the job failed");

    Results read = Results.read(file);
    assertThat(read.figures()).isEqualTo(results.figures());
    assertThat(read.outcomes()).isEqualTo(results.outcomes());
    assertThat(read.benchmarkOf(read.figure("collector.quotes"))).isEqualTo("collector");
  }

  private static Results results() {
    var machine = new ObjectMapper().createObjectNode().put("cores", 2);
    return new Results(Instant.parse("2026-11-27T10:00:00Z"), "default", "abc123", machine);
  }
}
