package io.smack.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PortableModelTest {

  private final PortableModel model =
      new PortableModel(
          PortableModel.LINEAR_REGRESSION,
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
    String trees = model.toJson().replace("linear_regression", "gradient_boosted_trees");

    // when, then
    assertThatThrownBy(() -> PortableModel.fromJson(trees))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "not a model this version can use: unknown model kind 'gradient_boosted_trees'");
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
}
