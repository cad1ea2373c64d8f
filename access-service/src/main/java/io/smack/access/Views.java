package io.smack.access;

import com.fasterxml.jackson.databind.JsonNode;
import io.smack.common.model.ForecastFeatures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The JSON the API answers, one record per shape; Jackson writes them as they are (instants as
 * ISO-8601 text) and {@code openapi.json} describes the same fields. Series are newest first.
 */
final class Views {

  private Views() {}

  /** {@code GET /symbols}. */
  record Symbols(List<String> symbols) {}

  /** One stored quote. */
  record QuoteView(Instant ts, double price, long volume, String source) {}

  /** {@code GET /quotes/{symbol}/latest}. */
  record LatestQuote(String symbol, Instant ts, double price, long volume, String source) {}

  /**
   * {@code GET /quotes/{symbol}}: one page of a time range. {@code next} is the cursor of the
   * following (older) page, null on the last page.
   */
  record QuotesPage(String symbol, Instant from, Instant to, List<QuoteView> quotes, String next) {}

  /** One 1-minute bar. */
  record BarView(
      Instant minute,
      double open,
      double high,
      double low,
      double close,
      long volume,
      int quotes) {}

  /** {@code GET /bars/{symbol}}. */
  record BarsPage(String symbol, Instant from, Instant to, List<BarView> bars, String next) {}

  /**
   * {@code GET /predictions/{symbol}}: the next step's price, from the served model and the newest
   * prices.
   *
   * @param asOf the time of the newest input price
   * @param lastPrice the newest input price
   * @param targetTs when the predicted step is expected: asOf plus the inputs' median spacing
   * @param predictedReturn the model's output, the log return of the next step
   * @param predicted the next price, lastPrice · e^predictedReturn
   * @param inputs the features, by name, the model was evaluated on
   * @param prices the input prices, oldest first
   * @param pricesFrom the time of the oldest input price (the newest's is asOf): with the model
   *     version, what the prediction was computed from; null for one stored before it was kept
   * @param at when the prediction was computed
   * @param source {@link #STREAM} (the newest the streaming job scored) or {@link #ON_DEMAND}
   * @param basisLagSeconds how far its newest input lies behind the symbol's newest quote
   * @param stale whether that is more than {@code status.prediction-stale-after}
   */
  record PredictionView(
      String symbol,
      int modelVersion,
      Instant asOf,
      double lastPrice,
      Instant targetTs,
      double predictedReturn,
      double predicted,
      Map<String, Double> inputs,
      List<Double> prices,
      Instant pricesFrom,
      Instant at,
      String source,
      long basisLagSeconds,
      boolean stale) {

    /** This prediction with how far its newest input lies behind {@code newestQuote}. */
    PredictionView withBasis(Instant newestQuote, Duration staleAfter) {
      long lag = Math.max(0, Duration.between(asOf, newestQuote).toSeconds());
      return new PredictionView(
          symbol,
          modelVersion,
          asOf,
          lastPrice,
          targetTs,
          predictedReturn,
          predicted,
          inputs,
          prices,
          pricesFrom,
          at,
          source,
          lag,
          lag > staleAfter.toSeconds());
    }

    /** Where it comes from: the streaming job's scoring of a finished bar. */
    static final String STREAM = "stream";

    /** Where it comes from: evaluated for this request on the newest prices. */
    static final String ON_DEMAND = "on-demand";
  }

  /** What happened after a prediction: the first price of the series after its asOf. */
  record Actual(Instant ts, double price) {}

  /**
   * A recorded prediction next to what happened; actual, error and relativeError are null while the
   * next step has not come.
   *
   * @param naive the naive forecast (the last price) beside a streamed prediction; null on one
   *     served on demand
   * @param error actual − predicted
   * @param relativeError error / actual
   * @param naiveError actual − naive, for a streamed prediction
   */
  record PredictionError(
      Instant asOf,
      Instant targetTs,
      double predicted,
      int modelVersion,
      Double naive,
      Actual actual,
      Double error,
      Double relativeError,
      Double naiveError) {}

