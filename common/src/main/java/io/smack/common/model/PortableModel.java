package io.smack.common.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * A trained forecasting model in a small portable form, stored as JSON in the {@code models} table
 * and evaluated without Spark: standardisation of each feature, then a linear model.
 *
 * <pre>
 * prediction = intercept + sum_i coefficients[i] * (x[i] - mean[i]) * (1 / std[i])   (0 where std[i] = 0)
 * </pre>
 *
 * which is what Spark's {@code StandardScaler} (with mean and std) followed by {@code
 * LinearRegression} computes, in the same order of operations.
 *
 * @param kind {@link #LINEAR_REGRESSION}
 * @param target what is predicted: {@link #NEXT_LOG_RETURN}
 * @param features feature names, in order ({@link ForecastFeatures#NAMES})
 * @param mean per feature, the training mean
 * @param std per feature, the training sample standard deviation
 * @param coefficients per feature, on the standardised scale
 * @param intercept the constant term
 */
public record PortableModel(
    String kind,
    String target,
    List<String> features,
    List<Double> mean,
    List<Double> std,
    List<Double> coefficients,
    double intercept) {

  public static final String LINEAR_REGRESSION = "linear_regression";
  public static final String NEXT_LOG_RETURN = "next_log_return";

  // a field this reader does not know is a newer training job's addition (a rolling upgrade): the
  // fields it knows still describe the linear model, so it reads them and leaves the rest
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public PortableModel {
    if (!LINEAR_REGRESSION.equals(kind)) {
      throw new IllegalArgumentException("unknown model kind '" + kind + "'");
    }
    if (features == null || mean == null || std == null || coefficients == null) {
      throw new IllegalArgumentException("a model needs features, mean, std and coefficients");
    }
    features = List.copyOf(features);
    mean = List.copyOf(mean);
    std = List.copyOf(std);
    coefficients = List.copyOf(coefficients);
    int n = features.size();
    if (mean.size() != n || std.size() != n || coefficients.size() != n) {
      throw new IllegalArgumentException(
          "a model needs a mean, a std and a coefficient per feature: "
              + n
              + " features, "
              + mean.size()
              + " means, "
              + std.size()
              + " stds, "
              + coefficients.size()
              + " coefficients");
    }
  }

  /** The prediction for one feature vector, in the order of {@link #features}. */
  public double predict(double[] x) {
    if (x.length != features.size()) {
      throw new IllegalArgumentException(
          "expected " + features.size() + " features " + features + ", got " + x.length);
    }
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double s = std.get(i);
      double scaled = s == 0 ? 0 : (x[i] - mean.get(i)) * (1.0 / s);
      sum += coefficients.get(i) * scaled;
    }
    return sum + intercept;
  }

  /** The next price forecast from the last price and the predicted log return. */
  public static double nextPrice(double lastPrice, double predictedLogReturn) {
    return lastPrice * Math.exp(predictedLogReturn);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a model that cannot be written as JSON: " + this, e);
    }
  }

  /**
   * Reads a stored model; fields this version does not know are ignored.
   *
   * @throws IllegalArgumentException when the text is not a model this version can evaluate: not
   *     JSON, a field missing, or a {@code kind} other than {@link #LINEAR_REGRESSION}
   */
  public static PortableModel fromJson(String json) {
    try {
      return JSON.readValue(json, PortableModel.class);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
      String reason =
          cause instanceof JsonProcessingException parsing
              ? parsing.getOriginalMessage()
              : cause.getMessage();
      throw new IllegalArgumentException("not a model this version can use: " + reason, e);
    }
  }
}
