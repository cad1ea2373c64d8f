package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.access.TestTables.Written;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import io.smack.localstack.TestTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard at {@code /} in headless Chromium against the running service with data, as a
 * person sees it: the charts' axis titles and tick labels, the legends, a point per bar and per
 * streamed prediction, the rolling errors, the served model and the verdict, and the messages for
 * an unknown symbol and a symbol without a model. Skipped, loudly, where Chromium is not installed
 * ({@code bin/smack test} installs it when it can).
 */
@ExtendWith(LocalStackExtension.class)
class PageIT {

  private static final Instant START = Instant.parse("2026-11-23T14:00:00Z");
  private static final int BARS = 60;
  private static final int PREDICTED = 40;
  private static final int ROLLING = 30;

  private static final String REASON =
      "linear_regression: the lowest walk-forward rmse of the families beating naive by 0.5 %";

  /** A walk-forward table as the training job stores it: random_forest skipped, drift losing. */
  private static final String EVALUATION =
      """
      {"served": "linear_regression", "reason": "%s", "params": {"reg_param": 0.01},
       "folds": [{"index": 1, "trainTo": 100, "testFrom": 102, "testTo": 120}],
       "families": [
        {"family": "linear_regression", "rmse": 0.9, "mae": 0.7, "rmseVsNaive": -0.1,
         "maeVsNaive": -0.125, "beatsNaive": true, "folds": [], "skipped": null},
        {"family": "gradient_boosted_trees", "rmse": 0.95, "mae": 0.78, "rmseVsNaive": -0.05,
         "maeVsNaive": -0.025, "beatsNaive": true, "folds": [], "skipped": null},
        {"family": "random_forest", "rmse": null, "mae": null, "rmseVsNaive": null,
         "maeVsNaive": null, "beatsNaive": false, "folds": [], "skipped": "fold 1: <b>boom</b>"},
        {"family": "drift", "rmse": 1.01, "mae": 0.81, "rmseVsNaive": 0.01,
         "maeVsNaive": 0.0125, "beatsNaive": false, "folds": [], "skipped": null},
        {"family": "naive", "rmse": 1.0, "mae": 0.8, "rmseVsNaive": 0.0,
         "maeVsNaive": 0.0, "beatsNaive": false, "folds": [], "skipped": null}]}
      """
          .formatted(REASON);

  private static TestTables tables;
  private static RunningService service;
  private static ApiClient api;
  private static int port;
  private static String keyspace;

  @BeforeAll
  static void start(StackAddresses stack) throws InterruptedException {
    keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    tables = new TestTables(stack, keyspace);
    // 60 one-minute bars, the streamed predictions of the last 40 finished ones, each with its
    // outcome but the newest's
    for (int i = 0; i < BARS; i++) {
      double close = 100 + Math.sin(i / 5.0) * 2;
      tables.quote(new Written("PAGE", START.plusSeconds(60L * i + 30), close, 10));
      tables.bar("PAGE", START.plusSeconds(60L * i), close, 10, 1);
    }
    for (int i = BARS - 1 - PREDICTED; i < BARS - 1; i++) {
      double close = 100 + Math.sin(i / 5.0) * 2;
      Double next = i + 1 < BARS - 1 ? 100 + Math.sin((i + 1) / 5.0) * 2 : null;
      tables.streamedPrediction("PAGE", START.plusSeconds(60L * i), close + 0.1, close, next, 1);
    }
    tables.model("PAGE", 1, ForecastTest.MODEL, true, REASON, EVALUATION);
    tables.quote(new Written("BARE", START, 50, 1));
    tables.bar("BARE", START, 50, 1, 1);
    service = RunningService.start(stack, keyspace, Map.of("PREDICTIONS", "stream"));
    port = service.port();
    api = service.api();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    if (tables != null) {
      tables.close();
    }
  }

  @Test
  void should_draw_closes_predictions_and_rolling_errors_with_axes_legends_and_the_model()
      throws Exception {
    // given
    String chromium = chromiumOrSkip();
    assertThat(api.get("/").contentType()).startsWith("text/html");
    assertThat(api.get("/vendor/vega.min.js").status()).isEqualTo(200);

    // when: the page loads its scripts from the service, fetches the API and draws
    String dom = render(chromium, "http://127.0.0.1:" + port + "/?symbol=PAGE");

    // then: a point per bar and per prediction on one time axis, titled and labelled
    assertThat(marks(dom, "closes_marks")).as(dom).isEqualTo(BARS);
    assertThat(marks(dom, "predictions_marks")).isEqualTo(PREDICTED);
    assertThat(texts(dom, "role-axis-title"))
        .contains("time (UTC)", "price", "RMSE of the last " + ROLLING + " predictions");
    List<String> ticks = texts(dom, "role-axis-label");
    assertThat(ticks).contains("14:10", "14:30", "14:50");
    assertThat(ticks.stream().filter(t -> t.matches("\\d+(\\.\\d+)?")).count())
        .as("labelled ticks on the price axis: %s", ticks)
        .isGreaterThanOrEqualTo(3);
    assertThat(texts(dom, "role-legend-label"))
        .contains("1-minute close", "predicted close", "model", "naive (next = last)");
    // the rolling error of the 39 outcomes (over fewer than 30 at first), for each forecast
    assertThat(marks(dom, "rolling_marks")).isEqualTo(2 * (PREDICTED - 1));
    assertThat(dom).contains("version 1 (linear_regression)").contains(REASON);
    // the walk-forward table: a row per family, the served one marked, stored text as text
    assertThat(dom)
        .contains(
            "<tr data-family=\"linear_regression\" class=\"served\"><td>linear_regression</td><td>0.90000</td><td>-10.00 %</td><td>0.70000</td><td>-12.50 %</td><td>yes</td></tr>")
        .contains("<td>drift</td><td>1.0100</td><td>+1.00 %</td>")
        .contains("<td>skipped: fold 1: &lt;b&gt;boom&lt;/b&gt;</td>")
        .doesNotContain("<b>boom</b>");
    assertThat(dom.split("<tr data-family=", -1)).hasSize(6);
    assertThat(dom).contains("id=\"verdict\"");
    assertThat(message(dom)).isEmpty();
  }

