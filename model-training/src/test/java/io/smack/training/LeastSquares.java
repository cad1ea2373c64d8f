package io.smack.training;

import java.util.List;

/**
 * Ordinary least squares solved by hand (normal equations, Gaussian elimination with partial
 * pivoting): the independent computation the tests hold Spark's fitted models against.
 */
final class LeastSquares {

  private LeastSquares() {}

  /**
   * The coefficients β minimising Σ (y − β·x)² over the rows; put a 1 first in each x for an
   * intercept.
   */
  static double[] fit(List<double[]> xs, List<Double> ys) {
    int k = xs.get(0).length;
    double[][] normal = new double[k][k + 1]; // [X'X | X'y]
    for (int row = 0; row < xs.size(); row++) {
      double[] x = xs.get(row);
      double y = ys.get(row);
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          normal[i][j] += x[i] * x[j];
        }
        normal[i][k] += x[i] * y;
      }
    }
    return solve(normal);
  }

  /** β·x. */
  static double apply(double[] beta, double[] x) {
    double sum = 0;
    for (int i = 0; i < beta.length; i++) {
      sum += beta[i] * x[i];
    }
    return sum;
  }

  /** A⁻¹b of an augmented matrix [A | b]. */
  private static double[] solve(double[][] augmented) {
    int n = augmented.length;
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(augmented[r][col]) > Math.abs(augmented[pivot][col])) {
          pivot = r;
        }
      }
      double[] swap = augmented[col];
      augmented[col] = augmented[pivot];
      augmented[pivot] = swap;
      for (int r = col + 1; r < n; r++) {
        double factor = augmented[r][col] / augmented[col][col];
        for (int c = col; c <= n; c++) {
          augmented[r][c] -= factor * augmented[col][c];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double sum = augmented[r][n];
      for (int c = r + 1; c < n; c++) {
        sum -= augmented[r][c] * x[c];
      }
      x[r] = sum / augmented[r][r];
    }
    return x;
  }
}
