package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.smack.common.Quote;
import io.smack.localstack.Await;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP feed against a real HTTP server started here, which plays recorded answers, answers 500,
 * never answers, or answers an HTML page.
 */
@ExtendWith(LocalStackExtension.class)
class HttpFeedIT {

  /** Three polls of a quote endpoint: MSFT does not change after the first. */
  private static final List<String> RECORDED =
      List.of(
          """
          {"quotes":[{"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":189.23,"volume":100},
                     {"symbol":"MSFT","ts":"2026-11-23T14:30:00Z","price":410.5,"volume":50}]}""",
          """
          {"quotes":[{"symbol":"AAPL","ts":"2026-11-23T14:30:05Z","price":189.31,"volume":20},
                     {"symbol":"MSFT","ts":"2026-11-23T14:30:00Z","price":410.5,"volume":50}]}""",
          """
          {"quotes":[{"symbol":"AAPL","ts":"2026-11-23T14:30:05Z","price":189.31,"volume":20},
                     {"symbol":"MSFT","ts":"2026-11-23T14:30:00Z","price":410.5,"volume":50}]}""");

  private static ActorSystem system;
  private static ServerBinding feed;
  private static final AtomicInteger polls = new AtomicInteger();
  private static final AtomicInteger brokenCalls = new AtomicInteger();

  @BeforeAll
  static void startFeed() throws Exception {
    system = TestSystems.actorSystem("feed-it");
    feed =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(new RecordedFeed().routes())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopFeed() {
    system.terminate();
  }

  @Test
  void should_send_each_new_quote_of_the_feed_once(StackAddresses stack) throws Exception {
    // given
    CollectorIT.Run run =
        CollectorIT.Run.withCollector(stack, "feed", feedSource("feed", "recorded"));
    Collector collector = run.start(system);

    // when: the feed has been polled more times than it has answers
    Await.until(() -> polls.get() >= RECORDED.size() + 1, Duration.ofSeconds(30));
    collector.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);

    // then
    assertThat(run.quotes(3).stream().map(CollectorIT::decode))
        .extracting(Quote::symbol, q -> q.ts().toString(), Quote::price)
        .containsExactlyInAnyOrder(
            tuple("AAPL", "2026-11-23T14:30:00Z", 189.23),
            tuple("AAPL", "2026-11-23T14:30:05Z", 189.31),
            tuple("MSFT", "2026-11-23T14:30:00Z", 410.5));
  }

  @Test
  void should_keep_the_other_sources_running_when_a_feed_fails_hangs_or_answers_html(
      StackAddresses stack) throws Exception {
    // given
    String sources =
        """
        sources = "good, broken, hanging, html"
        restart { min-backoff = 300ms, max-backoff = 1s }
        source {
          good { type = simulator, symbols = "IBM:168.4", volatility = 0.3, drift = 0.05,
                 rate = 200, seed = 1, limit = 0 }
          %s
          %s
          %s
        }
        """
            .formatted(
                feedBlock("broken", "broken", "300ms"),
                feedBlock("hanging", "hang", "300ms"),
                feedBlock("html", "html", "300ms"));
    CollectorIT.Run run = CollectorIT.Run.withCollector(stack, "good", sources);
    Collector collector = run.start(system);
    Map<String, SourceHealth> health = byName(collector);

    // when: each bad feed has failed (or been refused) at least twice
    Await.until(
        () ->
            health.get("broken").snapshot().get("failures") instanceof Long f1
                && f1 >= 2
                && health.get("hanging").snapshot().get("failures") instanceof Long f2
                && f2 >= 1
                && health.get("html").rejected() >= 2,
        Duration.ofSeconds(30));
    long goodBefore = health.get("good").sent();
    Await.until(() -> health.get("good").sent() > goodBefore + 100, Duration.ofSeconds(30));
    collector.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);

    // then
    assertThat((String) health.get("broken").snapshot().get("last_error")).contains("answered 500");
    assertThat((String) health.get("hanging").snapshot().get("last_error")).contains("Timeout");
    assertThat(brokenCalls.get()).isGreaterThanOrEqualTo(4); // each failure retried once
    List<JsonNode> letters =
        run.deadLetters((int) health.get("html").rejected()).stream()
            .map(CollectorIT::json)
            .toList();
    assertThat(letters).hasSize((int) health.get("html").rejected());
    assertThat(letters)
        .allSatisfy(
            letter -> {
              assertThat(letter.get("source").asText()).isEqualTo("html");
              assertThat(letter.get("reason").asText()).isEqualTo("malformed");
              assertThat(letter.get("detail").asText()).contains("is not JSON");
              assertThat(letter.get("raw_text").asText()).startsWith("<html>");
            });
  }

  private static Map<String, SourceHealth> byName(Collector collector) {
    return collector.sources().stream()
        .collect(java.util.stream.Collectors.toMap(SourceHealth::name, s -> s));
  }

  private String feedSource(String name, String path) {
    return "sources = \"%s\"%n source { %s }".formatted(name, feedBlock(name, path, "5s"));
  }

  /**
   * A feed source; a cold first request can take a second, so only the failure tests time out fast.
   */
  private static String feedBlock(String name, String path, String requestTimeout) {
    return """
        %s { type = http, url = "http://127.0.0.1:%d/%s?symbols={symbols}", symbols = "AAPL,MSFT",
             interval = 150ms, format = json, records-path = quotes, delimiter = ",",
             symbol-field = symbol, time-field = ts, time-format = iso-instant, zone = UTC,
             price-field = price, volume-field = volume, request-timeout = %s,
             max-retries = 1, min-backoff = 50ms, max-backoff = 100ms, requests-per-second = 20 }
        """
        .formatted(name, feed.localAddress().getPort(), path, requestTimeout);
  }

  /** The feed's recorded answers, and its failure modes. */
  private static final class RecordedFeed extends AllDirectives {
    Route routes() {
      return concat(
          // extractRequest: its function runs per request, where a path's block runs once
          path(
              "recorded",
              () ->
                  extractRequest(
                      request -> {
                        int poll = polls.getAndIncrement();
                        String answer = RECORDED.get(Math.min(poll, RECORDED.size() - 1));
                        return complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, answer));
                      })),
          path(
              "broken",
              () ->
                  extractRequest(
                      request -> {
                        brokenCalls.incrementAndGet();
                        return complete(StatusCodes.INTERNAL_SERVER_ERROR, "boom");
                      })),
          path("hang", () -> onSuccess(new CompletableFuture<String>(), this::complete)),
          path(
              "html",
              () ->
                  complete(
                      HttpEntities.create(
                          ContentTypes.TEXT_HTML_UTF8,
                          "<html><body>Service Unavailable</body></html>"))));
    }
  }
}
