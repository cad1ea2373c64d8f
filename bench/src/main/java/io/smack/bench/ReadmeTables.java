package io.smack.bench;

import io.smack.localstack.ReadmeFigures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * The figure tables of the READMEs, rendered from a run's results (the committed full run), so that
 * no figure in them is typed by hand. Each table sits between a start marker naming it and an end
 * marker; {@link #render} rewrites what lies between them, and a test checks that the committed
 * READMEs hold what the committed results render.
 */
final class ReadmeTables {

  static final String SUMMARY = "summary";
  static final String ALL = "all";
  static final String CAPACITY = "capacity";

  /** The load the README's sizing example is for. */
  static final Capacity EXAMPLE_LOAD = new Capacity(1_000_000, 20_000);

  /** The top README's table: one line per stage, its main figure against its baseline. */
  private static final List<String> SUMMARY_FIGURES =
      List.of(
          "kafka-producer.records",
          "cassandra-writes.rows",
          "collector.quotes",
          "collector.quotes.vs-bare",
          "ingest.job",
          "ingest.latency.at-500.p50",
          "ingest.latency.at-500.p99",
          "training.seconds",
          "access.latest",
          "access.latest.uncached",
          "access.latest.at-70%.p99",
          "pipeline.sustained.vs-inserts",
          "pipeline.visible.p50",
          "pipeline.visible.p99");

  /** The READMEs with tables, from the project root, and the table each holds. */
  private static final List<List<String>> FILES =
      List.of(
          List.of("README.md", SUMMARY),
          List.of("README.md", CAPACITY),
          List.of("bench/README.md", ALL));

  private ReadmeTables() {}

  /** Rewrites every README's table from {@code results}. */
  static void render(Path root, Results results) {
    for (List<String> file : FILES) {
      Path path = root.resolve(file.get(0));
      try {
        String text = Files.readString(path);
        String rendered = replace(text, file.get(1), table(file.get(1), results, root));
        if (!rendered.equals(text)) {
          Files.writeString(path, rendered);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("rendering the figures into " + path + " failed", e);
      }
    }
  }

  /** The READMEs and their tables, for the test that they are up to date. */
  static List<List<String>> files() {
    return FILES;
  }

  static String start(String table) {
    return "<!-- figures: "
        + table
        + " (rendered from bench/results/report.json by bin/smack bench --render; do not edit) -->";
  }

  /** {@code text} with the lines between {@code table}'s markers replaced by {@code rendered}. */
  static String replace(String text, String table, String rendered) {
    return ReadmeFigures.replace(text, start(table), rendered);
  }

  /**
   * @param root the project root: the sizing reads the deploy files under it
   */
  static String table(String table, Results results, Path root) {
    return switch (table) {
      case SUMMARY -> summary(results);
      case ALL -> all(results);
      case CAPACITY ->
          EXAMPLE_LOAD
              .size(results, Deployment.read(root.resolve(Deployment.DEFAULT_DIR)))
              .report();
      default -> throw new IllegalArgumentException("no table named " + table);
    };
  }

  /** Which run the figures come from: mode, commit, machine, date, how long it took. */
  static String provenance(Results results) {
    double seconds = results.outcomes().stream().mapToDouble(Results.Outcome::seconds).sum();
    return String.format(
        Locale.ROOT,
        "A %s run (`bin/smack bench --%s`) of commit `%s` on %d cores (%s), %s; %d minutes"
            + " without the stack's start. Each figure is the median of its rounds (min–max);"
            + " a ratio is the median of the per-round ratios against the baseline measured in"
            + " the same rounds.%n",
        results.mode(),
        results.mode(),
        results.commit(),
        results.machine().path("cores").asInt(),
        results.machine().path("cpu").asText("cpu unknown"),
        LocalDate.ofInstant(results.startedAt(), ZoneOffset.UTC),
        Math.round(seconds / 60));
  }

  private static String summary(Results results) {
    StringBuilder out = new StringBuilder(provenance(results)).append('\n');
    out.append("| figure | median (min–max) | unit | against | ratio (min–max) |\n");
    out.append("|---|---|---|---|---|\n");
    // the figures a run has (a failed benchmark's are missing), in the summary's order
    SUMMARY_FIGURES.stream()
        .filter(results::has)
        .forEach(name -> out.append(row(results.figure(name))));
    return out.append(failures(results)).toString();
  }

  private static String all(Results results) {
    StringBuilder out = new StringBuilder(provenance(results)).append('\n');
    for (Results.Outcome outcome : results.outcomes()) {
      out.append(
          String.format(
              Locale.ROOT,
              "**%s** (%d s%s)%n%n",
              outcome.benchmark(),
              Math.round(outcome.seconds()),
              outcome.failure().map(reason -> ", FAILED: " + reason).orElse("")));
      List<Figure> figures =
          results.figures().stream()
              .filter(f -> results.benchmarkOf(f).equals(outcome.benchmark()))
              .toList();
      if (figures.isEmpty()) {
        continue;
      }
      out.append("| figure | median (min–max) | unit | against | ratio (min–max) |\n");
      out.append("|---|---|---|---|---|\n");
      figures.forEach(figure -> out.append(row(figure)));
      out.append('\n');
    }
    return out.toString().stripTrailing() + "\n";
  }

  private static String row(Figure figure) {
    Figure.Spread value = figure.value();
    return String.format(
        Locale.ROOT,
        "| `%s` | %s | %s | %s | %s |%n",
        figure.name(),
        spread(value, Results::number),
        figure.unit(),
        figure.ratio().map(r -> "`" + r.baseline() + "`").orElse(""),
        figure.ratio().map(r -> spread(r.value(), Results::ratio)).orElse(""));
  }

  private static String spread(Figure.Spread spread, DoubleFunction<String> f) {
    return spread.rounds().size() == 1
        ? f.apply(spread.median())
        : f.apply(spread.median())
            + " ("
            + f.apply(spread.min())
            + "–"
            + f.apply(spread.max())
            + ")";
  }

  private static String failures(Results results) {
    StringBuilder out = new StringBuilder();
    for (Results.Outcome outcome : results.outcomes()) {
      outcome
          .failure()
          .ifPresent(
              reason ->
                  out.append("\n**")
                      .append(outcome.benchmark())
                      .append(" failed:** ")
                      .append(reason)
                      .append('\n'));
    }
    return out.toString();
  }
}
