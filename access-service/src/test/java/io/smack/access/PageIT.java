package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.access.TestTables.Written;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client page at {@code /} in headless Chromium against the running service with data: the
 * page's script fetches the JSON API and draws the prices, the predictions and their error.
 * Skipped, loudly, where Chromium is not installed ({@code bin/smack test} installs it when it
 * can).
 */
@ExtendWith(LocalStackExtension.class)
class PageIT {

  private static final Logger LOG = LoggerFactory.getLogger(PageIT.class);
  private static final Instant START = Instant.parse("2026-11-23T14:00:00Z");
  private static final int QUOTES = 60;
  private static final int RECORDED = 5;

  private static TestTables tables;
  private static RunningService service;
  private static ApiClient api;
  private static int port;

  @BeforeAll
  static void start(StackAddresses stack) throws InterruptedException {
    String keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    tables = new TestTables(stack, keyspace);
    for (int i = 0; i < QUOTES; i++) {
      tables.quote(
          new Written("PAGE", START.plusSeconds(60L * i), 100 + Math.sin(i / 5.0) * 2, 10));
    }
    tables.model("PAGE", 1, ForecastTest.MODEL, true);
    // predictions recorded earlier, each followed by a quote: each has its error
    for (int i = 0; i < RECORDED; i++) {
      Instant asOf = START.plusSeconds(60L * (40 + i));
      tables.prediction("PAGE", asOf, asOf.plusSeconds(60), 101 + i * 0.1, 1);
    }
    service = RunningService.start(stack, keyspace, Map.of());
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
  void should_draw_prices_predictions_and_their_error_in_a_browser() throws Exception {
    // given
    Optional<String> chromium = chromium();
    if (chromium.isEmpty()) {
      LOG.warn(
          "SKIPPED: the client page test needs Chromium (Debian package chromium);"
              + " bin/smack test installs it when it runs as root");
    }
    Assumptions.assumeTrue(chromium.isPresent(), "Chromium is not installed: page test SKIPPED");
    assertThat(api.get("/").contentType()).startsWith("text/html");

    // when: the page loads, fetches the API and draws
    String dom = render(chromium.get(), "http://127.0.0.1:" + port + "/?symbol=PAGE");

    // then: every quote a point, the recorded predictions and the live one, an error per
    // recorded prediction (the live one has no next quote yet)
    assertThat(count(dom, "price-point")).as(dom).isEqualTo(QUOTES);
    assertThat(count(dom, "prediction-point")).isEqualTo(RECORDED + 2);
    assertThat(count(dom, "error-point")).isEqualTo(RECORDED);
    assertThat(count(dom, "error-line")).isEqualTo(1);
    assertThat(dom).contains("5 predictions with their error").contains("(model v1)");
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

  private static int count(String dom, String className) {
    Matcher matcher = Pattern.compile("class=\"" + className + "\"").matcher(dom);
    int n = 0;
    while (matcher.find()) {
      n++;
    }
    return n;
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
