package io.smack.access;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Ticker;
import com.typesafe.config.ConfigFactory;
import io.smack.access.RequestParameters.TimeRange;
import io.smack.access.Views.Health;
import io.smack.common.AccessServices;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.cors.javadsl.CorsDirectives;
import org.apache.pekko.http.cors.javadsl.settings.CorsSettings;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.headers.XForwardedFor;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import scala.concurrent.duration.FiniteDuration;

/**
 * The API's routes (the table of {@link Endpoint}): path directives outermost, one fragment per
 * resource. Each endpoint is measured and its errors answered by {@link ApiErrors}; requests are
 * timed out with a JSON 503; data endpoints sit behind the per-client rate limit and the bearer
 * token when those are set; CORS headers are given (by Pekko HTTP's CORS module) to the configured
 * origins only.
 */
final class AccessRoutes extends AllDirectives {

  private final AccessService service;
  private final CassandraConnection cassandra;
  private final AccessSettings settings;
  private final HttpMetrics metrics;
  private final ExceptionHandler errors;
  private final byte[] openApi;
  private final byte[] page = resource("page/index.html");

  /** The page's scripts, by file name: the charting library vendored at build time. */
  private final Map<String, byte[]> vendor =
      Map.of(
          "vega.min.js", resource("page/vendor/vega.min.js"),
          "vega-lite.min.js", resource("page/vendor/vega-lite.min.js"));

  private final RateLimiter limiter;

  AccessRoutes(
      AccessService service,
      CassandraConnection cassandra,
      AccessSettings settings,
      HttpMetrics metrics) {
    this.service = service;
    this.cassandra = cassandra;
    this.settings = settings;
    this.metrics = metrics;
    this.errors = ApiErrors.exceptions(metrics);
    this.openApi = described(resource("openapi.json"), settings.views());
    this.limiter =
        settings
            .rateLimit()
            .map(
                limit ->
                    new RateLimiter(
                        limit.perSecond(), limit.burst(), MAX_CLIENTS, Ticker.systemTicker()))
            .orElse(null);
  }

  /** Clients whose rate is tracked at once, at most; the least recent go first. */
  private static final long MAX_CLIENTS = 100_000;

  Route routes() {
    FiniteDuration timeout =
        FiniteDuration.fromNanos(settings.requestTimeout().plusSeconds(1).toNanos());
    Supplier<Route> api =
        () ->
            withRequestTimeout(
                timeout,
                request -> ApiErrors.timeout(),
                () -> rejectionsAsJson(() -> concat(data(), health())));
    if (settings.corsOrigins().isEmpty()) {
      return api.get();
    }
    // a preflight or a request from an origin not allowed is refused before the API (400, JSON)
    return handleRejections(
        CorsDirectives.corsRejectionHandler().mapRejectionResponse(ApiErrors::asJson),
        () -> CorsDirectives.cors(cors(settings.corsOrigins()), api));
  }

  /** Pekko HTTP's CORS settings for {@code origins}: GET and HEAD, the bearer token, no cookies. */
  private static CorsSettings cors(List<String> origins) {
    return CorsSettings.create(
        ConfigFactory.parseMap(
                Map.of(
                    "pekko.http.cors.allowed-origins",
                    origins.contains("*") ? "*" : origins,
                    "pekko.http.cors.allow-credentials",
                    false,
                    "pekko.http.cors.allowed-methods",
                    List.of("GET", "HEAD", "OPTIONS"),
                    "pekko.http.cors.allowed-headers",
                    List.of("Authorization"),
                    "pekko.http.cors.exposed-headers",
                    List.of("Retry-After")))
            .withFallback(ConfigFactory.defaultReference()));
  }

