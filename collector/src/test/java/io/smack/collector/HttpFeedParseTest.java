package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.collector.Collected.Accepted;
import io.smack.collector.Collected.Rejected;
import io.smack.common.Quote;
import io.smack.common.Rejection.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpFeedParseTest {

  private static final Instant NOW = Instant.parse("2026-11-23T15:00:00Z");

  private static HttpFeed feed(String format, String recordsPath, String timeFormat) {
    return new HttpFeed(
        new HttpFeed.Settings(
            "feed",
            "http://127.0.0.1:1/q?s={symbols}",
            List.of("AAPL", "MSFT"),
            Duration.ofSeconds(1),
            format,
            recordsPath,
            ',',
            new FieldMapping(
                Optional.of("symbol"),
                Optional.empty(),
                "ts",
                timeFormat,
                ZoneOffset.UTC,
                "price",
                Optional.of("volume"),
                Duration.ofMinutes(5),
                Optional.empty()),
            Duration.ofSeconds(1),
            1,
            Duration.ofMillis(10),
            Duration.ofMillis(10),
            10),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void should_map_the_records_of_a_json_answer_by_the_configured_fields() {
    // given
    String answer =
        """
        {"data": {"quotes": [
          {"symbol": "AAPL", "ts": 1795444200000, "price": 189.23, "volume": 1200, "bid": 189.2},
          {"symbol": "MSFT", "ts": 1795444200500, "price": "410.5", "volume": 300}
        ]}}
        """;

    // when
    List<Collected> collected =
        feed("json", "data.quotes", "epoch-millis").parse("u", bytes(answer));

    // then
    assertThat(collected)
        .containsExactly(
            new Accepted(
                "feed",
                new Quote("AAPL", Instant.ofEpochMilli(1795444200000L), 189.23, 1200, "feed")),
            new Accepted(
                "feed",
                new Quote("MSFT", Instant.ofEpochMilli(1795444200500L), 410.5, 300, "feed")));
  }

  @Test
  void should_map_a_csv_answer() {
    // given
    String answer = "symbol,ts,price,volume\nAAPL,2026-11-23T14:30:00Z,189.23,1200\n";

    // when
    List<Collected> collected = feed("csv", "", "iso-instant").parse("u", bytes(answer));

    // then
    assertThat(collected)
        .containsExactly(
            new Accepted(
                "feed",
                new Quote("AAPL", Instant.parse("2026-11-23T14:30:00Z"), 189.23, 1200, "feed")));
  }

  @Test
  void should_turn_an_html_answer_into_one_dead_letter() {
    // given
    String html = "<html><body>502 Bad Gateway</body></html>";

    // when
    List<Collected> collected = feed("json", "", "iso-instant").parse("http://feed/q", bytes(html));

    // then
    assertThat(collected).hasSize(1);
    Rejected rejected = (Rejected) collected.get(0);
    assertThat(rejected.letter().rejection().reason()).isEqualTo(Reason.MALFORMED);
    assertThat(rejected.letter().rejection().detail())
        .startsWith("the answer of http://feed/q is not JSON");
    assertThat(rejected.letter().raw()).isEqualTo(bytes(html));
  }

  @Test
  void should_reject_each_bad_record_and_keep_the_good_ones() {
    // given
    String answer =
        """
        [{"symbol": "AAPL", "ts": "2026-11-23T14:30:00Z", "price": -1, "volume": 1},
         {"symbol": "AAPL", "ts": "yesterday", "price": 1, "volume": 1},
         {"symbol": "AAPL", "ts": "2026-11-23T14:30:01Z", "price": 189.3, "volume": 5}]
        """;

    // when
    List<Collected> collected = feed("json", "", "iso-instant").parse("u", bytes(answer));

    // then
    assertThat(collected)
        .extracting(
            c ->
                c instanceof Rejected r
                    ? r.letter().rejection().reason().name()
                    : ((Accepted) c).quote().price())
        .containsExactly("BAD_PRICE", "BAD_TIMESTAMP", 189.3);
  }
}
