package io.smack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsTest {

  private static final Figure RAW_PRODUCER =
      Figure.raw("kafka-producer.records", 100_000, "records/s");

  @Test
  void should_compute_the_ratio_against_the_baseline_of_the_same_run() {
    // given
    Figure collector = Figure.against(RAW_PRODUCER, "collector.records", 85_000);

    // then
    assertThat(collector.ratio()).contains(0.85);
    assertThat(collector.unit()).isEqualTo("records/s");
    assertThat(RAW_PRODUCER.ratio()).isEmpty();
  }

  @Test
  void should_print_one_row_per_figure_with_its_baseline_and_ratio() {
    // given
    Results results = new Results(Instant.parse("2026-11-27T10:00:00Z"), BenchOptions.Mode.DEFAULT);
    results.addAll(
        List.of(RAW_PRODUCER, Figure.against(RAW_PRODUCER, "collector.records", 85_000)));

    // when
    List<String> rows = results.table().lines().toList();

    // then
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).split("\\s+"))
        .containsExactly("kafka-producer.records", "100,000.0", "records/s", "-", "-");
    assertThat(rows.get(2).split("\\s+"))
        .containsExactly(
            "collector.records", "85,000.0", "records/s", "kafka-producer.records", "0.85");
  }

  @Test
  void should_write_every_figure_with_unit_machine_and_time_as_json() throws Exception {
    // given
    Results results = new Results(Instant.parse("2026-11-27T10:00:00Z"), BenchOptions.Mode.QUICK);
    results.addAll(
        List.of(RAW_PRODUCER, Figure.against(RAW_PRODUCER, "collector.records", 85_000)));

    // when
    JsonNode json = new ObjectMapper().readTree(results.json());

    // then
    assertThat(json.get("started_at").asText()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(json.get("mode").asText()).isEqualTo("quick");
    assertThat(json.get("machine").get("cores").asInt())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(json.get("figures")).hasSize(2);
    JsonNode collector = json.get("figures").get(1);
    assertThat(collector.get("name").asText()).isEqualTo("collector.records");
    assertThat(collector.get("unit").asText()).isEqualTo("records/s");
    assertThat(collector.get("baseline").asText()).isEqualTo("kafka-producer.records");
    assertThat(collector.get("ratio").asDouble()).isEqualTo(0.85);
  }

  @Test
  void should_take_the_middle_round_as_the_figure() {
    assertThat(Figure.median(new double[] {900, 300, 600})).isEqualTo(600);
    assertThat(Figure.median(new double[] {42})).isEqualTo(42);
  }
}
