package io.smack.training;

import io.smack.training.Family.Fitted;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@link Trainer} judges walk-forward: a kind of model, its grid, and how one point of it is
 * fitted. The {@link Family} constants are the job's; a test gives one that fails to fit.
 */
interface Candidate {

  /** The kind of model it fits ({@code PortableModel#kind}), as stored and shown. */
  String kind();

  /** The hyperparameters to choose among: one empty point where there is nothing to tune. */
  List<Map<String, Double>> grid();

  /**
   * Whether it measures itself on the {@link Family#VALIDATION} rows while fitting, so that its fit
   * on a fold's training rows gets them as such (and its count of trees is then fixed for the
   * refit).
   */
  boolean stopsEarly();

  /** Fits one grid point on {@code train}. */
  Fitted fit(Dataset<Row> train, Map<String, Double> params);
}
