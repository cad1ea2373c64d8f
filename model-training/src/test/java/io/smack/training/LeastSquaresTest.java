package io.smack.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeastSquaresTest {

  @Test
  void should_recover_the_coefficients_of_an_exact_linear_relation() {
    // given y = 2 + 3·a − 0.5·b at random points, the first column all ones
    SplittableRandom random = new SplittableRandom(3);
    List<double[]> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      double a = random.nextDouble(-1, 1);
      double b = random.nextDouble(-10, 10);
      xs.add(new double[] {1, a, b});
      ys.add(2 + 3 * a - 0.5 * b);
    }

    // when
    double[] beta = LeastSquares.fit(xs, ys);

    // then
    assertThat(beta[0]).isCloseTo(2, within(1e-9));
    assertThat(beta[1]).isCloseTo(3, within(1e-9));
    assertThat(beta[2]).isCloseTo(-0.5, within(1e-9));
    assertThat(LeastSquares.apply(beta, new double[] {1, 0.5, 4})).isCloseTo(1.5, within(1e-9));
  }

  @Test
  void should_give_the_mean_when_the_only_column_is_the_intercept() {
    // when: least squares of a constant is the mean
    double[] beta =
        LeastSquares.fit(
            List.of(new double[] {1}, new double[] {1}, new double[] {1}), List.of(1.0, 2.0, 6.0));

    // then
    assertThat(beta[0]).isCloseTo(3, within(1e-12));
  }
}
