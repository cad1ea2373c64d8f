package io.smack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The READMEs' figure tables are what the committed full run renders: none typed by hand. */
class ReadmeTablesTest {

  /** The project root: the bench module's tests run in bench/. */
  private static final Path ROOT = Path.of("..");

  @Test
  void should_hold_in_the_readmes_the_tables_rendered_from_the_committed_results()
      throws Exception {
    // given
    Results committed = Results.read(ROOT.resolve(BenchMain.REPORTED));

    for (List<String> file : ReadmeTables.files()) {
      // when
      String text = Files.readString(ROOT.resolve(file.get(0)));
      String rendered =
          ReadmeTables.replace(text, file.get(1), ReadmeTables.table(file.get(1), committed, ROOT));

      // then
      assertThat(text)
          .as(
              "the '%s' table of %s differs from what bin/smack bench --render makes of %s",
              file.get(1), file.get(0), BenchMain.REPORTED)
          .isEqualTo(rendered);
    }
  }

  @Test
  void should_replace_only_what_lies_between_the_markers() {
    // given
    String text =
        "before\n" + ReadmeTables.start("all") + "\nold table\n<!-- /figures -->\nafter\n";

    // when
    String rendered = ReadmeTables.replace(text, "all", "| new |\n");

    // then
    assertThat(rendered)
        .isEqualTo(
            "before\n" + ReadmeTables.start("all") + "\n| new |\n<!-- /figures -->\nafter\n");
  }

  @Test
  void should_report_a_run_of_every_benchmark() {
    Results committed = Results.read(ROOT.resolve(BenchMain.REPORTED));
    assertThat(committed.outcomes().stream().map(Results.Outcome::benchmark))
        .containsExactlyElementsOf(BenchMain.BENCHMARKS.stream().map(Benchmark::name).toList());
  }
}
