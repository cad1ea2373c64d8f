package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smack.collector.Collected.Accepted;
import io.smack.collector.Collected.Rejected;
import io.smack.common.Quote;
import io.smack.common.Rejection.Reason;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvRowsTest {

  private static final Instant NOW = Instant.parse("2026-11-23T15:00:00Z");

  /** vega-datasets data/stocks.csv: symbol,date,price, monthly. */
  private static final FieldMapping STOCKS =
      new FieldMapping(
          Optional.of("symbol"),
          Optional.empty(),
          "date",
          "MMM d yyyy",
          ZoneOffset.UTC,
          "price",
          Optional.empty(),
          Duration.ofMinutes(5),
          Optional.empty());

  /** vega-datasets data/sp500-2000.csv: date,open,high,low,close,adjclose,volume, one index. */
  private static final FieldMapping SP500_DAILY =
      new FieldMapping(
          Optional.empty(),
          Optional.of("^GSPC"),
          "date",
          "yyyy-MM-dd",
          ZoneOffset.UTC,
          "close",
          Optional.of("volume"),
          Duration.ofMinutes(5),
          Optional.empty());

  @Test
  void should_read_a_stocks_row_with_its_date_at_the_start_of_the_day() {
    // given
    CsvRows rows = new CsvRows("stocks", STOCKS, ',', "symbol,date,price");

    // when
    Optional<Collected> msftInJanuary2000 = rows.parse("MSFT,Jan 1 2000,39.81", NOW);

    // then
    assertThat(msftInJanuary2000)
        .contains(
            new Accepted(
                "stocks",
                new Quote("MSFT", Instant.parse("2000-01-01T00:00:00Z"), 39.81, 0, "stocks")));
  }

  @Test
  void should_read_an_ohlc_row_with_a_fixed_symbol_and_its_volume() {
    // given
    CsvRows rows =
        new CsvRows("sp500", SP500_DAILY, ',', "date,open,high,low,close,adjclose,volume");

    // when
    Optional<Collected> firstTradingDay =
        rows.parse(
            "2000-01-03,1469.250000,1478.000000,1438.359985,1455.219971,1455.219971,931800000",
            NOW);

    // then
    assertThat(firstTradingDay)
        .contains(
            new Accepted(
                "sp500",
                new Quote(
                    "^GSPC",
                    Instant.parse("2000-01-03T00:00:00Z"),
                    1455.219971,
                    931800000,
                    "sp500")));
  }

  @Test
  void should_carry_the_days_open_high_and_low_when_mapped() {
    // given
    FieldMapping withRange =
        new FieldMapping(
            SP500_DAILY.symbolField(),
            SP500_DAILY.fixedSymbol(),
            "date",
            "yyyy-MM-dd",
            ZoneOffset.UTC,
            "close",
            Optional.of("volume"),
            Duration.ofMinutes(5),
            Optional.of(new FieldMapping.RangeFields("open", "high", "low")));
    CsvRows rows = new CsvRows("sp500", withRange, ',', "date,open,high,low,close,adjclose,volume");

    // when
    Optional<Collected> lastDay =
        rows.parse(
            "2020-04-17,2842.429932,2879.219971,2830.879883,2874.560059,2874.560059,5792140000",
            NOW);
    Collected highBelowClose =
        rows.parse("2020-04-17,2842.43,2850.00,2830.88,2874.56,2874.56,1", NOW).orElseThrow();

    // then
    assertThat(lastDay)
        .contains(
            new Accepted(
                "sp500",
                new Quote(
                    "^GSPC",
                    Instant.parse("2020-04-17T00:00:00Z"),
                    2874.560059,
                    5792140000L,
                    "sp500",
                    new Quote.Ohlc(2842.429932, 2879.219971, 2830.879883))));
    assertThat(highBelowClose)
        .isInstanceOfSatisfying(
            Rejected.class,
            r -> assertThat(r.letter().rejection().reason()).isEqualTo(Reason.BAD_PRICE));
    assertThatThrownBy(() -> new CsvRows("sp500", withRange, ',', "date,open,close,volume"))
        .hasMessageContaining("has no column 'high' (smack.collector.source.sp500.high-field)");
  }

  @Test
  void should_read_quoted_fields() {
    assertThat(CsvRows.split("\"BRK.B\",\"Jan 1, 2000\",\"a \"\"b\"\"\"", ','))
        .containsExactly("BRK.B", "Jan 1, 2000", "a \"b\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          too few fields        | MSFT,Jan 1 2000                | MALFORMED     | the row has 2 fields, the header 3
          too many fields       | MSFT,Jan 1 2000,39.81,12       | MALFORMED     | the row has 4 fields, the header 3
          open quote            | "MSFT,Jan 1 2000,39.81         | MALFORMED     | a quoted field is not closed
          non-numeric price     | MSFT,Jan 1 2000,n/a            | BAD_PRICE     | price 'n/a' is not a number
          negative price        | MSFT,Jan 1 2000,-39.81         | BAD_PRICE     | price -39.81 is not a finite number above 0
          unknown date format   | MSFT,2000-01-01,39.81          | BAD_TIMESTAMP | date '2000-01-01' does not match the time format MMM d yyyy
          empty symbol          | ,Jan 1 2000,39.81              | MISSING_FIELD | symbol is missing
          lower-case symbol     | msft,Jan 1 2000,39.81          | BAD_SYMBOL    | symbol 'msft' does not match
          a day ahead           | MSFT,Dec 31 2099,39.81         | FUTURE_TIMESTAMP | ts 2099-12-31T00:00:00Z is more than PT5M ahead of the receiving clock
          """)
  void should_turn_a_bad_row_into_a_dead_letter_with_its_reason(
      String name, String line, Reason reason, String detail) {
    // given
    CsvRows rows = new CsvRows("stocks", STOCKS, ',', "symbol,date,price");

    // when
    Collected collected = rows.parse(line, NOW).orElseThrow();

    // then
    assertThat(collected)
        .isInstanceOfSatisfying(
            Rejected.class,
            rejected -> {
              assertThat(rejected.letter().source()).isEqualTo("stocks");
              assertThat(rejected.letter().rejection().reason()).isEqualTo(reason);
              assertThat(rejected.letter().rejection().detail()).contains(detail);
              assertThat(new String(rejected.letter().raw())).isEqualTo(line);
            });
  }

  @Test
  void should_skip_blank_lines() {
    assertThat(new CsvRows("stocks", STOCKS, ',', "symbol,date,price").parse("  ", NOW)).isEmpty();
  }

  @Test
  void should_refuse_a_file_whose_header_lacks_a_mapped_column() {
    assertThatThrownBy(() -> new CsvRows("stocks", STOCKS, ',', "ticker,date,price"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "has no column 'symbol' (smack.collector.source.stocks.symbol-field)");
  }
}
