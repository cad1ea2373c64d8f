package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's fault table is what the committed chaos run renders: no figure typed by hand. */
class FaultTableTest {

  /** The project root: the module's tests run in local-stack/. */
  private static final Path ROOT = Path.of("..");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String before = System.getProperty(FaultFigures.PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(FaultFigures.PROPERTY);
    } else {
      System.setProperty(FaultFigures.PROPERTY, before);
    }
  }

  @Test
  void should_hold_in_the_readme_the_table_rendered_from_the_committed_results() throws Exception {
    // given
    JsonNode committed = FaultTable.read(ROOT);

    // when
    String text = Files.readString(ROOT.resolve(FaultTable.README));
    String rendered = ReadmeFigures.replace(text, FaultTable.START, FaultTable.table(committed));

    // then
    assertThat(text)
        .as(
            "the README's fault table differs from what bin/smack chaos makes of %s",
            FaultTable.RESULTS)
        .isEqualTo(rendered);
  }

  @Test
  void should_have_committed_a_whole_run_with_every_fault_of_the_table() {
    // given
    JsonNode faults = FaultTable.read(ROOT).get("faults");

    // then: a partial run is never committed (bin/smack chaos records only a whole green run)
    List<String> recorded = new ArrayList<>();
    faults.fieldNames().forEachRemaining(recorded::add);
    assertThat(recorded)
        .containsExactlyInAnyOrderElementsOf(
            FaultTable.ROWS.stream().map(FaultTable.Row::id).toList());
  }

  @Test
  void should_render_what_the_tests_recorded_and_name_the_faults_that_recorded_nothing(
      @TempDir Path figures) throws Exception {
    // given: two faults recorded as a chaos run records them
    System.setProperty(FaultFigures.PROPERTY, figures.toString());
    FaultFigures.record("busy-cluster-start", Map.of("seconds", 97));
    FaultFigures.record(
        "access-failover", Map.of("requests", 57_421, "answered", 57_421, "afterKill", 38_000));

    // when
    String table = FaultTable.table(FaultTable.gather(figures, 1_860));

    // then
    assertThat(table)
        .contains("minutes (300 quotes/s for 60 s unless said)")
        .contains(", 31 minutes")
        .contains(
            "| the cluster started while every core is busy | `BusyClusterStartIT` | it comes up,"
                + " topics and schema made, in 97 s |")
        .contains(
            "57 421 requests, 57 421 answered 200 (38 000 after the kill, all by the survivor)")
        .contains(
            "| two Cassandra nodes killed: no quorum for 30 s | `ClusterFaultsIT` | not"
                + " recorded by that run |")
        .contains("twice, the collector still sending at each kill (… s of load)");
  }

  @Test
  void should_refuse_a_row_whose_test_did_not_record_a_figure_it_names() throws Exception {
    // given: the leader kill recorded without its restarts
    JsonNode figures = JSON.readTree("{\"produced\": 45000}");

    // then
    assertThatThrownBy(
            () -> FaultTable.fill("{produced} produced, {lost} lost", "leader-kill", figures))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the fault leader-kill recorded no figure 'lost'");
  }

  @Test
  void should_fill_a_figure_whose_name_has_digits() throws Exception {
    // given: a percentile, named as the slow-link test records it
    JsonNode figures = JSON.readTree("{\"p99Millis\": 37}");

    // then: filled, not left as a template in the README
    assertThat(FaultTable.fill("p99 {p99Millis} ms", "slow-link", figures)).isEqualTo("p99 37 ms");
  }

  @Test
  void should_write_numbers_as_the_readme_does() throws Exception {
    assertThat(FaultTable.number(JSON.readTree("45000"))).isEqualTo("45 000");
    assertThat(FaultTable.number(JSON.readTree("0"))).isEqualTo("0");
    assertThat(FaultTable.number(JSON.readTree("2.274"))).isEqualTo("2.3");
  }
}
