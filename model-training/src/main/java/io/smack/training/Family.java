package io.smack.training;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.PortableModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.DecisionTreeRegressionModel;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.regression.RandomForestRegressionModel;
import org.apache.spark.ml.regression.RandomForestRegressor;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A candidate kind of model: its small grid of hyperparameters and how one point of it is fitted on
 * a symbol's rows (column {@link #FEATURES}, the features of {@link ForecastFeatures} as a vector,
 * and the label {@link SeriesFeatures#LABEL}). The learned families are MLlib's; naive and drift
 * are candidates in their own right, with nothing to tune.
 *
 * <p>The grids are small on purpose: every point is fitted once per fold on two cores, and a
 * one-step return has little signal to tune for. Linear: no penalty, or an elastic-net penalty of
 * two strengths (the features' lags are correlated, where L1 drops the redundant ones). Boosted
 * trees: depth 2 or 4, each with as many trees (of at most {@value #MAX_TREES}, step 0.1) as
 * MLlib's early stopping on the validation rows keeps. Forest: depth 3 or 6 of {@value #MAX_TREES}
 * trees on a third of the features each.
 */
enum Family implements Candidate {
  LINEAR(PortableModel.LINEAR_REGRESSION) {
    @Override
    public List<Map<String, Double>> grid() {
      return List.of(
          params("reg_param", 0, "elastic_net", 0),
          params("reg_param", 0.01, "elastic_net", 0.5),
          params("reg_param", 0.1, "elastic_net", 0.5));
    }

    @Override
    public Fitted fit(Dataset<Row> train, Map<String, Double> params) {
      StandardScaler scale =
          new StandardScaler()
              .setInputCol(FEATURES)
              .setOutputCol("scaled")
              .setWithMean(true)
              .setWithStd(true);
      LinearRegression regression =
          new LinearRegression()
              .setFeaturesCol("scaled")
              .setLabelCol(SeriesFeatures.LABEL)
              .setRegParam(params.get("reg_param"))
              .setElasticNetParam(params.get("elastic_net"))
              // the features are standardised already; the coefficients stay on that scale
              .setStandardization(false);
      PipelineModel fitted =
          new Pipeline().setStages(new PipelineStage[] {scale, regression}).fit(train);
      StandardScalerModel scaler = (StandardScalerModel) fitted.stages()[0];
      LinearRegressionModel model = (LinearRegressionModel) fitted.stages()[1];
      PortableModel portable =
          new PortableModel.Linear(
              PortableModel.NEXT_LOG_RETURN,
              ForecastFeatures.NAMES,
              list(scaler.mean().toArray()),
              list(scaler.std().toArray()),
              list(model.coefficients().toArray()),
              model.intercept());
      return new Fitted(this, portable, params, rows -> fitted.transform(rows).drop("scaled"));
    }
  },

  BOOSTED_TREES(PortableModel.GRADIENT_BOOSTED_TREES) {
    @Override
    public List<Map<String, Double>> grid() {
      return List.of(
          params("max_depth", 2, "trees", MAX_TREES), params("max_depth", 4, "trees", MAX_TREES));
    }

    @Override
    public boolean stopsEarly() {
      return true;
    }

    @Override
    public Fitted fit(Dataset<Row> train, Map<String, Double> params) {
      GBTRegressor regressor =
          new GBTRegressor()
              .setFeaturesCol(FEATURES)
              .setLabelCol(SeriesFeatures.LABEL)
              .setMaxDepth(params.get("max_depth").intValue())
              .setMaxIter(params.get("trees").intValue())
              .setStepSize(0.1)
              .setSeed(SEED);
      // MLlib stops when the validation error improves by less than validationTol times
      // max(error, 0.01): a squared log return is ~1e-4, so its default 0.01 stops after the
      // first tree whatever the data. (3.5's Java API has no setter for it.)
      regressor = regressor.copy(new ParamMap().put(regressor.validationTol().w(1e-5)));
      if (List.of(train.columns()).contains(VALIDATION)) {
        regressor.setValidationIndicatorCol(VALIDATION);
      }
      GBTRegressionModel model = regressor.fit(train);
      PortableModel portable =
          new PortableModel.BoostedTrees(
              PortableModel.NEXT_LOG_RETURN,
              ForecastFeatures.NAMES,
              trees(model.trees()),
              list(model.treeWeights()));
      Map<String, Double> kept = new LinkedHashMap<>(params);
      kept.put("trees", (double) model.getNumTrees()); // what early stopping kept
      return new Fitted(this, portable, kept, model::transform);
    }
  },

  RANDOM_FOREST(PortableModel.RANDOM_FOREST) {
    @Override
    public List<Map<String, Double>> grid() {
      return List.of(
          params("max_depth", 3, "trees", MAX_TREES), params("max_depth", 6, "trees", MAX_TREES));
    }

    @Override
    public Fitted fit(Dataset<Row> train, Map<String, Double> params) {
      RandomForestRegressionModel model =
          new RandomForestRegressor()
              .setFeaturesCol(FEATURES)
              .setLabelCol(SeriesFeatures.LABEL)
              .setMaxDepth(params.get("max_depth").intValue())
              .setNumTrees(params.get("trees").intValue())
              .setFeatureSubsetStrategy("onethird")
              .setSeed(SEED)
              .fit(train);
      PortableModel portable =
          new PortableModel.Forest(
              PortableModel.NEXT_LOG_RETURN, ForecastFeatures.NAMES, trees(model.trees()));
      return new Fitted(this, portable, params, model::transform);
    }
  },

  NAIVE(PortableModel.NAIVE) {
    @Override
    public Fitted fit(Dataset<Row> train, Map<String, Double> params) {
      return new Fitted(
          this,
          new PortableModel.Naive(PortableModel.NEXT_LOG_RETURN, ForecastFeatures.NAMES),
          params,
          rows -> rows.withColumn("prediction", lit(0.0)));
    }
  },

  DRIFT(PortableModel.DRIFT) {
    @Override
    public Fitted fit(Dataset<Row> train, Map<String, Double> params) {
      double drift = train.agg(avg(col(SeriesFeatures.LABEL))).first().getDouble(0);
      return new Fitted(
          this,
          new PortableModel.Drift(PortableModel.NEXT_LOG_RETURN, ForecastFeatures.NAMES, drift),
          params,
          rows -> rows.withColumn("prediction", lit(drift)));
    }
  };

  /** The vector column of the features, in the order of {@link ForecastFeatures#NAMES}. */
  static final String FEATURES = "features";

  /** A boolean column: rows MLlib's early stopping measures on, not fitted on. */
  static final String VALIDATION = "validation";

  static final int MAX_TREES = 30;

  /** Fixed, so that a training run is repeatable. */
  private static final long SEED = 17;

  /**
   * One fitted grid point.
   *
   * @param params the hyperparameters, as fitted (the boosted trees' count is what was kept)
   * @param transform adds Spark's {@code prediction} column to rows like the training rows
   */
  record Fitted(
      Candidate family,
      PortableModel model,
      Map<String, Double> params,
      UnaryOperator<Dataset<Row>> transform) {}

  private final String kind;

  Family(String kind) {
    this.kind = kind;
  }

  @Override
  public String kind() {
    return kind;
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
  public abstract Fitted fit(Dataset<Row> train, Map<String, Double> params);

  /** The learned families and drift: the candidates judged against naive. */
  static List<Family> candidates() {
    return List.of(LINEAR, BOOSTED_TREES, RANDOM_FOREST, DRIFT);
  }

  /** The family of a {@link PortableModel#kind}. */
  static Family of(String kind) {
    for (Family family : values()) {
      if (family.kind.equals(kind)) {
        return family;
      }
    }
    throw new IllegalArgumentException("no family fits '" + kind + "'");
  }

  private static Map<String, Double> params(String a, double x, String b, double y) {
    Map<String, Double> params = new LinkedHashMap<>();
    params.put(a, x);
    params.put(b, y);
    return params;
  }

  private static List<PortableModel.Tree> trees(DecisionTreeRegressionModel[] fitted) {
    List<PortableModel.Tree> trees = new ArrayList<>(fitted.length);
    for (DecisionTreeRegressionModel tree : fitted) {
      trees.add(tree(tree.rootNode()));
    }
    return trees;
  }

  /** Spark's tree, its nodes in pre-order (a child always after its parent). */
  static PortableModel.Tree tree(Node root) {
    List<Integer> feature = new ArrayList<>();
    List<Double> threshold = new ArrayList<>();
    List<Integer> left = new ArrayList<>();
    List<Integer> right = new ArrayList<>();
    List<Double> value = new ArrayList<>();
    flatten(root, feature, threshold, left, right, value);
    return new PortableModel.Tree(feature, threshold, left, right, value);
  }

  private static int flatten(
      Node node,
      List<Integer> feature,
      List<Double> threshold,
      List<Integer> left,
      List<Integer> right,
      List<Double> value) {
    int index = feature.size();
    feature.add(-1);
    threshold.add(0.0);
    left.add(-1);
    right.add(-1);
    value.add(node.prediction());
    if (node instanceof InternalNode inner) {
      if (!(inner.split() instanceof ContinuousSplit split)) {
        throw new IllegalStateException("a categorical split on continuous features");
      }
      feature.set(index, split.featureIndex());
      threshold.set(index, split.threshold());
      left.set(index, flatten(inner.leftChild(), feature, threshold, left, right, value));
      right.set(index, flatten(inner.rightChild(), feature, threshold, left, right, value));
    }
    return index;
  }

  private static List<Double> list(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double value : values) {
      list.add(value);
    }
    return list;
  }
}
