package io.smack.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smack.common.Rejection.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuoteCodecTest {

  private static final Instant NOW = Instant.parse("2026-11-23T15:00:00Z");
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final Quote AAPL_AT_OPEN =
      new Quote("AAPL", Instant.parse("2026-11-23T14:30:00.125Z"), 189.23, 1200, "sim");

  @Test
  void should_write_the_documented_wire_form() {
    // when
    String json = new String(QuoteCodec.encode(AAPL_AT_OPEN), StandardCharsets.UTF_8);

    // then
    assertThat(json)
        .isEqualTo(
            "{\"v\":1,\"symbol\":\"AAPL\",\"ts\":\"2026-11-23T14:30:00.125Z\",\"price\":189.23,"
                + "\"volume\":1200,\"source\":\"sim\"}");
  }

  @Test
  void should_write_what_jacksons_generator_writes_for_any_quote() throws Exception {
    // given quotes of every era, precision, magnitude and source name
    SplittableRandom random = new SplittableRandom(7);
    ObjectMapper json = new ObjectMapper();
    String[] sources = {"sim", "stocks", "feed-1", "a \"quoted\" name", "caf\u00e9", "tab\there"};
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong(0, 253_402_300_800L);
      int nanos =
          switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          };
      double price = randomPrice(random);
      Quote quote =
          new Quote(
              "SYM" + random.nextInt(100),
              Instant.ofEpochSecond(seconds, nanos),
              price,
              random.nextLong(0, Long.MAX_VALUE),
              sources[random.nextInt(sources.length)]);

      // when
      byte[] fast = QuoteCodec.encode(quote);
      byte[] generated = QuoteCodec.encodeWithGenerator(quote);

      // then the same document; the price the same double (the digits of its shortest form may
      // differ from Java 17's Double.toString, which is not always the shortest)
      JsonNode a = json.readTree(fast);
      JsonNode b = json.readTree(generated);
      assertThat(a.get("price").doubleValue()).as(quote.toString()).isEqualTo(price);
      assertThat(((ObjectNode) a).without("price").toString())
          .as(quote.toString())
          .isEqualTo(((ObjectNode) b).without("price").toString());
      assertThat(a.get("ts").asText()).isEqualTo(quote.ts().toString());
    }
  }

  @Test
  void should_write_times_in_sequence_across_seconds_days_and_years() throws Exception {
    // given quotes 7 ms apart across a new year (the encoder keeps the last second's and day's
    // text), then one an hour back and one a year on
    ObjectMapper json = new ObjectMapper();
    Instant start = Instant.parse("2026-12-31T23:59:58.990Z");
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      times.add(start.plusMillis(7L * i));
    }
    times.add(start.minusSeconds(3600));
    times.add(start.plusSeconds(366L * 86_400).plusNanos(1));
    times.add(start);

    for (Instant ts : times) {
      // when
      byte[] bytes = QuoteCodec.encode(new Quote("AAPL", ts, 189.5, 1, "sim"));

      // then
      assertThat(json.readTree(bytes).get("ts").asText()).isEqualTo(ts.toString());
    }
  }

  @Test
  void should_write_each_price_in_its_shortest_form() {
    // given prices of any magnitude, most of them with at most four decimals as market prices have
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 200_000; i++) {
      double price = randomPrice(random);
      AsciiBytes out = new AsciiBytes(8);

      // when
      QuoteCodec.appendPrice(out, price);

      // then the digits of Jackson's shortest-form writer
      assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII))
          .as("%s", price)
          .isEqualTo(NumberOutput.toString(price, true));
    }
  }

  /** Any magnitude from e⁻²⁰ to e⁵⁰, two times in three rounded to between 0 and 4 decimals. */
  private static double randomPrice(SplittableRandom random) {
    double price = Math.exp(random.nextDouble(-20, 50));
    int decimals = random.nextInt(-2, 5);
    if (decimals < 0) {
      return price;
    }
    double scale = Math.pow(10, decimals);
    double rounded = Math.round(price * scale) / scale;
    return rounded > 0 ? rounded : price;
  }

  @Test
  void should_read_back_what_it_wrote() {
    // when
    Quote decoded = QuoteCodec.decode(QuoteCodec.encode(AAPL_AT_OPEN), NOW, SKEW);

    // then
    assertThat(decoded).isEqualTo(AAPL_AT_OPEN);
    assertThat(decoded.day()).isEqualTo(LocalDate.parse("2026-11-23"));
  }

  @Test
  void should_carry_a_periods_open_high_and_low_when_the_quote_has_them() throws Exception {
    // given: a daily row of vega-datasets' sp500-2000.csv
    Quote day =
        new Quote(
            "SPX",
            Instant.parse("2020-04-17T00:00:00Z"),
            2874.560059,
            5792140000L,
            "sp500",
            new Quote.Ohlc(2842.429932, 2879.219971, 2830.879883));

    // when
    byte[] fast = QuoteCodec.encode(day);

    // then: the documented fields, as the generator writes them, and back
    assertThat(new String(fast, StandardCharsets.UTF_8))
        .endsWith(
            ",\"source\":\"sp500\",\"open\":2842.429932,\"high\":2879.219971,\"low\":2830.879883}");
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(fast)).isEqualTo(json.readTree(QuoteCodec.encodeWithGenerator(day)));
    assertThat(QuoteCodec.decode(fast, NOW, SKEW)).isEqualTo(day);
  }

  @Test
  void should_ignore_unknown_fields() {
    // given
    String json =
        "{\"v\":1,\"symbol\":\"AAPL\",\"ts\":\"2026-11-23T14:30:00.125Z\",\"price\":189.23,"
            + "\"volume\":1200,\"source\":\"sim\",\"exchange\":\"XNAS\",\"bid\":{\"p\":1}}";

    // when
    Quote decoded = QuoteCodec.decode(json.getBytes(StandardCharsets.UTF_8), NOW, SKEW);

    // then
    assertThat(decoded).isEqualTo(AAPL_AT_OPEN);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          not JSON            | {"v":1,"symbol":                                                                         | MALFORMED           | not JSON
          an array            | [1,2]                                                                                    | MALFORMED           | expected a JSON object
          no version          | {"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":1,"volume":1,"source":"sim"}         | MISSING_FIELD       | v is missing
          version 2           | {"v":2,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":1,"volume":1,"source":"sim"}   | UNSUPPORTED_VERSION | v 2 is not the supported
          no symbol           | {"v":1,"ts":"2026-11-23T14:30:00Z","price":1,"volume":1,"source":"sim"}                   | MISSING_FIELD       | symbol is missing
          lower-case symbol   | {"v":1,"symbol":"aapl","ts":"2026-11-23T14:30:00Z","price":1,"volume":1,"source":"sim"}   | BAD_SYMBOL          | symbol 'aapl' does not match
          too long symbol     | {"v":1,"symbol":"ABCDEFGHIJKLMNOPQ","ts":"2026-11-23T14:30:00Z","price":1,"volume":1,"source":"sim"} | BAD_SYMBOL | does not match
          numeric symbol      | {"v":1,"symbol":42,"ts":"2026-11-23T14:30:00Z","price":1,"volume":1,"source":"sim"}       | BAD_SYMBOL          | symbol 42 is not a JSON string
          no ts               | {"v":1,"symbol":"AAPL","price":1,"volume":1,"source":"sim"}                              | MISSING_FIELD       | ts is missing
          date only           | {"v":1,"symbol":"AAPL","ts":"2026-11-23","price":1,"volume":1,"source":"sim"}             | BAD_TIMESTAMP       | ts '2026-11-23' is not an ISO-8601 instant
          before 1970         | {"v":1,"symbol":"AAPL","ts":"1969-12-31T23:59:59Z","price":1,"volume":1,"source":"sim"}   | BAD_TIMESTAMP       | is before 1970
          a day ahead         | {"v":1,"symbol":"AAPL","ts":"2026-11-24T15:00:00Z","price":1,"volume":1,"source":"sim"}   | FUTURE_TIMESTAMP    | is more than PT5M ahead of the receiving clock (2026-11-23T15:00:00Z
          5 min 1 ms ahead    | {"v":1,"symbol":"AAPL","ts":"2026-11-23T15:05:00.001Z","price":1,"volume":1,"source":"sim"} | FUTURE_TIMESTAMP  | ts 2026-11-23T15:05:00.001Z is more than PT5M ahead
          no price            | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","volume":1,"source":"sim"}             | MISSING_FIELD       | price is missing
          price as text       | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":"1.5","volume":1,"source":"sim"} | BAD_PRICE         | price "1.5" is not a JSON number
          negative price      | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":-1.5,"volume":1,"source":"sim"} | BAD_PRICE          | price -1.5 is not a finite number above 0
          zero price          | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":0,"volume":1,"source":"sim"}   | BAD_PRICE           | price 0.0 is not a finite number above 0
          infinite price      | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":1e400,"volume":1,"source":"sim"} | BAD_PRICE         | price Infinity is not a finite number
          NaN price           | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":NaN,"volume":1,"source":"sim"} | MALFORMED          | not JSON
          negative volume     | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":1,"volume":-3,"source":"sim"}  | BAD_VOLUME         | volume -3 is negative
          fractional volume   | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":1,"volume":2.5,"source":"sim"}  | BAD_VOLUME         | volume 2.5 is not a whole number
          no source           | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":1,"volume":1}                  | MISSING_FIELD       | source is missing
          blank source        | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":1,"volume":1,"source":" "}     | BAD_SOURCE          | source is missing or blank
          open without low    | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":1,"volume":1,"source":"s","open":1,"high":1} | MISSING_FIELD | low is missing
          high below close    | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":2,"volume":1,"source":"s","open":1,"high":1.5,"low":1} | BAD_PRICE | do not hold low <= open, close <= high
          low above open      | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":2,"volume":1,"source":"s","open":1,"high":3,"low":1.5} | BAD_PRICE | do not hold low <= open, close <= high
          zero low            | {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00Z","price":2,"volume":1,"source":"s","open":1,"high":3,"low":0} | BAD_PRICE | open/high/low 0.0 is not a finite number above 0
          """)
  void should_reject_invalid_input_with_its_reason(
      String name, String json, Reason reason, String detail) {
    // when / then
    assertThatThrownBy(() -> QuoteCodec.decode(json.getBytes(StandardCharsets.UTF_8), NOW, SKEW))
        .isInstanceOfSatisfying(
            InvalidQuoteException.class,
            e -> {
              assertThat(e.rejection().reason()).isEqualTo(reason);
              assertThat(e.rejection().detail()).contains(detail);
            });
  }

  @Test
  void should_refuse_to_construct_a_quote_that_breaks_a_rule() {
    // when / then
    assertThatThrownBy(() -> new Quote("AAPL", Instant.EPOCH, Double.NaN, 0, "sim"))
        .isInstanceOf(InvalidQuoteException.class)
        .hasMessage("bad_price: price NaN is not a finite number above 0");
  }
}
