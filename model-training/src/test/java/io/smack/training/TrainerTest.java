package io.smack.training;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.PortableModel;
import io.smack.training.Family.Fitted;
import io.smack.training.Trainer.Evaluation;
import io.smack.training.Trainer.Trained;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainerTest {

  private static final int ROWS = 1500;
  private static final Trainer.Options OPTIONS =
      new Trainer.Options(new WalkForward(3, 0.3, 40), 0.2, 0.005, Family.candidates(), 20);

  private static SparkSession spark;
  private static double[] autoregressive;
  private static Trained trained;

  @BeforeAll
  static void train() {
    spark = TrainingSparks.local("trainer-test");
    // given: returns with a known linear structure, r(t+1) = 0.4 r(t) - 0.25 r(t-1) + noise
    Random random = new Random(5);
    autoregressive = new double[ROWS];
    autoregressive[0] = 100;
    double previous = 0;
    double last = 0;
    for (int t = 1; t < ROWS; t++) {
      double next = 0.4 * last - 0.25 * previous + random.nextGaussian() * 0.01;
      autoregressive[t] = autoregressive[t - 1] * Math.exp(next);
      previous = last;
      last = next;
    }
    trained = Trainer.train(features(autoregressive), OPTIONS);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> features(double[] prices) {
    return SeriesFeatures.of(TrainingSparks.series(spark, "SYN", prices));
  }

  @Test
  void should_serve_a_learned_family_that_beats_naive_walk_forward_on_an_autoregressive_series() {
    // then: every candidate scored on the same folds, the served one the best of those beating
    // naive
    assertThat(trained.table())
        .extracting(Evaluation::family)
        .containsExactly(
            "linear_regression", "gradient_boosted_trees", "random_forest", "drift", "naive");
    assertThat(trained.folds()).hasSize(3);
    String served = trained.model().kind();
    Evaluation best =
        trained.table().stream().filter(e -> e.family().equals(served)).findFirst().get();
    assertThat(best.beatsNaive()).isTrue();
    assertThat(best.folds()).hasSize(3);
    for (Evaluation other : trained.table()) {
      if (other.beatsNaive()) {
        assertThat(best.rmse()).isLessThanOrEqualTo(other.rmse());
      }
    }
    assertThat(trained.reason()).startsWith(served + ": the lowest walk-forward rmse");
    assertThat(trained.metrics().get("improvement")).isGreaterThan(0.005);
    assertThat(trained.metrics().get("mae_improvement")).isGreaterThan(0.005);
    assertThat(trained.evaluationJson()).contains("\"served\":\"" + served + "\"");
  }

  @Test
  void should_recover_the_coefficients_of_the_known_linear_series() {
    // when: the linear family fitted on every row, its grid point chosen on the newest fifth
    Dataset<Row> labelled = Trainer.labelled(features(autoregressive));
    PortableModel.Linear model =
        (PortableModel.Linear) Trainer.tuned(Family.LINEAR, labelled, ROWS - 21, 0.2).model();

    // then: on the original scale, coefficient / std
    assertThat(model.coefficients().get(0) / model.std().get(0)).isCloseTo(0.4, within(0.08));
    assertThat(model.coefficients().get(1) / model.std().get(1)).isCloseTo(-0.25, within(0.08));
  }

  @Test
  void should_serve_naive_with_its_reason_on_a_random_walk() {
    // given: no structure to learn
    Random random = new Random(11);
    double[] walk = new double[600];
    walk[0] = 50;
    for (int t = 1; t < walk.length; t++) {
      walk[t] = walk[t - 1] * Math.exp(random.nextGaussian() * 0.01);
    }

    // when
    Trained naive = Trainer.train(features(walk), OPTIONS);

    // then
    assertThat(naive.model()).isInstanceOf(PortableModel.Naive.class);
    assertThat(naive.reason())
        .startsWith("naive: no family beat naive by 0.5 % in both rmse and mae; the closest, ");
    assertThat(naive.table()).noneMatch(Evaluation::beatsNaive);
    assertThat(naive.metrics().get("improvement")).isZero();
  }

  @Test
  void should_fit_what_a_short_series_allows_and_naive_with_a_reason_when_it_allows_nothing() {
    // given: 120 prices give 99 labelled rows, cut into blocks of 13 from row 35: the oldest
    // block would train on 33 rows, too few, and is dropped
    double[] shortSeries = Arrays.copyOf(autoregressive, 120);
    Trainer.Options many =
        new Trainer.Options(new WalkForward(5, 0.7, 40), 0.2, 0.005, List.of(Family.DRIFT), 20);

    // when
    Trained fewer = Trainer.train(features(shortSeries), many);
    Trained none = Trainer.train(features(Arrays.copyOf(autoregressive, 60)), many);

    // then
    assertThat(fewer.folds()).hasSize(4);
    assertThat(fewer.folds()).allMatch(f -> f.trainTo() >= 40);
    assertThat(none.folds()).isEmpty();
    assertThat(none.model()).isInstanceOf(PortableModel.Naive.class);
    assertThat(none.reason())
        .isEqualTo(
            "naive: 39 labelled rows, too few for one walk-forward fold of at least 40 training"
                + " rows");
  }

  @Test
  void should_serve_naive_when_a_family_won_on_too_few_rows_to_judge() {
    // given: the linear family wins on the autoregressive series, over 441 scored rows
    Trainer.Options strict =
        new Trainer.Options(new WalkForward(3, 0.3, 40), 0.2, 0.005, List.of(Family.LINEAR), 500);

    // when
    Trained unjudged = Trainer.train(features(autoregressive), strict);

    // then
    assertThat(unjudged.model()).isInstanceOf(PortableModel.Naive.class);
    assertThat(unjudged.reason())
        .isEqualTo(
            "naive: linear_regression scored best, but on 441 rows, fewer than the 500 that judge"
                + " a family (3 walk-forward folds, 441 rows)");
  }

  @Test
  void should_skip_a_family_that_fails_to_fit_with_its_reason_and_judge_the_others() {
    // given: a candidate whose every fit fails, beside drift
    Candidate broken =
        new Candidate() {
          @Override
          public String kind() {
            return "broken";
          }

          @Override
          public List<Map<String, Double>> grid() {
            return List.of(Map.of());
          }

          @Override
          public boolean stopsEarly() {
            return false;
          }

          @Override
          public Fitted fit(Dataset<Row> train, Map<String, Double> params) {
            throw new IllegalStateException("the normal equations are singular");
          }
        };
    Trainer.Options options =
        new Trainer.Options(
            new WalkForward(3, 0.3, 40), 0.2, 0.005, List.of(broken, Family.DRIFT), 20);

    // when
    Trained trained = Trainer.train(features(Arrays.copyOf(autoregressive, 400)), options);

    // then
    Evaluation failed = trained.table().get(0);
    assertThat(failed.family()).isEqualTo("broken");
    assertThat(failed.skipped()).isEqualTo("fold 1: the normal equations are singular");
    assertThat(failed.rmse()).isNull();
    assertThat(failed.beatsNaive()).isFalse();
    assertThat(trained.table().get(1).family()).isEqualTo("drift");
    assertThat(trained.table().get(1).skipped()).isNull();
    assertThat(trained.table().get(1).folds()).hasSize(3);
    assertThat(trained.evaluationJson()).contains("\"skipped\":\"fold 1: the normal equations");
  }

  @Test
  void should_serve_naive_with_the_reason_when_the_winner_fails_to_fit_on_every_row() {
    // given: the linear family under another name, failing only on all 1479 labelled rows
    Candidate flaky =
        new Candidate() {
          @Override
          public String kind() {
            return "flaky";
          }

          @Override
          public List<Map<String, Double>> grid() {
            return Family.LINEAR.grid();
          }

          @Override
          public boolean stopsEarly() {
            return false;
          }

          @Override
          public Fitted fit(Dataset<Row> train, Map<String, Double> params) {
            if (train.count() == ROWS - ForecastFeatures.PRICES_NEEDED) {
              throw new IllegalStateException("out of memory");
            }
            return Family.LINEAR.fit(train, params);
          }
        };
    Trainer.Options options =
        new Trainer.Options(new WalkForward(3, 0.3, 40), 0.2, 0.005, List.of(flaky), 20);

    // when
    Trained trained = Trainer.train(features(autoregressive), options);

    // then: it won the folds, and naive serves
    assertThat(trained.table().get(0).beatsNaive()).isTrue();
    assertThat(trained.model()).isInstanceOf(PortableModel.Naive.class);
    assertThat(trained.reason())
        .startsWith("naive: flaky won walk-forward but failed to fit on every row: out of memory");
  }

  @Test
  void should_serve_naive_on_a_constant_price_without_failing_any_family() {
    // given
    double[] flat = new double[300];
    Arrays.fill(flat, 20.0);

    // when
    Trained still = Trainer.train(features(flat), OPTIONS);

    // then: every family scored (all exact), none better than naive's zero error
    assertThat(still.model()).isInstanceOf(PortableModel.Naive.class);
    assertThat(still.table()).allMatch(e -> e.skipped() == null && !e.beatsNaive());
    assertThat(still.evaluationJson()).doesNotContain("NaN");
  }

  @Test
  void should_predict_with_each_portable_model_what_spark_predicts_on_every_row() {
    // given
    Dataset<Row> labelled = Trainer.labelled(features(autoregressive)).cache();
    for (Family family : Family.values()) {
      Fitted fitted = family.fit(labelled.where(col("i").leq(1000)), family.grid().get(0));
      PortableModel portable = PortableModel.fromJson(fitted.model().toJson());
      List<Row> rows = fitted.transform().apply(labelled.where(col("i").gt(1000))).collectAsList();

      // then
      assertThat(rows).as(family.kind()).hasSizeGreaterThan(400);
      for (Row row : rows) {
        double spark = row.getDouble(row.fieldIndex("prediction"));
        assertThat(portable.predict(vector(row)))
            .as(family.kind())
            .isCloseTo(spark, within(1e-9 * Math.max(1e-3, Math.abs(spark))));
      }
    }
    labelled.unpersist();
  }

  @Test
  void should_fit_a_fold_on_rows_before_its_block_only_including_the_features_windows() {
    // given: every price after the fold's last training row's label replaced by another walk
    long trainTo = 1000;
    int firstUnseen = (int) trainTo + ForecastFeatures.PRICES_NEEDED; // row i's label: price i + 20
    double[] poisoned = autoregressive.clone();
    Random random = new Random(3);
    for (int t = firstUnseen; t < poisoned.length; t++) {
      poisoned[t] = poisoned[t - 1] * Math.exp(random.nextGaussian() * 0.05);
    }
    Dataset<Row> clean = Trainer.labelled(features(autoregressive));
    Dataset<Row> dirty = Trainer.labelled(features(poisoned));

    // then: each family's fold model is the same to the last bit
    for (Family family : Family.values()) {
      assertThat(Trainer.tuned(family, dirty, trainTo, 0.2).model())
          .as(family.kind())
          .isEqualTo(Trainer.tuned(family, clean, trainTo, 0.2).model());
    }
    // and the poisoning did reach the rows after it
    assertThat(Trainer.tuned(Family.DRIFT, dirty, trainTo + 200, 0.2).model())
        .isNotEqualTo(Trainer.tuned(Family.DRIFT, clean, trainTo + 200, 0.2).model());
  }

  private static double[] vector(Row row) {
    double[] features = new double[ForecastFeatures.NAMES.size()];
    for (int f = 0; f < features.length; f++) {
      features[f] = row.getDouble(row.fieldIndex(ForecastFeatures.NAMES.get(f)));
    }
    return features;
  }
}
