package io.smack.access;

import io.smack.access.Views.PredictionView;
import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.PortableModel;
import io.smack.common.model.SeriesCalendar;
import io.smack.common.model.ServedModels.Served;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The live prediction, without Spark: the served model evaluated on the features of the newest
 * prices, as the training job computed them ({@code common}'s {@link ForecastFeatures}). Pure.
 */
final class Forecast {

  /** One price of the series the model was trained on. */
  record Price(Instant ts, double price) {}

  private Forecast() {}

  /**
   * @param newestFirst at least {@link ForecastFeatures#PRICES_NEEDED} prices, newest first
   * @throws ApiException 404 when there are fewer; 503 when this service cannot use the model
   */
  static PredictionView predict(
      String symbol, Served served, List<Price> newestFirst, Instant now) {
    PortableModel model = usable(symbol, served);
    if (newestFirst.size() < ForecastFeatures.PRICES_NEEDED) {
      throw ApiException.notFound(
          "not_enough_prices",
          symbol
              + " has "
              + newestFirst.size()
              + " prices; a prediction needs the newest "
              + ForecastFeatures.PRICES_NEEDED);
    }
    List<Price> oldestFirst =
        new ArrayList<>(newestFirst.subList(0, ForecastFeatures.PRICES_NEEDED));
    Collections.reverse(oldestFirst);
    double[] prices = oldestFirst.stream().mapToDouble(Price::price).toArray();
    double[] features = ForecastFeatures.of(prices);
    double predictedReturn = model.predict(features);
    Map<String, Double> inputs = new LinkedHashMap<>();
    for (int i = 0; i < features.length; i++) {
      inputs.put(model.features().get(i), features[i]);
    }
    Price last = oldestFirst.get(oldestFirst.size() - 1);
    return new PredictionView(
        symbol,
        served.version(),
        last.ts(),
        last.price(),
        SeriesCalendar.next(oldestFirst.stream().map(Price::ts).toList()),
        predictedReturn,
        PortableModel.nextPrice(last.price(), predictedReturn),
        inputs,
        oldestFirst.stream().map(Price::price).toList(),
        oldestFirst.get(0).ts(),
        now,
        PredictionView.ON_DEMAND,
        0,
        false);
  }

  /**
   * The served model, when this service can evaluate it: one it cannot read (a kind a newer
   * training job wrote) or one needing features it does not compute is a 503 that says why, as for
   * a dependency that is not there yet (the service's upgrade brings it).
   */
  static PortableModel usable(String symbol, Served served) {
    String problem =
        !served.usable()
            ? served.unusable()
            : served.model().features().equals(ForecastFeatures.NAMES)
                ? null
                : "version "
                    + served.version()
                    + " uses features "
                    + served.model().features()
                    + "; this service computes "
                    + ForecastFeatures.NAMES;
    if (problem != null) {
      throw new ApiException(
          StatusCodes.SERVICE_UNAVAILABLE,
          "unservable_model",
          symbol + " cannot be predicted: " + problem);
    }
    return served.model();
  }
}
