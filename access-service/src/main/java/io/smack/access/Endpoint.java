package io.smack.access;

import io.smack.common.Tables;
import java.util.List;

/**
 * Every route of the API, as {@code openapi.json} names it: the path template, the query parameters
 * it reads, whether it sits behind authentication and the tables it reads (what {@code /catalog}
 * lists behind it). Metrics label requests with the template, and a test holds the OpenAPI
 * description to this list.
 */
enum Endpoint {
  SYMBOLS("/symbols", List.of(), true, List.of(Tables.SYMBOLS)),
  QUOTES(
      "/quotes/{symbol}",
      Paging.PARAMETERS,
      true,
      List.of(Tables.QUOTES_BY_DAY, Tables.QUOTE_DAYS)),
  LATEST_QUOTE("/quotes/{symbol}/latest", List.of(), true, List.of(Tables.LATEST_QUOTE)),
  BARS("/bars/{symbol}", Paging.PARAMETERS, true, List.of(Tables.BARS_1M, Tables.QUOTE_DAYS)),
  FEATURES(
      "/features/{symbol}",
      Paging.PARAMETERS,
      true,
      List.of(Tables.BARS_1M, Tables.QUOTES_BY_DAY, Tables.QUOTE_DAYS)),
  PREDICTION(
      "/predictions/{symbol}",
      List.of(),
      true,
      List.of(
          Tables.PREDICTIONS,
          Tables.SERVED_MODELS,
          Tables.MODELS,
          Tables.PREDICTION_MONITOR,
          Tables.BARS_1M,
          Tables.LATEST_QUOTE)),
  PREDICTION_ERRORS(
      "/predictions/{symbol}/errors",
      Paging.PARAMETERS,
      true,
      List.of(Tables.PREDICTIONS, Tables.BARS_1M, Tables.QUOTES_BY_DAY, Tables.QUOTE_DAYS)),
  MODELS(
      "/models/{symbol}",
      List.of(),
      true,
      List.of(Tables.MODELS, Tables.SERVED_MODELS, Tables.PREDICTION_MONITOR)),
  STATUS(
      "/status",
      List.of(),
      true,
      List.of(
          Tables.INGEST_BATCHES,
          Tables.SYMBOLS,
          Tables.LATEST_QUOTE,
          Tables.SERVED_MODELS,
          Tables.MODELS,
          Tables.PREDICTION_MONITOR)),
  CATALOG("/catalog", List.of(), true, List.of()),
  LIVE("/health/live", List.of(), false, List.of()),
  READY("/health/ready", List.of(), false, List.of()),
  METRICS("/metrics", List.of(), false, List.of()),
  OPENAPI("/openapi.json", List.of(), false, List.of()),
  PAGE("/", List.of(), false, List.of()),
  VENDOR("/vendor/{file}", List.of(), false, List.of());

  private final String template;
  private final List<String> parameters;
  private final boolean authenticated;
  private final List<String> tables;

  Endpoint(String template, List<String> parameters, boolean authenticated, List<String> tables) {
    this.template = template;
    this.parameters = parameters;
    this.authenticated = authenticated;
    this.tables = tables;
  }

  String template() {
    return template;
  }

  List<String> parameters() {
    return parameters;
  }

  boolean authenticated() {
    return authenticated;
  }

  /** The tables of the keyspace it reads (the predictions' series among them). */
  List<String> tables() {
    return tables;
  }

  /**
   * The query parameters of a paged time range (in a class of its own: enum constants come first).
   */
  private static final class Paging {
    static final List<String> PARAMETERS = List.of("from", "to", "limit", "cursor");
  }
}
