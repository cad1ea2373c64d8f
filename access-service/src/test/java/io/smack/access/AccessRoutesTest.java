package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.smack.common.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.AccessControlRequestMethod;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.headers.HttpOrigin;
import org.apache.pekko.http.javadsl.model.headers.Origin;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routes without a port and without Cassandra (its contact point refuses connections): every
 * error path answers JSON with the right status, and data endpoints answer 503 only once the
 * request is valid.
 */
class AccessRoutesTest {

  private static ActorSystem system;
  private static CassandraConnection cassandra;
  private static Route open;
  private static Route secured;

  @BeforeAll
  static void start() {
    system = testSystem("access-routes-test");
    AccessSettings settings = settings(Map.of());
    cassandra = CassandraConnection.open(settings, Json.MAPPER, new HttpMetrics());
    open = routes(settings);
    secured = routes(settings(Map.of("ACCESS_AUTH_TOKENS", "s3cret, other")));
  }

  @AfterAll
  static void stop() {
    cassandra.close();
    system.terminate();
  }

  @Test
  void should_answer_an_unknown_route_with_a_json_404() {
    Answer answer = get(open, "/nothing/here");
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.json().get("error").asText()).isEqualTo("not_found");
    assertThat(answer.json().get("detail").asText()).isNotBlank();
  }

  @Test
  void should_answer_a_wrong_method_with_a_json_405_naming_the_allowed_one() {
    HttpResponse response = run(open, HttpRequest.create("/symbols").withMethod(HttpMethods.POST));
    Answer answer = Answer.of(response, system);
    assertThat(answer.status()).isEqualTo(405);
    assertThat(answer.json().get("error").asText()).isEqualTo("method_not_allowed");
    assertThat(response.getHeader("Allow").orElseThrow().value()).isEqualTo("GET");
  }

  @Test
  void should_answer_bad_parameters_with_400_before_touching_cassandra() {
    assertError(get(open, "/quotes/aapl/latest"), 400, "bad_symbol");
    assertError(get(open, "/quotes/AAPL?from=yesterday"), 400, "bad_time");
    assertError(get(open, "/quotes/AAPL?from=2026-02-01&to=2026-01-01"), 400, "bad_range");
    assertError(get(open, "/bars/AAPL?limit=-1"), 400, "bad_limit");
    assertError(get(open, "/predictions/AAPL/errors?limit=1000000"), 400, "bad_limit");
    assertError(get(open, "/quotes/AAPL?cursor=abc"), 400, "bad_time");
    assertError(get(open, "/models/TOO-LONG-A-SYMBOL-NAME"), 400, "bad_symbol");
  }

  @Test
  void should_answer_valid_data_requests_with_503_while_cassandra_is_not_there() {
    for (String path :
        new String[] {
          "/symbols",
          "/quotes/AAPL",
          "/quotes/AAPL/latest",
          "/bars/AAPL",
          "/predictions/AAPL",
          "/predictions/AAPL/errors",
          "/models/AAPL"
        }) {
      Answer answer = get(open, path);
      assertThat(answer.status()).as(path).isEqualTo(503);
      assertThat(answer.json().get("error").asText()).as(path).isEqualTo("unavailable");
    }
    assertError(get(open, "/health/ready"), 503, null);
    assertThat(get(open, "/health/ready").json().get("status").asText()).isEqualTo("not ready");
    assertThat(get(open, "/health/live").status()).isEqualTo(200);
  }

  @Test
  void should_serve_its_views_only_and_name_the_family_of_the_others() {
    // given: an instance deployed for the latest quotes alone
    Route latest = routes(settings(Map.of("ACCESS_VIEWS", "latest")));

    // then: its view is served (503 here: Cassandra is not there) ...
    assertError(get(latest, "/quotes/AAPL/latest"), 503, "unavailable");
    // ... every other family answers 404 naming the family, before reading a parameter
    Answer bars = get(latest, "/bars/aapl?limit=-1");
    assertError(bars, 404, "not_served_here");
    assertThat(bars.json().get("detail").asText())
        .contains(
            "/bars/{symbol} is the bars view", "ACCESS_VIEWS=latest", "access-series serves it");
    for (String path : List.of("/symbols", "/quotes/AAPL", "/predictions/AAPL", "/status", "/")) {
      assertError(get(latest, path), 404, "not_served_here");
    }
    // ... and the instance's own endpoints stay
    assertThat(get(latest, "/health/live").status()).isEqualTo(200);
    assertThat(get(latest, "/metrics").status()).isEqualTo(200);
    List<String> described = new ArrayList<>();
    get(latest, "/openapi.json").json().get("paths").fieldNames().forEachRemaining(described::add);
    assertThat(described)
        .containsExactlyInAnyOrder(
            "/quotes/{symbol}/latest",
            "/health/live",
            "/health/ready",
            "/metrics",
            "/openapi.json");
    List<String> tags = new ArrayList<>();
    get(latest, "/openapi.json").json().get("tags").forEach(t -> tags.add(t.get("name").asText()));
    assertThat(tags).containsExactly("latest", "instance");
  }

  @Test
  void should_take_views_in_any_case_and_refuse_an_unknown_one_naming_the_known() {
    assertThat(settings(Map.of()).views()).containsExactlyInAnyOrder(View.values());
    assertThat(settings(Map.of("ACCESS_VIEWS", " Quotes, bars ")).views())
        .containsExactlyInAnyOrder(View.QUOTES, View.BARS);
    assertThatThrownBy(() -> settings(Map.of("ACCESS_VIEWS", "quotes,charts")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("'charts' is not a view")
        .hasMessageContaining("ACCESS_VIEWS")
        .hasMessageContaining("latest,quotes,bars,predictions,models,status,page");
    assertThatThrownBy(() -> settings(Map.of("ACCESS_VIEWS", " , ")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("names no view");
  }

  @Test
  void should_ask_for_a_token_when_tokens_are_set_and_leave_health_open() {
    Answer missing = get(secured, "/symbols");
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.json().get("error").asText()).isEqualTo("unauthorized");
    Answer wrong =
        Answer.of(
            run(secured, HttpRequest.GET("/symbols").addHeader(Authorization.oauth2("guessed"))),
            system);
    assertThat(wrong.status()).isEqualTo(401);
    Answer right =
        Answer.of(
            run(secured, HttpRequest.GET("/symbols").addHeader(Authorization.oauth2("other"))),
            system);
    assertThat(right.status()).isEqualTo(503); // through authentication, then no Cassandra
    assertThat(get(secured, "/health/live").status()).isEqualTo(200);
    assertThat(get(secured, "/metrics").status()).isEqualTo(200);
  }

  @Test
  void should_keep_the_errors_views_pages_smaller_than_the_others() {
    // the errors view looks up each prediction's outcome: its pages stop at errors-max-limit
    Answer errors = get(open, "/predictions/AAPL/errors?limit=501");
    assertThat(errors.status()).isEqualTo(400);
    assertThat(errors.json().get("detail").asText())
        .isEqualTo("limit 501 is not between 1 and 500");
    assertThat(get(open, "/predictions/AAPL/errors?limit=500").status()).isEqualTo(503);
    assertThat(get(open, "/quotes/AAPL?limit=501").status()).isEqualTo(503); // no Cassandra
  }

  @Test
  void should_take_tokens_from_a_file_a_secret_store_mounts(@TempDir Path dir) throws Exception {
    // given
    Path file = dir.resolve("tokens");
    Files.writeString(file, "# rotated 2026-12-05\nfrom-file\n\n  second  \n");
    Route route =
        routes(
            settings(Map.of("ACCESS_AUTH_TOKENS", "s3cret", "ACCESS_AUTH_TOKENS_FILE", "" + file)));

    // when / then
    for (String token : List.of("s3cret", "from-file", "second")) {
      Answer answer =
          Answer.of(
              run(route, HttpRequest.GET("/symbols").addHeader(Authorization.oauth2(token))),
              system);
      assertThat(answer.status()).as(token).isEqualTo(503); // through, then no Cassandra
    }
    Answer comment =
        Answer.of(
            run(
                route,
                HttpRequest.GET("/symbols")
                    .addHeader(Authorization.oauth2("# rotated 2026-12-05"))),
            system);
    assertThat(comment.status()).isEqualTo(401);
  }

  @Test
  void should_name_the_setting_when_the_tokens_file_cannot_be_read() {
    assertThatThrownBy(() -> settings(Map.of("ACCESS_AUTH_TOKENS_FILE", "/nonexistent/tokens")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.access.auth-tokens-file")
        .hasMessageContaining("/nonexistent/tokens");
  }

  @Test
  void should_refuse_a_speculative_delay_that_could_never_fire_before_the_timeout() {
    assertThatThrownBy(
            () ->
                settings(Map.of("ACCESS_SPECULATIVE_DELAY", "2s", "ACCESS_REQUEST_TIMEOUT", "2s")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.access.speculative-delay")
        .hasMessageContaining("request-timeout");
    assertThat(settings(Map.of("ACCESS_SPECULATIVE_DELAY", "0")).speculativeDelay()).isZero();
    assertThat(settings(Map.of()).speculativeDelay()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void should_count_requests_by_route_template_in_the_metrics() {
    // given
    get(open, "/quotes/IBM/latest");
    get(open, "/quotes/IBM/latest");
    get(open, "/no/such/route");

    // when
    String metrics = get(open, "/metrics").body();

    // then
    assertThat(metrics)
        .containsPattern(
            "access_requests_total\\{method=\"GET\",route=\"/quotes/\\{symbol\\}/latest\","
                + "status=\"503\"} [2-9]")
        .contains("route=\"rejected\",status=\"404\"")
        .contains("access_request_seconds_bucket{route=\"/quotes/{symbol}/latest\",le=\"0.001\"}");
  }

  @Test
  void should_count_a_client_by_the_forwarded_for_address_the_balancer_added_last()
      throws Exception {
    // given: a burst of 2, behind a balancer
    Route limited =
        routes(
            settings(
                Map.of(
                    "ACCESS_RATE_LIMIT", "0.01",
                    "ACCESS_RATE_LIMIT_BURST", "2",
                    "ACCESS_TRUST_FORWARDED_FOR", "true")));

    // when one client writes another X-Forwarded-For on each request, and the balancer adds the
    // client's address after it as a header of its own (HAProxy's option forwardfor)
    List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      HttpRequest request =
          HttpRequest.GET("/symbols")
              .withHeaders(List.of(forwardedFor("198.51.100." + i), forwardedFor("192.0.2.10")));
      statuses.add(run(limited, request).status().intValue());
    }
    // and another client claims to be 192.0.2.10, whose burst is spent, before the balancer's
    // address for it
    HttpRequest spoofing =
        HttpRequest.GET("/symbols")
            .addHeader(
                org.apache.pekko.http.javadsl.model.headers.XForwardedFor.create(
                    address("192.0.2.10"), address("192.0.2.11")));
    int other = run(limited, spoofing).status().intValue();

    // then the first client's burst is spent, and the other is counted as 192.0.2.11
    assertThat(statuses).containsExactly(503, 503, 429, 429);
    assertThat(other).isEqualTo(503);
  }

  private static org.apache.pekko.http.javadsl.model.headers.XForwardedFor forwardedFor(
      String address) throws java.net.UnknownHostException {
    return org.apache.pekko.http.javadsl.model.headers.XForwardedFor.create(address(address));
  }

  private static org.apache.pekko.http.javadsl.model.RemoteAddress address(String address)
      throws java.net.UnknownHostException {
    return org.apache.pekko.http.javadsl.model.RemoteAddress.create(
        java.net.InetAddress.getByName(address));
  }

  /** An actor system that, unlike the service's, does not end the JVM when it terminates. */
  @Test
  void should_answer_429_with_retry_after_once_a_client_has_used_its_burst() {
    // given: 1 request a second, 2 at once
    Route limited =
        routes(settings(Map.of("ACCESS_RATE_LIMIT", "1", "ACCESS_RATE_LIMIT_BURST", "2")));

    // when
    HttpResponse first = run(limited, HttpRequest.GET("/symbols"));
    HttpResponse second = run(limited, HttpRequest.GET("/quotes/AAPL/latest"));
    HttpResponse third = run(limited, HttpRequest.GET("/symbols"));

    // then: the first two reach the endpoint (503: no Cassandra here), the third is refused
    assertThat(first.status().intValue()).isEqualTo(503);
    assertThat(second.status().intValue()).isEqualTo(503);
    Answer refused = Answer.of(third, system);
    assertError(refused, 429, "rate_limited");
    assertThat(third.getHeader("Retry-After").orElseThrow().value()).isEqualTo("1");
    // health stays open to the load balancer's checks
    for (int i = 0; i < 5; i++) {
      assertThat(get(limited, "/health/live").status()).isEqualTo(200);
    }
  }

  @Test
  void should_give_cors_headers_to_the_configured_origins_only() {
    // given
    Route none = open;
    Route some =
        routes(settings(Map.of("ACCESS_CORS_ALLOWED_ORIGINS", "https://dash.example.com")));
    HttpRequest fromDash =
        HttpRequest.GET("/health/live")
            .addHeader(Origin.create(HttpOrigin.parse("https://dash.example.com")));
    HttpRequest preflight =
        HttpRequest.create("/symbols")
            .withMethod(HttpMethods.OPTIONS)
            .addHeader(Origin.create(HttpOrigin.parse("https://dash.example.com")))
            .addHeader(AccessControlRequestMethod.create(HttpMethods.GET));
    HttpRequest fromElsewhere =
        HttpRequest.GET("/health/live")
            .addHeader(Origin.create(HttpOrigin.parse("https://evil.example")));

    // then: off by default, no header at all
    assertThat(run(none, fromDash).getHeader("Access-Control-Allow-Origin")).isEmpty();
    // on: the origin named, its preflight answered, another origin refused with a JSON 400
    assertThat(run(some, fromDash).getHeader("Access-Control-Allow-Origin").orElseThrow().value())
        .isEqualTo("https://dash.example.com");
    HttpResponse answered = run(some, preflight);
    assertThat(answered.status().intValue()).isEqualTo(200);
    assertThat(answered.getHeader("Access-Control-Allow-Methods").orElseThrow().value())
        .contains("GET");
    assertError(Answer.of(run(some, fromElsewhere), system), 400, "bad_request");
  }

  static ActorSystem testSystem(String name) {
    return ActorSystem.create(
        name,
        ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
            .withFallback(ConfigFactory.load()));
  }

  static Route openRoutes() {
    return open;
  }

  static Answer get(Route route, String uri) {
    return Answer.of(run(route, HttpRequest.GET(uri)), system);
  }

  static HttpResponse run(Route route, HttpRequest request) {
    try {
      return route
          .seal()
          .handler(system)
          .apply(request)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no response to " + request.getUri(), e);
    }
  }

  private static void assertError(Answer answer, int status, String error) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).isEqualTo("application/json");
    if (error != null) {
      assertThat(answer.json().get("error").asText()).as(answer.body()).isEqualTo(error);
      assertThat(answer.json().get("detail").asText()).isNotBlank();
    }
  }

  private static Route routes(AccessSettings settings) {
    HttpMetrics metrics = new HttpMetrics();
    AccessService service =
        new AccessService(cassandra, settings, Clock.systemUTC(), system, metrics);
    return new AccessRoutes(service, cassandra, settings, metrics).routes();
  }

  static AccessSettings settings(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("CASSANDRA_CONTACT_POINTS", "127.0.0.1:9"); // refuses connections
    return AccessSettings.from(Settings.load(all));
  }

  /** A response read whole: status, content type and body. */
  record Answer(int status, String contentType, String body) {

    static Answer of(HttpResponse response, ActorSystem system) {
      try {
        String body =
            response
                .entity()
                .toStrict(5000, system)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .getData()
                .utf8String();
        return new Answer(
            response.status().intValue(),
            response.entity().getContentType().mediaType().toString(),
            body);
      } catch (Exception e) {
        throw new AssertionError("unreadable response", e);
      }
    }

    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }
}
