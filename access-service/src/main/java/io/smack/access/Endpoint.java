package io.smack.access;

import io.smack.common.Tables;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every route of the API, as {@code openapi.json} names it: the path template, the query parameters
 * it reads, whether it sits behind authentication and the tables it reads (what {@code /catalog}
 * lists behind it). Metrics label requests with the template, and a test holds the OpenAPI
 * description to this list.
 */
enum Endpoint {
  SYMBOLS(View.QUOTES, "/symbols", List.of(), true, List.of(Tables.SYMBOLS)),
  QUOTES(
      View.QUOTES,
      "/quotes/{symbol}",
      Paging.PARAMETERS,
      true,
      List.of(Tables.QUOTES_BY_DAY, Tables.QUOTE_DAYS)),
  LATEST_QUOTE(
      View.LATEST, "/quotes/{symbol}/latest", List.of(), true, List.of(Tables.LATEST_QUOTE)),
  BARS(
      View.BARS,
      "/bars/{symbol}",
      Paging.PARAMETERS,
      true,
      List.of(Tables.BARS_1M, Tables.QUOTE_DAYS)),
  FEATURES(
      View.BARS,
      "/features/{symbol}",
      Paging.PARAMETERS,
      true,
      List.of(Tables.BARS_1M, Tables.QUOTES_BY_DAY, Tables.QUOTE_DAYS)),
  PREDICTION(
      View.PREDICTIONS,
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
      View.PREDICTIONS,
      "/predictions/{symbol}/errors",
      Paging.PARAMETERS,
      true,
      List.of(Tables.PREDICTIONS, Tables.BARS_1M, Tables.QUOTES_BY_DAY, Tables.QUOTE_DAYS)),
  MODELS(
      View.MODELS,
      "/models/{symbol}",
      List.of(),
      true,
      List.of(Tables.MODELS, Tables.SERVED_MODELS, Tables.PREDICTION_MONITOR)),
  STATUS(
      View.STATUS,
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
  CATALOG(View.STATUS, "/catalog", List.of(), true, List.of()),
  LIVE(null, "/health/live", List.of(), false, List.of()),
  READY(null, "/health/ready", List.of(), false, List.of()),
  METRICS(null, "/metrics", List.of(), false, List.of()),
  OPENAPI(null, "/openapi.json", List.of(), false, List.of()),
  PAGE(View.PAGE, "/", List.of(), false, List.of()),
  VENDOR(View.PAGE, "/vendor/{file}", List.of(), false, List.of());

  private final View view;
  private final String template;
  private final List<String> parameters;
  private final boolean authenticated;
  private final List<String> tables;

  /**
   * @param view the family it belongs to; null for an instance's own endpoints, which every
   *     instance serves
   */
  Endpoint(
      View view,
      String template,
      List<String> parameters,
      boolean authenticated,
      List<String> tables) {
    this.view = view;
    this.template = template;
    this.parameters = parameters;
    this.authenticated = authenticated;
    this.tables = tables;
  }

  /** The family of views it belongs to; empty for health, metrics and openapi.json. */
  Optional<View> view() {
    return Optional.ofNullable(view);
  }

  /** Whether an instance serving {@code views} serves it. */
  boolean servedBy(Set<View> views) {
    return view == null || views.contains(view);
  }

  /** The endpoint whose template is {@code template}. */
  static Optional<Endpoint> ofTemplate(String template) {
    return Arrays.stream(values()).filter(e -> e.template.equals(template)).findFirst();
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
