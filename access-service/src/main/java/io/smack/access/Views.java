package io.smack.access;

import java.time.Instant;
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
   * @param at when the prediction was computed
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
      Instant at) {}

  /** What happened after a prediction: the first price of the series after its asOf. */
  record Actual(Instant ts, double price) {}

  /**
   * A recorded prediction next to what happened; actual, error and relativeError are null while the
   * next step has not come.
   *
   * @param error actual − predicted
   * @param relativeError error / actual
   */
  record PredictionError(
      Instant asOf,
      Instant targetTs,
      double predicted,
      int modelVersion,
      Actual actual,
      Double error,
      Double relativeError) {}

  /** {@code GET /predictions/{symbol}/errors}. */
  record ErrorsPage(
      String symbol, Instant from, Instant to, List<PredictionError> errors, String next) {}

  /** One stored model version. */
  record ModelVersion(
      int version,
      String kind,
      boolean promoted,
      Instant trainedAt,
      Instant trainFrom,
      Instant trainTo,
      long rows,
      List<String> features,
      Map<String, Double> metrics) {}

  /**
   * {@code GET /models/{symbol}}: every version, newest first, and the one served (the newest
   * promoted; null when none is).
   */
  record Models(String symbol, Integer served, List<ModelVersion> versions) {}

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

  /** A symbol's newest quote (by event time) and the model it is served. */
  record SymbolStatus(
      String symbol,
      Instant newestQuote,
      long newestQuoteAgeSeconds,
      Integer servedModel,
      Instant modelTrainedAt,
      Long modelAgeSeconds) {}

  /** Every error body: a stable code and a sentence naming the problem. */
  record Error(String error, String detail) {}

  /** {@code GET /health/live} and {@code GET /health/ready}. */
  record Health(String status, String detail) {}
}
