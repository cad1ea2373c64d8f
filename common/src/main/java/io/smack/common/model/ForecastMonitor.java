package io.smack.common.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The live check of a served model against the naive forecast (next = last): the errors of the last
 * {@code window} scored steps of both, their rolling RMSE and MAE, and the demotion rule — the
 * model's rolling RMSE above the naive one's by more than {@code margin} (0.05: 5 %) over a full
 * window. Immutable and pure: the streaming job keeps one per symbol in {@code prediction_monitor}.
 *
 * <p>The rule looks at a whole window only: a short streak of bad steps inside a window of good
 * ones moves the window's RMSE by its share of the squared errors, and demotes only when it
 * outweighs the rest.
 *
 * @param window the number of steps the figures cover
 * @param margin how much worse than the naive RMSE the model's may be, as a fraction
 * @param modelErrors the model's errors (actual − predicted), oldest first, at most {@code window}
 * @param naiveErrors the naive forecast's errors (actual − last), in step with {@code modelErrors}
 */
public record ForecastMonitor(
    int window, double margin, List<Double> modelErrors, List<Double> naiveErrors) {

  /**
   * The rolling figures.
   *
   * @param steps the steps they cover
   * @param full whether they cover a whole window
   */
  public record Figures(
      int steps, boolean full, double rmse, double mae, double naiveRmse, double naiveMae) {

    /** The model's RMSE over the naive one's, less one: +0.10 is 10 % worse. */
    public double rmseExcess() {
      return naiveRmse == 0 ? 0 : rmse / naiveRmse - 1;
    }

    @Override
    public String toString() {
      return String.format(
          "rmse %.6g vs naive %.6g (%+.2f %%), mae %.6g vs naive %.6g over %d steps",
          rmse, naiveRmse, 100 * rmseExcess(), mae, naiveMae, steps);
    }
  }

  public ForecastMonitor {
    if (window < 1) {
      throw new IllegalArgumentException("a window of " + window + " steps");
    }
    if (!(margin >= 0)) {
      throw new IllegalArgumentException("a margin of " + margin + " is not 0 or more");
    }
    if (modelErrors.size() != naiveErrors.size() || modelErrors.size() > window) {
      throw new IllegalArgumentException(
          modelErrors.size()
              + " model errors and "
              + naiveErrors.size()
              + " naive errors in a window of "
              + window);
    }
    modelErrors = List.copyOf(modelErrors);
    naiveErrors = List.copyOf(naiveErrors);
  }

  /** An empty window. */
  public static ForecastMonitor empty(int window, double margin) {
    return new ForecastMonitor(window, margin, List.of(), List.of());
  }

  /** This window with one more step, the oldest dropped when it is full. */
  public ForecastMonitor with(double modelError, double naiveError) {
    return new ForecastMonitor(
        window, margin, slide(modelErrors, modelError), slide(naiveErrors, naiveError));
  }

  /**
   * This window with its newest step measured again (the bar that gave it changed: a late quote),
   * or with one more step when it is empty: a step counts once however often its bar changes.
   */
  public ForecastMonitor withNewestReplaced(double modelError, double naiveError) {
    if (modelErrors.isEmpty()) {
      return with(modelError, naiveError);
    }
    return new ForecastMonitor(
        window, margin, replaceLast(modelErrors, modelError), replaceLast(naiveErrors, naiveError));
  }

  private static List<Double> replaceLast(List<Double> values, double value) {
    List<Double> replaced = new ArrayList<>(values);
    replaced.set(replaced.size() - 1, value);
    return replaced;
  }

  /** This window emptied (for another model), with the same size and margin. */
  public ForecastMonitor cleared() {
    return empty(window, margin);
  }

  public boolean full() {
    return modelErrors.size() == window;
  }

  /** The figures of the steps so far; empty before the first. */
  public Optional<Figures> figures() {
    if (modelErrors.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Figures(
            modelErrors.size(),
            full(),
            rms(modelErrors),
            meanAbsolute(modelErrors),
            rms(naiveErrors),
            meanAbsolute(naiveErrors)));
  }

  /** The figures that demote the model, when the window is full and its RMSE too high. */
  public Optional<Figures> demotion() {
    return figures().filter(f -> f.full() && f.rmse() > f.naiveRmse() * (1 + margin));
  }

  private List<Double> slide(List<Double> errors, double error) {
    List<Double> slid = new ArrayList<>(errors.size() + 1);
    slid.addAll(errors.size() == window ? errors.subList(1, window) : errors);
    slid.add(error);
    return slid;
  }

  private static double rms(List<Double> errors) {
    double sum = 0;
    for (double error : errors) {
      sum += error * error;
    }
    return Math.sqrt(sum / errors.size());
  }

  private static double meanAbsolute(List<Double> errors) {
    double sum = 0;
    for (double error : errors) {
      sum += Math.abs(error);
    }
    return sum / errors.size();
  }
}