  /** {@code GET /predictions/{symbol}/errors}. */
  record ErrorsPage(
      String symbol, Instant from, Instant to, List<PredictionError> errors, String next) {}

  /**
   * {@code GET /features/{symbol}}: the feature vectors of a page of the prediction series, newest
   * first, with their names in the models' order.
   */
  record FeaturesPage(
      String symbol,
      Instant from,
      Instant to,
      List<String> names,
      List<FeatureRow> features,
      String next) {}

  /**
   * One price's feature vector, in the order of {@code names}; null where fewer than {@link
   * ForecastFeatures#PRICES_NEEDED} prices end at it.
   */
  record FeatureRow(Instant ts, double price, List<Double> values) {

    /**
     * The rows of {@code page} (newest first), each from the prices ending at it: the page's own
     * and {@code before} (the ones before its oldest, newest first).
     */
    static List<FeatureRow> of(List<Forecast.Price> page, List<Forecast.Price> before) {
      List<Forecast.Price> oldestFirst = new ArrayList<>(page);
      oldestFirst.addAll(before);
      Collections.reverse(oldestFirst);
      double[] prices = oldestFirst.stream().mapToDouble(Forecast.Price::price).toArray();
      List<FeatureRow> rows = new ArrayList<>(page.size());
      for (int i = oldestFirst.size() - 1; i >= before.size(); i--) {
        int from = i - ForecastFeatures.PRICES_NEEDED + 1;
        List<Double> values = null;
        if (from >= 0) {
          values = new ArrayList<>();
          for (double x : ForecastFeatures.of(Arrays.copyOfRange(prices, from, i + 1))) {
            values.add(x);
          }
        }
        rows.add(new FeatureRow(oldestFirst.get(i).ts(), prices[i], values));
      }
      return rows;
    }
  }

  /**
   * One stored model version.
   *
   * @param kind the family that serves in it: naive when no learned family beat naive
   * @param reason why the training job chose it
   * @param evaluation the walk-forward table it was chosen by: every family's RMSE and MAE, pooled
   *     and per fold, against naive's (null for versions trained before it was stored)
   * @param lineage what it was made from: the data, the code's commit and versions, the
   *     configuration and its digest (null for versions trained before it was stored)
   */
  record ModelVersion(
      int version,
      String kind,
      boolean promoted,
      Instant trainedAt,
      Instant trainFrom,
      Instant trainTo,
      long rows,
      List<String> features,
      Map<String, Double> metrics,
      String reason,
      JsonNode evaluation,
      JsonNode lineage) {}

  /**
   * The promotion rule's figures of a version, from its walk-forward metrics: a learned family
   * serves when its forecasts beat the naive forecast's by the margin in both RMSE and MAE, else
   * naive does (whose figures are naive's own: no improvement); a version may also be promoted by
   * hand.
   *
   * @param rmseImprovement 1 − rmse / naive rmse: above 0 beats it
   * @param maeImprovement 1 − mae / naive mae
   */
  record Promotion(String rule, Double rmseImprovement, Double maeImprovement, boolean beatsNaive) {

    static final String RULE =
        "walk-forward rmse and mae below the naive forecast's by the margin, else naive serves";

    static Promotion of(Map<String, Double> metrics) {
      Double rmse = improvement(metrics, "rmse", "baseline_rmse");
      Double mae = improvement(metrics, "mae", "baseline_mae");
      return new Promotion(RULE, rmse, mae, rmse != null && mae != null && rmse > 0 && mae > 0);
    }

    private static Double improvement(Map<String, Double> metrics, String mine, String naive) {
      Double m = metrics.get(mine);
      Double n = metrics.get(naive);
      return m == null || n == null || n == 0 ? null : 1 - m / n;
    }
  }

  /** A model taken out of service by the live monitor. */
  record Demotion(int version, Integer fallback, Instant at, String detail) {}

  /**
   * The streaming job's live check of the served model: its next-bar forecasts' rolling RMSE and
   * MAE beside the naive forecast's, over the last {@code steps} scored bars (nulls before the
   * first outcome), the bars scored and left unscored, and the last demotion.
   */
  record Monitor(
      Integer modelVersion,
      Instant scoredThrough,
      int steps,
      Double rmse,
      Double mae,
      Double naiveRmse,
      Double naiveMae,
      long scored,
      long unscored,
      String modelProblem,
      Demotion lastDemotion) {}

