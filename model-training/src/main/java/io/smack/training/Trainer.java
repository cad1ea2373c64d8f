package io.smack.training;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.PortableModel;
import io.smack.training.Family.Fitted;
import io.smack.training.WalkForward.Fold;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Trains one symbol: every {@link Family} is evaluated walk-forward ({@link WalkForward}: each fold
 * fitted on the rows before its block, its hyperparameters chosen on the newest of those, and
 * scored on the block), and the family with the lowest pooled RMSE among those beating the naive
 * forecast by the margin in both RMSE and MAE is fitted on every row and served; when none does,
 * naive is served, and the reason says so. Errors are those of next-price forecasts (price ×
 * e^predicted return against the next price), pooled over every scored row.
 */
final class Trainer {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param walkForward the folds
   * @param validationShare the share of a fold's training rows its grid is chosen on
   * @param margin how much lower than naive's a family's RMSE and MAE must both be, as a fraction
   * @param families the candidates judged against naive
   * @param minScoredRows fewer rows scored over all the folds judge nothing: naive serves
   */
  record Options(
      WalkForward walkForward,
      double validationShare,
      double margin,
      List<? extends Candidate> families,
      long minScoredRows) {

    Options {
      families = List.copyOf(families);
      if (families.contains(Family.NAIVE)) {
        throw new IllegalArgumentException(
            "naive is always a candidate; the others are judged by it");
      }
    }
  }

  /** Pooled next-price errors over {@code rows} scored rows. */
  record Errors(double rmse, double mae, long rows) {

    static final Errors NONE = new Errors(Double.NaN, Double.NaN, 0);

    /** These and {@code other}'s rows together. */
    Errors plus(Errors other) {
      long n = rows + other.rows;
      return n == 0
          ? NONE
          : new Errors(Math.sqrt((sq(this) + sq(other)) / n), (abs(this) + abs(other)) / n, n);
    }

    private static double sq(Errors e) {
      return e.rows == 0 ? 0 : e.rmse * e.rmse * e.rows;
    }

    private static double abs(Errors e) {
      return e.rows == 0 ? 0 : e.mae * e.rows;
    }
  }

  /**
   * One family's score on one fold, with the hyperparameters it chose there and the seconds its
   * fits and scoring took.
   */
  record FoldScore(int fold, double rmse, double mae, Map<String, Double> params, double seconds) {}

  /**
   * One row of the walk-forward table.
   *
   * @param seconds its fits and scoring over every fold (the served family's final fit apart)
   * @param skipped why the family has no score (it failed to fit), else null
   */
  record Evaluation(
      String family,
      Double rmse,
      Double mae,
      Double rmseVsNaive,
      Double maeVsNaive,
      boolean beatsNaive,
      double seconds,
      List<FoldScore> folds,
      String skipped) {}