  @Test
  void should_ask_for_a_bearer_token_where_the_api_wants_one_and_draw_with_it(StackAddresses stack)
      throws Exception {
    // given: the same data behind a service that asks for a token
    String chromium = chromiumOrSkip();
    try (RunningService secured =
        RunningService.start(
            stack,
            keyspace,
            Map.of("PREDICTIONS", "stream", "ACCESS_AUTH_TOKENS", "page-token-7f3a"))) {
      String page = "http://127.0.0.1:" + secured.port() + "/?symbol=PAGE";

      // when: opened without a token, then with one (as the form keeps it: for the tab)
      String asked = render(chromium, page);
      String drawn = render(chromium, page + "#token=page-token-7f3a");

      // then: the form and why, nothing drawn; with the token, the charts
      assertThat(message(asked)).isEqualTo("The API answered 401: a token is needed.");
      assertThat(asked).contains("id=\"login\"").doesNotContain("<svg");
      assertThat(asked).doesNotContainPattern("<form id=\"login\" hidden");
      assertThat(marks(drawn, "closes_marks")).as(drawn).isEqualTo(BARS);
      assertThat(message(drawn)).isEmpty();
      assertThat(drawn).containsPattern("<form id=\"login\" hidden");
    }
  }

  @Test
  void should_say_when_a_symbol_is_unknown_and_draw_nothing() throws Exception {
    String dom = render(chromiumOrSkip(), "http://127.0.0.1:" + port + "/?symbol=ZZZ");

    assertThat(message(dom)).isEqualTo("No quotes of ZZZ: unknown symbol.");
    assertThat(dom).doesNotContain("<svg");
  }

  @Test
  void should_say_when_a_symbol_has_no_model_and_still_draw_its_closes() throws Exception {
    String dom = render(chromiumOrSkip(), "http://127.0.0.1:" + port + "/?symbol=BARE");

    assertThat(message(dom)).startsWith("no model of BARE yet");
    assertThat(marks(dom, "closes_marks")).isEqualTo(1);
    assertThat(marks(dom, "predictions_marks")).isZero();
  }

  private static String chromiumOrSkip() {
    return TestTools.required(
        "Chromium", chromium(), "Debian package chromium; bin/smack test installs it as root");
  }

  /** The marks Vega drew in the group of the named mark: one path per point. */
  private static int marks(String dom, String name) {
    Matcher group =
        Pattern.compile("<g class=\"mark-symbol role-mark " + name + "\"[^>]*>(.*?)</g>")
            .matcher(dom);
    int n = 0;
    while (group.find()) {
      Matcher path = Pattern.compile("<path ").matcher(group.group(1));
      while (path.find()) {
        n++;
      }
    }
    return n;
  }

  /** The texts of Vega's marks of a role, e.g. every axis title. */
  private static List<String> texts(String dom, String role) {
    Matcher group =
        Pattern.compile(
                "<g class=\"mark-text role-" + role.substring(5) + "[^\"]*\"[^>]*>(.*?)</g>")
            .matcher(dom);
    List<String> texts = new ArrayList<>();
    while (group.find()) {
      Matcher text = Pattern.compile("<text[^>]*>([^<]*)</text>").matcher(group.group(1));
      while (text.find()) {
        texts.add(text.group(1));
      }
    }
    return texts;
  }

  private static String message(String dom) {
    Matcher message = Pattern.compile("<p id=\"message\" role=\"alert\">([^<]*)</p>").matcher(dom);
    assertThat(message.find()).as(dom).isTrue();
    return message.group(1);
  }

  /** The DOM after the page's script ran: headless Chromium with a budget of virtual time. */
  private static String render(String chromium, String url)
      throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium-profile");
    Process browser =
        new ProcessBuilder(
                List.of(
                    chromium,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--user-data-dir=" + profile,
                    "--virtual-time-budget=4000",
                    "--dump-dom",
                    url))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!browser.waitFor(60, TimeUnit.SECONDS)) {
      browser.destroyForcibly();
      throw new AssertionError("Chromium did not finish within 60 s");
    }
    return dom;
  }

  private static Optional<String> chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      for (String name : List.of("chromium", "chromium-browser")) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return Optional.of(Path.of(dir, name).toString());
        }
      }
    }
    return Optional.empty();
  }
}