  /**
   * {@code GET /models/{symbol}}: every version, newest first, with its promotion figures, the one
   * served (null when none is) and the live monitor (null before the first scored bar).
   */
  record Models(
      String symbol,
      Integer served,
      List<ModelVersion> versions,
      Map<Integer, Promotion> promotion,
      Monitor monitor) {}

  /**
   * {@code GET /status}: is data flowing? The verdict ({@code ok}, {@code degraded}, {@code stale},
   * {@code down}), why, the streaming job's recent batches and each symbol's freshness and served
   * model.
   */
  record Status(
      String verdict, String reason, Instant at, StreamStatus stream, List<SymbolStatus> symbols) {}

  /**
   * The streaming job as its {@code ingest_batches} rows tell it; nulls before its first batch.
   *
   * @param lastBatchAgeSeconds seconds since the quotes query's newest batch was processed
   * @param offsetsBehind records between its newest batch's end offsets and the topic's end then
   * @param recentWindowSeconds the window the recent counts sum over
   * @param recentLate quotes the bars query found behind its watermark, in the window
   * @param barsQuery the bars query's name
   * @param barsLastBatchAgeSeconds seconds since the bars query's newest batch
   * @param watermark the bars query's event-time watermark
   * @param recentBars bars updated from the streaming state, in the window
   * @param recentBackfilled bars given again from stored quotes (for late quotes), in the window
   */
  record StreamStatus(
      String query,
      Long lastBatch,
      Instant lastBatchAt,
      Long lastBatchAgeSeconds,
      Long offsetsBehind,
      Double inputRate,
      Double processedRate,
      long recentWindowSeconds,
      long recentInputRows,
      long recentQuotes,
      long recentRejected,
      long recentLate,
      String barsQuery,
      Long barsLastBatchAgeSeconds,
      Instant watermark,
      long recentBars,
      long recentBackfilled) {}

  /** A symbol's newest quote (by event time), the model it is served, and its live monitor. */
  record SymbolStatus(
      String symbol,
      Instant newestQuote,
      long newestQuoteAgeSeconds,
      Integer servedModel,
      String servedKind,
      String servedReason,
      Instant modelTrainedAt,
      Long modelAgeSeconds,
      Long predictionLagSeconds,
      String modelProblem,
      Monitor monitor) {}

  /**
   * {@code GET /catalog}: every view the API serves with the tables behind it, and every table of
   * the keyspace with its schema, the parts that write it, where its rows come from, how fresh it
   * is and how big.
   */
  record Catalog(String keyspace, Instant at, List<CatalogView> views, List<CatalogTable> tables) {}

  /** One view: its path template, what it answers (openapi.json's summary) and what it reads. */
  record CatalogView(String path, String summary, boolean authenticated, List<String> tables) {}

  /**
   * One table.
   *
   * @param description the comment above it in the schema
   * @param writtenBy the parts that write it
   * @param lineage where its rows come from
   * @param newestWrite when it was last written, as far as the pipeline records it (the streaming
   *     job's newest batch for what it writes, the newest training or promotion for the models);
   *     null before the first
   * @param partitionsEstimate the node's estimate ({@code system.size_estimates}, refreshed every
   *     few minutes); null before the first
   * @param bytesEstimate partitions × their mean size, as estimated
   * @param views the views that read it
   */
  record CatalogTable(
      String name,
      String description,
      List<CatalogColumn> columns,
      List<String> writtenBy,
      String lineage,
      Instant newestWrite,
      Long newestWriteAgeSeconds,
      Long partitionsEstimate,
      Long bytesEstimate,
      List<String> views) {}

  /** One column: its CQL type and kind (partition_key, clustering, regular, static). */
  record CatalogColumn(String name, String type, String kind) {}

  /** Every error body: a stable code and a sentence naming the problem. */
  record Error(String error, String detail) {}

  /** {@code GET /health/live} and {@code GET /health/ready}. */
  record Health(String status, String detail) {}
}