  /**
   * The served choice.
   *
   * @param served the chosen family fitted on every labelled row (naive: nothing fitted)
   * @param metrics the served family's walk-forward rmse and mae, naive's as baseline_rmse and
   *     baseline_mae, improvement (1 - rmse / baseline_rmse), mae_improvement, folds, scored_rows
   * @param reason why this family serves
   * @param table every family's walk-forward row, naive's included, in the order judged
   * @param folds the folds the table was scored on
   * @param from the first labelled row's time; null when there is none
   * @param to the last labelled row's time; null when there is none
   */
  record Trained(
      Fitted served,
      Map<String, Double> metrics,
      String reason,
      List<Evaluation> table,
      List<Fold> folds,
      long rows,
      Instant from,
      Instant to) {

    PortableModel model() {
      return served.model();
    }

    /** The walk-forward table as stored with the version. */
    String evaluationJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("served", served.family().kind());
      json.put("reason", reason);
      json.put("params", served.params());
      json.put("folds", folds);
      json.put("families", table);
      try {
        return JSON.writeValueAsString(json);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("an evaluation that cannot be written as JSON", e);
      }
    }
  }

  private Trainer() {}

  /**
   * @param features one symbol's rows of {@link SeriesFeatures#of} with a label
   */
  static Trained train(Dataset<Row> features, Options options) {
    Dataset<Row> labelled = labelled(features).cache();
    try {
      Row span = labelled.agg(count(lit(1)), min("ts"), max("ts")).first();
      long rows = span.getLong(0);
      List<Fold> folds = options.walkForward().over(rows);
      Instant from = rows == 0 ? null : span.getTimestamp(1).toInstant();
      Instant to = rows == 0 ? null : span.getTimestamp(2).toInstant();
      Fitted naive = Family.NAIVE.fit(labelled, Map.of());
      if (folds.isEmpty()) {
        String reason =
            String.format(
                "naive: %d labelled rows, too few for one walk-forward fold of at least %d"
                    + " training rows",
                rows, options.walkForward().minTrainRows());
        return new Trained(
            naive, metrics(Errors.NONE, Errors.NONE, 0), reason, List.of(), folds, rows, from, to);
      }
      Errors naiveErrors = Errors.NONE;
      Map<Candidate, Errors> pooled = new HashMap<>();
      Map<Candidate, List<FoldScore>> scores = new HashMap<>();
      Map<Candidate, String> skipped = new HashMap<>();
      for (Fold fold : folds) {
        Dataset<Row> block = between(labelled, fold.testFrom(), fold.testTo());
        long naiveStart = System.nanoTime();
        Errors naiveFold = errors(naive, block);
        naiveErrors = naiveErrors.plus(naiveFold);
        scores
            .computeIfAbsent(Family.NAIVE, f -> new ArrayList<>())
            .add(
                new FoldScore(
                    fold.index(), naiveFold.rmse(), naiveFold.mae(), Map.of(), since(naiveStart)));
        for (Candidate family : options.families()) {
          if (skipped.containsKey(family)) {
            continue;
          }
          long start = System.nanoTime();
          try {
            Fitted fitted = tuned(family, labelled, fold.trainTo(), options.validationShare());
            Errors errors = errors(fitted, block);
            pooled.merge(family, errors, Errors::plus);
            scores
                .computeIfAbsent(family, f -> new ArrayList<>())
                .add(
                    new FoldScore(
                        fold.index(), errors.rmse(), errors.mae(), fitted.params(), since(start)));
          } catch (RuntimeException e) { // one family failing never fails the others
            skipped.put(family, "fold " + fold.index() + ": " + e.getMessage());
            pooled.remove(family);
          }
        }
      }
      List<Evaluation> table = new ArrayList<>();
      for (Candidate family : options.families()) {
        table.add(evaluation(family, pooled.get(family), naiveErrors, scores, skipped, options));
      }
      table.add(evaluation(Family.NAIVE, naiveErrors, naiveErrors, scores, skipped, options));
      Optional<Evaluation> best =
          table.stream()
              .filter(Evaluation::beatsNaive)
              .min(Comparator.comparingDouble(Evaluation::rmse));
      String summary = folds.size() + " walk-forward folds, " + naiveErrors.rows() + " rows";
      if (best.isEmpty() || naiveErrors.rows() < options.minScoredRows()) {
        String why =
            best.isEmpty()
                ? closest(table, options.margin())
                : String.format(
                    "%s scored best, but on %d rows, fewer than the %d that judge a family",
                    best.get().family(), naiveErrors.rows(), options.minScoredRows());
        return new Trained(
            naive,
            metrics(naiveErrors, naiveErrors, folds.size()),
            "naive: " + why + " (" + summary + ")",
            table,
            folds,
            rows,
            from,
            to);
      }
      Candidate family =
          options.families().stream()
              .filter(c -> c.kind().equals(best.get().family()))
              .findFirst()
              .orElseThrow();
      Fitted served;
      try {
        served = tuned(family, labelled, rows, options.validationShare());
      } catch (RuntimeException e) { // as in a fold: the family's failure is naive's turn
        return new Trained(
            naive,
            metrics(naiveErrors, naiveErrors, folds.size()),
            String.format(
                "naive: %s won walk-forward but failed to fit on every row: %s (%s)",
                family.kind(), e.getMessage(), summary),
            table,
            folds,
            rows,
            from,
            to);
      }
      String reason =
          String.format(
              "%s: the lowest walk-forward rmse of the families beating naive by %.1f %% in both"
                  + " rmse (%+.2f %%) and mae (%+.2f %%) (%s)",
              family.kind(),
              100 * options.margin(),
              100 * best.get().rmseVsNaive(),
              100 * best.get().maeVsNaive(),
              summary);
      return new Trained(
          served,
          metrics(pooled.get(family), naiveErrors, folds.size()),
          reason,
          table,
          folds,
          rows,
          from,
          to);
    } finally {
      labelled.unpersist();
    }
  }

  /**
   * The rows with a label, numbered {@code i} 1, 2, … in time order, with the features as one
   * vector ({@link Family#FEATURES}).
   */
  static Dataset<Row> labelled(Dataset<Row> features) {
    Dataset<Row> rows =
        features
            .where(col(SeriesFeatures.LABEL).isNotNull())
            .withColumn("i", row_number().over(Window.partitionBy("symbol").orderBy("ts")));
    return new VectorAssembler()
        .setInputCols(ForecastFeatures.NAMES.toArray(String[]::new))
        .setOutputCol(Family.FEATURES)
        .transform(rows);
  }

  /**
   * The family fitted on rows 1 to {@code trainTo}, with the grid point that scored the lowest RMSE
   * on the newest {@code validationShare} of them when fitted on the rest (a family that stops
   * early measures itself on those while fitting). Rows after {@code trainTo} are never read.
   */
  static Fitted tuned(
      Candidate family, Dataset<Row> labelled, long trainTo, double validationShare) {
    Dataset<Row> train = labelled.where(col("i").leq(lit(trainTo)));
    List<Map<String, Double>> grid = family.grid();
    List<Fold> inner = new WalkForward(1, validationShare, 1).over(trainTo);
    if ((grid.size() == 1 && !family.stopsEarly()) || inner.isEmpty()) {
      return family.fit(train, grid.get(0));
    }
    Fold validation = inner.get(0);
    Dataset<Row> rest = labelled.where(col("i").leq(lit(validation.trainTo())));
    Dataset<Row> held = between(labelled, validation.testFrom(), validation.testTo());
    Fitted best = null;
    double bestRmse = Double.POSITIVE_INFINITY;
    for (Map<String, Double> point : grid) {
      Fitted fitted =
          family.stopsEarly()
              ? family.fit(
                  rest.withColumn(Family.VALIDATION, lit(false))
                      .unionByName(held.withColumn(Family.VALIDATION, lit(true))),
                  point)
              : family.fit(rest, point);
      double rmse = errors(fitted, held).rmse();
      if (best == null || rmse < bestRmse) {
        best = fitted;
        bestRmse = rmse;
      }
    }
    return family.fit(train, best.params());
  }

  /** The fitted model's next-price errors on {@code rows}. */
  static Errors errors(Fitted fitted, Dataset<Row> rows) {
    Column actual = col("next_price");
    Column forecast = col("price").multiply(exp(col("prediction")));
    Row row =
        fitted
            .transform()
            .apply(rows)
            .agg(
                sum(pow(forecast.minus(actual), 2)),
                sum(abs(forecast.minus(actual))),
                count(lit(1)))
            .first();
    long n = row.getLong(2);
    return n == 0
        ? Errors.NONE
        : new Errors(Math.sqrt(row.getDouble(0) / n), row.getDouble(1) / n, n);
  }

  private static Dataset<Row> between(Dataset<Row> labelled, long from, long to) {
    return labelled.where(col("i").between(from, to));
  }

  private static Evaluation evaluation(
      Candidate family,
      Errors errors,
      Errors naive,
      Map<Candidate, List<FoldScore>> scores,
      Map<Candidate, String> skipped,
      Options options) {
    List<FoldScore> folds = scores.getOrDefault(family, List.of());
    double seconds = folds.stream().mapToDouble(FoldScore::seconds).sum();
    if (errors == null) {
      return new Evaluation(
          family.kind(), null, null, null, null, false, seconds, List.of(), skipped.get(family));
    }
    double rmseVsNaive = errors.rmse() / naive.rmse() - 1;
    double maeVsNaive = errors.mae() / naive.mae() - 1;
    boolean beats =
        family != Family.NAIVE
            && errors.rmse() < naive.rmse() * (1 - options.margin())
            && errors.mae() < naive.mae() * (1 - options.margin());
    return new Evaluation(
        family.kind(),
        finite(errors.rmse()),
        finite(errors.mae()),
        finite(rmseVsNaive),
        finite(maeVsNaive),
        beats,
        seconds,
        folds,
        null);
  }

  private static double since(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** The value, or null (JSON's none) where it is not a number: a series without any change. */
  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  /** Why no family serves: the one closest to naive, or that none could be scored. */
  private static String closest(List<Evaluation> table, double margin) {
    Optional<Evaluation> closest =
        table.stream()
            .filter(e -> !e.family().equals(PortableModel.NAIVE))
            .filter(e -> e.rmseVsNaive() != null && e.maeVsNaive() != null)
            .min(Comparator.comparingDouble(Evaluation::rmse));
    return closest
        .map(
            e ->
                String.format(
                    "no family beat naive by %.1f %% in both rmse and mae; the closest, %s, had"
                        + " rmse %+.2f %% and mae %+.2f %%",
                    100 * margin, e.family(), 100 * e.rmseVsNaive(), 100 * e.maeVsNaive()))
        .orElse("no family could be scored");
  }

  private static Map<String, Double> metrics(Errors served, Errors naive, int folds) {
    Map<String, Double> metrics = new TreeMap<>();
    if (served.rows() > 0 && naive.rmse() > 0 && naive.mae() > 0) {
      metrics.put("rmse", served.rmse());
      metrics.put("mae", served.mae());
      metrics.put("baseline_rmse", naive.rmse());
      metrics.put("baseline_mae", naive.mae());
      metrics.put("improvement", 1 - served.rmse() / naive.rmse());
      metrics.put("mae_improvement", 1 - served.mae() / naive.mae());
    }
    metrics.put("folds", (double) folds);
    metrics.put("scored_rows", (double) naive.rows());
    return metrics;
  }
}
