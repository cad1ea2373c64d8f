package io.smack.common.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A trained forecasting model in a small portable form, stored as JSON in the {@code models} table
 * and evaluated without Spark, to the same number as the Spark model it was exported from. Every
 * kind predicts the next log return from the features of {@link ForecastFeatures}; the JSON names
 * its kind in {@code "kind"}.
 *
 * <p>The trees are a JSON of the project's own (split feature, threshold, children, leaf value per
 * node): the PMML converters for Spark are AGPL, and ONNX's would bring a runtime for what is a
 * loop over a few arrays.
 */
public sealed interface PortableModel
    permits PortableModel.Linear,
        PortableModel.Naive,
        PortableModel.Drift,
        PortableModel.BoostedTrees,
        PortableModel.Forest {

  String LINEAR_REGRESSION = "linear_regression";
  String GRADIENT_BOOSTED_TREES = "gradient_boosted_trees";
  String RANDOM_FOREST = "random_forest";
  String NAIVE = "naive";
  String DRIFT = "drift";
  String NEXT_LOG_RETURN = "next_log_return";

  /** What is predicted: {@link #NEXT_LOG_RETURN}. */
  String target();

  /**
   * The feature names, in the order {@link #predict} takes them ({@link ForecastFeatures#NAMES}).
   */
  List<String> features();

  /** One of the kinds above. */
  String kind();

  /**
   * The predicted next log return for one feature vector, in the order of {@link #features}.
   *
   * @throws IllegalArgumentException when the vector's length is not the features'
   */
  double predict(double[] x);

  /**
   * Standardisation of each feature, then a linear model: what Spark's {@code StandardScaler} (with
   * mean and std) followed by {@code LinearRegression} computes, in the same order of operations.
   *
   * <pre>
   * prediction = intercept + sum_i coefficients[i] * (x[i] - mean[i]) * (1 / std[i])   (0 where std[i] = 0)
   * </pre>
   *
   * @param mean per feature, the training mean
   * @param std per feature, the training sample standard deviation
   * @param coefficients per feature, on the standardised scale
   */
  record Linear(
      String target,
      List<String> features,
      List<Double> mean,
      List<Double> std,
      List<Double> coefficients,
      double intercept)
      implements PortableModel {

    public Linear {
      features = copy("features", features);
      mean = copy("mean", mean);
      std = copy("std", std);
      coefficients = copy("coefficients", coefficients);
      int n = features.size();
      if (mean.size() != n || std.size() != n || coefficients.size() != n) {
        throw new IllegalArgumentException(
            "a linear model needs a mean, a std and a coefficient per feature: "
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

    @Override
    public String kind() {
      return LINEAR_REGRESSION;
    }

    @Override
    public double predict(double[] x) {
      checkLength(features, x);
      double sum = 0;
      for (int i = 0; i < x.length; i++) {
        double s = std.get(i);
        double scaled = s == 0 ? 0 : (x[i] - mean.get(i)) * (1.0 / s);
        sum += coefficients.get(i) * scaled;
      }
      return sum + intercept;
    }
  }

  /** The naive forecast: the next price is the last, a log return of 0 whatever the features. */
  record Naive(String target, List<String> features) implements PortableModel {

    public Naive {
      features = copy("features", features);
    }

    @Override
    public String kind() {
      return NAIVE;
    }

    @Override
    public double predict(double[] x) {
      checkLength(features, x);
      return 0;
    }
  }

  /**
   * The drift forecast: the mean log return of the training rows, whatever the features.
   *
   * @param drift the mean log return per step
   */
  record Drift(String target, List<String> features, double drift) implements PortableModel {

    public Drift {
      features = copy("features", features);
    }

    @Override
    public String kind() {
      return DRIFT;
    }

    @Override
    public double predict(double[] x) {
      checkLength(features, x);
      return drift;
    }
  }

  /**
   * Gradient-boosted trees as Spark's {@code GBTRegressionModel} predicts: the weighted sum of the
   * trees' predictions, in tree order.
   */
  record BoostedTrees(String target, List<String> features, List<Tree> trees, List<Double> weights)
      implements PortableModel {

    public BoostedTrees {
      features = copy("features", features);
      trees = copy("trees", trees);
      weights = copy("weights", weights);
      if (trees.isEmpty() || weights.size() != trees.size()) {
        throw new IllegalArgumentException(
            "boosted trees need a weight per tree: "
                + trees.size()
                + " trees, "
                + weights.size()
                + " weights");
      }
      checkTrees(features, trees);
    }

    @Override
    public String kind() {
      return GRADIENT_BOOSTED_TREES;
    }

    @Override
    public double predict(double[] x) {
      checkLength(features, x);
      double sum = 0;
      for (int t = 0; t < trees.size(); t++) {
        sum += trees.get(t).predict(x) * weights.get(t);
      }
      return sum;
    }
  }

  /**
   * A random forest as Spark's {@code RandomForestRegressionModel} predicts: the sum of the trees'
   * predictions over their number.
   */
  record Forest(String target, List<String> features, List<Tree> trees) implements PortableModel {

    public Forest {
      features = copy("features", features);
      trees = copy("trees", trees);
      if (trees.isEmpty()) {
        throw new IllegalArgumentException("a forest needs a tree");
      }
      checkTrees(features, trees);
    }

    @Override
    public String kind() {
      return RANDOM_FOREST;
    }

    @Override
    public double predict(double[] x) {
      checkLength(features, x);
      double sum = 0;
      for (Tree tree : trees) {
        sum += tree.predict(x);
      }
      return sum / trees.size();
    }
  }

  /**
   * One regression tree, its nodes in arrays indexed by node, the root at 0. An inner node sends a
   * vector to {@code left} when {@code x[feature] <= threshold} (Spark's continuous split), else to
   * {@code right}; a leaf has feature -1 and predicts {@code value}.
   */
  record Tree(
      List<Integer> feature,
      List<Double> threshold,
      List<Integer> left,
      List<Integer> right,
      List<Double> value) {

    public Tree {
      feature = copy("feature", feature);
      threshold = copy("threshold", threshold);
      left = copy("left", left);
      right = copy("right", right);
      value = copy("value", value);
      int n = feature.size();
      if (n == 0
          || threshold.size() != n
          || left.size() != n
          || right.size() != n
          || value.size() != n) {
        throw new IllegalArgumentException(
            "a tree needs a feature, threshold, left, right and value per node");
      }
      for (int node = 0; node < n; node++) {
        if (feature.get(node) >= 0
            && !(child(left.get(node), node, n) && child(right.get(node), node, n))) {
          throw new IllegalArgumentException(
              "node " + node + " of a tree has children outside it: a child follows its parent");
        }
      }
    }

    private static boolean child(int index, int parent, int nodes) {
      return index > parent && index < nodes; // so that a walk always ends
    }

    double predict(double[] x) {
      int node = 0;
      while (feature.get(node) >= 0) {
        node = x[feature.get(node)] <= threshold.get(node) ? left.get(node) : right.get(node);
      }
      return value.get(node);
    }
  }

  /** The next price forecast from the last price and the predicted log return. */
  static double nextPrice(double lastPrice, double predictedLogReturn) {
    return lastPrice * Math.exp(predictedLogReturn);
  }

  /** The model as stored: its fields and its {@code kind}. */
  default String toJson() {
    ObjectNode json = Json.MAPPER.createObjectNode().put("kind", kind());
    json.setAll((ObjectNode) Json.MAPPER.valueToTree(this));
    return json.toString();
  }

  /**
   * Reads a stored model; fields this version does not know are ignored (a newer training job's
   * additions during a rolling upgrade: the fields it knows still describe the model).
   *
   * @throws IllegalArgumentException when the text is not a model this version can evaluate: not
   *     JSON, a field missing, or a {@code kind} it does not know
   */
  static PortableModel fromJson(String json) {
    try {
      JsonNode tree = Json.MAPPER.readTree(json);
      String kind = tree.path("kind").asText("");
      Class<? extends PortableModel> type = Json.KINDS.get(kind);
      if (type == null) {
        throw new IllegalArgumentException("unknown model kind '" + kind + "'");
      }
      return Json.MAPPER.treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
      String reason =
          cause instanceof JsonProcessingException parsing
              ? parsing.getOriginalMessage()
              : cause.getMessage();
      throw new IllegalArgumentException("not a model this version can use: " + reason, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a model this version can use: " + e.getMessage(), e);
    }
  }

  private static <T> List<T> copy(String field, List<T> values) {
    if (values == null) {
      throw new IllegalArgumentException("a model needs its " + field);
    }
    return List.copyOf(values);
  }

  private static void checkLength(List<String> features, double[] x) {
    if (x.length != features.size()) {
      throw new IllegalArgumentException(
          "expected " + features.size() + " features " + features + ", got " + x.length);
    }
  }

  private static void checkTrees(List<String> features, List<Tree> trees) {
    for (Tree tree : trees) {
      for (int f : tree.feature()) {
        if (f >= features.size()) {
          throw new IllegalArgumentException(
              "a tree splits on feature " + f + " of " + features.size());
        }
      }
    }
  }

  /** The reader and writer, and the kinds they know. */
  final class Json {
    // a field this reader does not know is a newer training job's addition (a rolling upgrade)
    private static final ObjectMapper MAPPER =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final Map<String, Class<? extends PortableModel>> KINDS =
        Map.of(
            LINEAR_REGRESSION, Linear.class,
            NAIVE, Naive.class,
            DRIFT, Drift.class,
            GRADIENT_BOOSTED_TREES, BoostedTrees.class,
            RANDOM_FOREST, Forest.class);

    private Json() {}
  }
}
