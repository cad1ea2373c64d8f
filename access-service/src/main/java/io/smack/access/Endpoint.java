package io.smack.access;

import java.util.List;

/**
 * Every route of the API, as {@code openapi.json} names it: the path template, the query parameters
 * it reads and whether it sits behind authentication. Metrics label requests with the template, and
 * a test holds the OpenAPI description to this list.
 */
enum Endpoint {
  SYMBOLS("/symbols", List.of(), true),
  QUOTES("/quotes/{symbol}", Paging.PARAMETERS, true),
  LATEST_QUOTE("/quotes/{symbol}/latest", List.of(), true),
  BARS("/bars/{symbol}", Paging.PARAMETERS, true),
  FEATURES("/features/{symbol}", Paging.PARAMETERS, true),
  PREDICTION("/predictions/{symbol}", List.of(), true),
  PREDICTION_ERRORS("/predictions/{symbol}/errors", Paging.PARAMETERS, true),
  MODELS("/models/{symbol}", List.of(), true),
  STATUS("/status", List.of(), true),
  LIVE("/health/live", List.of(), false),
  READY("/health/ready", List.of(), false),
  METRICS("/metrics", List.of(), false),
  OPENAPI("/openapi.json", List.of(), false),
  PAGE("/", List.of(), false),
  VENDOR("/vendor/{file}", List.of(), false);

  private final String template;
  private final List<String> parameters;
  private final boolean authenticated;

  Endpoint(String template, List<String> parameters, boolean authenticated) {
    this.template = template;
    this.parameters = parameters;
    this.authenticated = authenticated;
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

  /**
   * The query parameters of a paged time range (in a class of its own: enum constants come first).
   */
  private static final class Paging {
    static final List<String> PARAMETERS = List.of("from", "to", "limit", "cursor");
  }
}
