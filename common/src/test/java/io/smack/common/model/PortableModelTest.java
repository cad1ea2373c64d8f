package io.smack.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PortableModelTest {

  private final PortableModel model =
      new PortableModel.Linear(
          PortableModel.NEXT_LOG_RETURN,
          List.of("a", "b", "c"),
          List.of(1.0, 2.0, 3.0),
          List.of(0.5, 4.0, 0.0),
          List.of(0.1, -0.2, 7.0),
          0.01);

  @Test
  void should_standardise_each_feature_then_apply_the_coefficients() {
    // when
    double prediction = model.predict(new double[] {2.0, 6.0, 99.0});

    // then: (2-1)/0.5 = 2, (6-2)/4 = 1, c has no spread and counts 0
    assertThat(prediction).isEqualTo(0.1 * 2 + -0.2 * 1 + 0.01);
  }

  @Test
  void should_read_back_the_same_model_from_its_json() {
    // when
    PortableModel read = PortableModel.fromJson(model.toJson());

    // then
    assertThat(read).isEqualTo(model);
    assertThat(model.toJson()).contains("\"kind\":\"linear_regression\"");
  }

  @Test
  void should_refuse_a_feature_vector_of_the_wrong_length_and_a_malformed_model() {
    assertThatThrownBy(() -> model.predict(new double[] {1.0}))
        .hasMessageContaining("expected 3 features");
    assertThatThrownBy(() -> PortableModel.fromJson("{\"kind\":\"tree\"}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void should_read_a_model_that_a_newer_training_job_wrote_with_fields_this_one_does_not_know() {
    // given: the same model with two added fields, as a rolling upgrade writes it
    String newer = model.toJson().replace("{", "{\"calibration\":{\"alpha\":0.1},\"schema\":2,");

    // when
    PortableModel read = PortableModel.fromJson(newer);

    // then
    assertThat(read).isEqualTo(model);
  }

  @Test
  void should_name_a_model_kind_this_version_cannot_evaluate() {
    // given
    String trees = model.toJson().replace("linear_regression", "neural_network");

    // when, then
    assertThatThrownBy(() -> PortableModel.fromJson(trees))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a model this version can use: unknown model kind 'neural_network'");
  }

  @Test
  void should_keep_a_model_it_cannot_use_as_a_served_version_that_says_why() {
    // when
    ServedModels.Served trees =
        ServedModels.Served.read(7, "{\"kind\":\"trees\"}", java.time.Instant.EPOCH);
    ServedModels.Served linear =
        ServedModels.Served.read(8, model.toJson(), java.time.Instant.EPOCH);

    // then
    assertThat(trees.usable()).isFalse();
    assertThat(trees.unusable())
        .isEqualTo("version 7 is not a model this version can use: unknown model kind 'trees'");
    assertThat(linear.usable()).isTrue();
    assertThat(linear.model()).isEqualTo(model);
  }

  @Test
  void should_turn_a_predicted_log_return_into_a_price() {
    assertThat(PortableModel.nextPrice(100.0, Math.log(1.05))).isCloseTo(105.0, within(1e-12));
  }

  /** x[0] <= 1 ? (x[1] <= 5 ? 10 : 20) : 30, its nodes in pre-order. */
  private static final PortableModel.Tree TREE =
      new PortableModel.Tree(
          List.of(0, 1, -1, -1, -1),
          List.of(1.0, 5.0, 0.0, 0.0, 0.0),
          List.of(1, 2, -1, -1, -1),
          List.of(4, 3, -1, -1, -1),
          List.of(0.0, 0.0, 10.0, 20.0, 30.0));

  private static final PortableModel.Tree STUMP =
      new PortableModel.Tree(
          List.of(2, -1, -1),
          List.of(0.5, 0.0, 0.0),
          List.of(1, -1, -1),
          List.of(2, -1, -1),
          List.of(0.0, -1.0, 1.0));

  @Test
  void should_walk_each_tree_left_at_or_below_the_threshold_and_combine_them_as_spark_does() {
    // given
    List<String> abc = List.of("a", "b", "c");
    PortableModel boosted =
        new PortableModel.BoostedTrees(
            PortableModel.NEXT_LOG_RETURN, abc, List.of(TREE, STUMP), List.of(1.0, 0.1));
    PortableModel forest =
        new PortableModel.Forest(PortableModel.NEXT_LOG_RETURN, abc, List.of(TREE, STUMP));

    // then: at the threshold goes left, as Spark's continuous split does
    assertThat(boosted.predict(new double[] {1.0, 5.0, 0.5})).isEqualTo(10.0 - 0.1);
    assertThat(boosted.predict(new double[] {1.0, 5.5, 0.6})).isEqualTo(20.0 + 0.1);
    assertThat(boosted.predict(new double[] {1.5, 0.0, 0.0})).isEqualTo(30.0 - 0.1);
    assertThat(forest.predict(new double[] {1.5, 0.0, 0.7})).isEqualTo((30.0 + 1.0) / 2);
    for (PortableModel read :
        List.of(
            PortableModel.fromJson(boosted.toJson()), PortableModel.fromJson(forest.toJson()))) {
      assertThat(read).isIn(boosted, forest);
    }
    assertThat(forest.toJson()).contains("\"kind\":\"random_forest\"");
  }

  @Test
  void should_predict_no_change_for_naive_and_the_mean_step_for_drift() {
    // given
    List<String> abc = List.of("a", "b", "c");
    PortableModel naive = new PortableModel.Naive(PortableModel.NEXT_LOG_RETURN, abc);
    PortableModel drift = new PortableModel.Drift(PortableModel.NEXT_LOG_RETURN, abc, 0.002);

    // then
    assertThat(naive.predict(new double[] {9, 9, 9})).isZero();
    assertThat(drift.predict(new double[] {9, 9, 9})).isEqualTo(0.002);
    assertThat(PortableModel.fromJson(naive.toJson())).isEqualTo(naive);
    assertThat(PortableModel.fromJson(drift.toJson())).isEqualTo(drift);
  }

  @Test
  void should_refuse_a_tree_whose_walk_could_loop_or_leave_it() {
    // a child before its parent would loop; a child past the end leaves the arrays
    assertThatThrownBy(
            () ->
                new PortableModel.Tree(
                    List.of(0, 1, -1),
                    List.of(1.0, 1.0, 0.0),
                    List.of(1, 0, -1),
                    List.of(2, 2, -1),
                    List.of(0.0, 0.0, 1.0)))
        .hasMessageContaining("children outside it");
    String oneFeature =
        new PortableModel.Forest(
                PortableModel.NEXT_LOG_RETURN, List.of("a", "b", "c"), List.of(STUMP))
            .toJson()
            .replace("[\"a\",\"b\",\"c\"]", "[\"a\"]");
    assertThatThrownBy(() -> PortableModel.fromJson(oneFeature))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a model this version can use: a tree splits on feature 2 of 1");
  }
}