  private Route health() {
    return concat(
        pathPrefix(
            "health",
            () ->
                concat(
                    path(
                        "live",
                        () -> endpoint(Endpoint.LIVE, () -> complete(new Health("ok", null)))),
                    path(
                        "ready",
                        () ->
                            endpoint(
                                Endpoint.READY,
                                () -> {
                                  String problem = cassandra.problem();
                                  return problem == null
                                      ? complete(new Health("ready", null))
                                      : complete(
                                          StatusCodes.SERVICE_UNAVAILABLE,
                                          new Health("not ready", problem),
                                          Json.marshaller());
                                })))),
        path(
            "metrics",
            () ->
                endpoint(
                    Endpoint.METRICS,
                    () ->
                        complete(
                            HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.text())))),
        pathSingleSlash(
            () ->
                endpoint(
                    Endpoint.PAGE,
                    () -> complete(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, page)))),
        pathPrefix(
            "vendor",
            () ->
                path(
                    segment(),
                    file ->
                        endpoint(
                            Endpoint.VENDOR,
                            () -> {
                              byte[] script = vendor.get(file);
                              if (script == null) {
                                throw ApiException.notFound(
                                    "no_such_file", "no file " + file + "; " + vendor.keySet());
                              }
                              return respondWithHeader(
                                  CacheControl.create(
                                      CacheDirectives.PUBLIC, CacheDirectives.MAX_AGE(86_400)),
                                  () ->
                                      complete(
                                          HttpEntities.create(
                                              ContentTypes.create(
                                                  MediaTypes.APPLICATION_JAVASCRIPT,
                                                  HttpCharsets.UTF_8),
                                              script)));
                            }))),
        path(
            "openapi.json",
            () ->
                endpoint(
                    Endpoint.OPENAPI,
                    () -> complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, openApi)))));
  }

  private Route data() {
    return authenticated(this::dataEndpoints);
  }

  private Route dataEndpoints() {
    return concat(
        path("symbols", () -> endpoint(Endpoint.SYMBOLS, () -> answer(service.symbols()))),
        path("status", () -> endpoint(Endpoint.STATUS, this::status)),
        path("catalog", () -> endpoint(Endpoint.CATALOG, () -> answer(service.catalog()))),
        pathPrefix(
            "quotes",
            () ->
                pathPrefix(
                    segment(),
                    symbol ->
                        concat(
                            pathEnd(
                                () ->
                                    endpoint(
                                        Endpoint.QUOTES, () -> ranged(symbol, service::quotes))),
                            path(
                                "latest",
                                () ->
                                    endpoint(
                                        Endpoint.LATEST_QUOTE,
                                        () -> answer(service.latest(symbol(symbol)))))))),
        pathPrefix(
            "bars",
            () ->
                path(
                    segment(),
                    symbol -> endpoint(Endpoint.BARS, () -> ranged(symbol, service::bars)))),
        pathPrefix(
            "features",
            () ->
                path(
                    segment(),
                    symbol ->
                        endpoint(Endpoint.FEATURES, () -> ranged(symbol, service::features)))),
        pathPrefix(
            "predictions",
            () ->
                pathPrefix(
                    segment(),
                    symbol ->
                        concat(
                            pathEnd(
                                () ->
                                    endpoint(
                                        Endpoint.PREDICTION,
                                        () -> answer(service.predict(symbol(symbol))))),
                            path(
                                "errors",
                                () ->
                                    endpoint(
                                        Endpoint.PREDICTION_ERRORS,
                                        () ->
                                            ranged(
                                                symbol,
                                                service::errors,
                                                settings.errorsMaxLimit())))))),
        pathPrefix(
            "models",
            () ->
                path(
                    segment(),
                    symbol ->
                        endpoint(Endpoint.MODELS, () -> answer(service.models(symbol(symbol)))))));
  }

  /**
   * 200 with the verdict, or 503 with verdict down when Cassandra does not answer (or is not
   * ready); any other failure is a 500 with an error id, as every route's.
   */
  private Route status() {
    return onComplete(
        () -> {
          try {
            return service.status();
          } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
          }
        },
        result -> {
          if (result.isSuccess()) {
            return complete(StatusCodes.OK, result.get(), Json.marshaller());
          }
          Throwable failure = result.failed().get();
          String down =
              failure instanceof ApiException api
                      && api.status().equals(StatusCodes.SERVICE_UNAVAILABLE)
                  ? api.detail()
                  : ApiErrors.unavailable(failure) ? ApiErrors.unavailableDetail(failure) : null;
          if (down == null) {
            return complete(ApiErrors.of(failure, metrics));
          }
          return complete(
              StatusCodes.SERVICE_UNAVAILABLE,
              new Views.Status("down", down, Instant.now(), null, List.of()),
              Json.marshaller());
        });
  }

  /** A paged time range of a symbol: {@code ?from=&to=&limit=&cursor=}. */
  private <T> Route ranged(String symbol, RangeQuery<T> query) {
    return ranged(symbol, query, settings.maxLimit());
  }

  /** As {@link #ranged(String, RangeQuery)}, with at most {@code maxLimit} rows per page. */
  private <T> Route ranged(String symbol, RangeQuery<T> query, int maxLimit) {
    return parameterOptional(
        "from",
        from ->
            parameterOptional(
                "to",
                to ->
                    parameterOptional(
                        "cursor",
                        cursor ->
                            parameterOptional(
                                "limit",
                                limit -> {
                                  String checked = symbol(symbol);
                                  TimeRange range =
                                      RequestParameters.range(
                                          from,
                                          to,
                                          cursor,
                                          limit,
                                          settings.defaultLimit(),
                                          maxLimit);
                                  return answer(query.read(checked, range));
                                }))));
  }

  /**
   * A GET endpoint: measured under its template, its failures answered as JSON; a 404 naming its
   * family when this instance does not serve that family ({@code ACCESS_VIEWS}).
   */
  private Route endpoint(Endpoint endpoint, Supplier<Route> served) {
    Supplier<Route> inner =
        endpoint.servedBy(settings.views()) ? served : () -> complete(notServedHere(endpoint));
    return get(
        () ->
            extractRequestContext(
                context -> {
                  long start = System.nanoTime();
                  String method = context.getRequest().method().value();
                  return mapResponse(
                      response -> {
                        metrics.request(
                            endpoint.template(), method, response.status().intValue(), start);
                        return response;
                      },
                      () ->
                          endpoint.authenticated()
                              ? rateLimited(() -> handleExceptions(errors, inner))
                              : handleExceptions(errors, inner));
                }));
  }

  private HttpResponse notServedHere(Endpoint endpoint) {
    String view = endpoint.view().orElseThrow().setting();
    return ApiErrors.response(
        StatusCodes.NOT_FOUND,
        "not_served_here",
        endpoint.template()
            + " is the "
            + view
            + " view, which this access service does not serve (ACCESS_VIEWS="
            + View.names(settings.views())
            + "); "
            + AccessServices.serving(view)
                .map(s -> s.name() + " serves it, and the balancer routes it there")
                .orElse("the balancer routes it to the service of the " + view + " view"));
  }

  /**
   * The OpenAPI description with the paths this instance serves, those of its views and the
   * instance's own, and the tags of those families.
   */
  private static byte[] described(byte[] spec, Set<View> views) {
    try {
      ObjectNode description = (ObjectNode) Json.MAPPER.readTree(spec);
      ObjectNode paths = (ObjectNode) description.get("paths");
      List<String> others = new ArrayList<>();
      paths
          .fieldNames()
          .forEachRemaining(
              path -> {
                if (!Endpoint.ofTemplate(path).map(e -> e.servedBy(views)).orElse(true)) {
                  others.add(path);
                }
              });
      paths.remove(others);
      // the groups of operations (one tag per family) it still has
      ArrayNode tags = (ArrayNode) description.get("tags");
      for (int i = tags.size() - 1; i >= 0; i--) {
        String family = tags.get(i).get("name").asText();
        if (Arrays.stream(View.values())
            .anyMatch(v -> v.setting().equals(family) && !views.contains(v))) {
          tags.remove(i);
        }
      }
      return Json.MAPPER.writeValueAsBytes(description);
    } catch (IOException e) {
      throw new UncheckedIOException("openapi.json in the service's jar is not JSON", e);
    }
  }

  /**
   * Answers what no endpoint took (unknown path 404, wrong method 405, no token 401) as JSON, and
   * counts it under one route label.
   */
  private Route rejectionsAsJson(Supplier<Route> inner) {
    return extractRequestContext(
        context -> {
          long start = System.nanoTime();
          String method = context.getRequest().method().value();
          return handleRejections(
              ApiErrors.rejections()
                  .mapRejectionResponse(
                      response -> {
                        metrics.request(
                            HttpMetrics.REJECTED, method, response.status().intValue(), start);
                        return response;
                      }),
              inner);
        });
  }

  /**
   * 429 with {@code Retry-After} once the client has used its allowance ({@code rate-limit}); the
   * client is its address, or the last {@code X-Forwarded-For} address behind a load balancer.
   */
  private Route rateLimited(Supplier<Route> inner) {
    if (limiter == null) {
      return inner.get();
    }
    return extractRequest(
        request -> {
          String client = client(request);
          RateLimiter.Verdict verdict = limiter.take(client);
          if (verdict.allowed()) {
            return inner.get();
          }
          return complete(
              ApiErrors.response(
                      StatusCodes.TOO_MANY_REQUESTS,
                      "rate_limited",
                      "more than "
                          + settings.rateLimit().orElseThrow().perSecond()
                          + " requests a second from "
                          + client
                          + "; retry after "
                          + verdict.retryAfterSeconds()
                          + " s")
                  .addHeader(RetryAfter.create(verdict.retryAfterSeconds())));
        });
  }

  /**
   * The client a request counts against. Behind the balancer, the last {@code X-Forwarded-For}
   * address: HAProxy's {@code option forwardfor} (marathon-lb's too) adds the address it saw as a
   * header of its own after any the client wrote, so only the last one is the balancer's word; the
   * ones before it are whatever the client chose to send.
   */
  private String client(HttpRequest request) {
    if (settings.rateLimit().orElseThrow().trustForwardedFor()) {
      RemoteAddress last = null;
      for (HttpHeader header : request.getHeaders()) {
        if (header instanceof XForwardedFor forwarded) {
          for (RemoteAddress address : forwarded.getAddresses()) {
            last = address;
          }
        }
      }
      if (last != null) {
        return last.getAddress().map(InetAddress::getHostAddress).orElse("unknown");
      }
    }
    return request
        .getAttribute(AttributeKeys.remoteAddress)
        .flatMap(RemoteAddress::getAddress)
        .map(InetAddress::getHostAddress)
        .orElse("unknown");
  }

  private Route authenticated(Supplier<Route> inner) {
    if (!settings.authenticationOn()) {
      return inner.get();
    }
    return authenticateOAuth2(
        "smack",
        credentials -> credentials.filter(c -> settings.authTokens().stream().anyMatch(c::verify)),
        token -> inner.get());
  }

  private <T> Route answer(CompletionStage<T> answer) {
    return onSuccess(answer, value -> complete(StatusCodes.OK, value, Json.marshaller()));
  }

  private Route complete(Health health) {
    return complete(StatusCodes.OK, health, Json.marshaller());
  }

  private static String symbol(String text) {
    return RequestParameters.symbol(text);
  }

  @FunctionalInterface
  private interface RangeQuery<T> {
    CompletionStage<T> read(String symbol, TimeRange range);
  }

  private static byte[] resource(String name) {
    try (InputStream in = AccessRoutes.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the service's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + name + " failed", e);
    }
  }
}
