package io.smack.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.common.Settings;
import io.smack.common.model.PortableModel;
import io.smack.localstack.ReadmeFigures;
import io.smack.training.Trainer.Evaluation;
import io.smack.training.Trainer.Trained;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The evidence behind the served choice, on three series: vega-datasets' monthly {@code stocks.csv}
 * (five symbols), the daily closes of {@code sp500-2000.csv}, and an AR(2) process of returns like
 * {@code ScoringIT}'s. Each is trained as the job trains (the reference settings), and every
 * family's walk-forward row is written out as a table with what was served and why: {@code
 * target/walk-forward-evidence.md}, and the model-training README's table when run by {@code
 * bin/smack evidence}. On the AR process a learned family must serve; on the market data whatever
 * wins is reported. Tagged {@code evidence}: a few minutes of training, left out of {@code
 * bin/smack test} (whose {@code TrainerTest} holds the AR case on a shorter series).
 */
@Tag("evidence")
class WalkForwardEvidenceIT {

  private static final DateTimeFormatter MONTH =
      DateTimeFormatter.ofPattern("MMM d yyyy", Locale.ENGLISH);
  private static final Path DATA = Path.of("target", "vega-datasets");
  private static final String START =
      "<!-- figures: walk-forward (rendered by bin/smack evidence; do not edit) -->";

  @Test
  void should_serve_a_learned_family_on_the_ar_process_and_report_what_wins_on_market_data()
      throws IOException {
    // given
    Trainer.Options options = TrainingSettings.from(Settings.load(Map.of())).trainerOptions();
    SparkSession spark = TrainingSparks.local("walk-forward-evidence");
    Map<String, Trained> trained = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    try {
      Map<String, List<Row>> series = new LinkedHashMap<>();
      List<String> stocks = Files.readAllLines(DATA.resolve("stocks.csv"));
      for (String line : stocks.subList(1, stocks.size())) {
        String[] f = line.split(",");
        series
            .computeIfAbsent("stocks.csv " + f[0], s -> new ArrayList<>())
            .add(row(f[0], LocalDate.parse(f[1], MONTH), Double.parseDouble(f[2])));
      }
      List<String> daily = Files.readAllLines(DATA.resolve("sp500-2000.csv"));
      for (String line : daily.subList(1, daily.size())) {
        String[] f = line.split(",");
        series
            .computeIfAbsent("sp500-2000.csv close", s -> new ArrayList<>())
            .add(row("SPX", LocalDate.parse(f[0]), Double.parseDouble(f[4])));
      }
      series.put("AR(2) r' = 0.6 r - 0.3 r₋₁ + 0.002 ε", autoregressive(1000));

      // when
      for (Map.Entry<String, List<Row>> one : series.entrySet()) {
        long started = System.nanoTime();
        trained.put(
            one.getKey(),
            Trainer.train(
                SeriesFeatures.of(spark.createDataFrame(one.getValue(), TrainingSparks.QUOTES)),
                options));
        seconds.put(one.getKey(), (System.nanoTime() - started) / 1e9);
      }
    } finally {
      spark.stop();
    }

    // then
    String rendered = render(trained, seconds, options);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "walk-forward-evidence.md"), rendered);
    System.out.println(rendered);
    Trained ar = trained.get("AR(2) r' = 0.6 r - 0.3 r₋₁ + 0.002 ε");
    assertThat(ar.model().kind()).as(ar.reason()).isNotEqualTo(PortableModel.NAIVE);
    String readme = System.getProperty("smack.test.evidence-readme");
    if (readme != null) {
      Path file = Path.of(readme);
      Files.writeString(
          file,
          ReadmeFigures.replace(Files.readString(file, StandardCharsets.UTF_8), START, rendered));
    }
  }

  private static String render(
      Map<String, Trained> trained, Map<String, Double> seconds, Trainer.Options options) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "From the run at commit %s: %d folds over the newest %.0f %% of each series, margin"
                + " %.1f %%.%n",
            ReadmeFigures.commit(),
            options.walkForward().folds(),
            100 * options.walkForward().testShare(),
            100 * options.margin()));
    for (Map.Entry<String, Trained> one : trained.entrySet()) {
      Trained t = one.getValue();
      out.append(
          String.format(
              "%n**%s** — %d labelled rows, %d scored, %.0f s. Served: **%s**. %s%n%n",
              one.getKey(),
              t.rows(),
              t.metrics().get("scored_rows").longValue(),
              seconds.get(one.getKey()),
              t.model().kind(),
              t.reason()));
      out.append("| family | RMSE | vs naive | MAE | vs naive | beats naive | fit s |\n");
      out.append("|---|---:|---:|---:|---:|---|---:|\n");
      for (Evaluation e : t.table()) {
        out.append(
            e.skipped() != null
                ? String.format("| %s | skipped: %s | | | | | |%n", e.family(), e.skipped())
                : String.format(
                    "| %s | %s | %s | %s | %s | %s | %.1f |%n",
                    e.family(),
                    figure(e.rmse()),
                    percent(e.rmseVsNaive()),
                    figure(e.mae()),
                    percent(e.maeVsNaive()),
                    e.beatsNaive() ? "yes" : "no",
                    e.seconds()));
      }
    }
    return out.toString();
  }

  private static String figure(Double x) {
    return x == null ? "–" : String.format("%.5g", x);
  }

  private static String percent(Double x) {
    return x == null ? "–" : String.format("%+.2f %%", 100 * x);
  }

  private static Row row(String symbol, LocalDate day, double price) {
    return RowFactory.create(
        symbol, Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant()), price);
  }

  /** ScoringIT's process, one price a minute. */
  private static List<Row> autoregressive(int n) {
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    double price = 100;
    double last = 0;
    double previous = 0;
    for (int t = 0; t < n; t++) {
      double r = 0.6 * last - 0.3 * previous + 0.002 * random.nextGaussian();
      price *= Math.exp(r);
      previous = last;
      last = r;
      rows.add(
          RowFactory.create(
              "AR2",
              Timestamp.from(
                  LocalDate.of(2026, 1, 1)
                      .atStartOfDay(ZoneOffset.UTC)
                      .toInstant()
                      .plusSeconds(60L * t)),
              price));
    }
    return rows;
  }
}
