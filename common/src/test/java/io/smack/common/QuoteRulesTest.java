package io.smack.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smack.common.Rejection.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class QuoteRulesTest {

  /** The symbols SECURITY.md and the access service's openapi.json document, written out here. */
  private static final Pattern DOCUMENTED = Pattern.compile("^[A-Z0-9.^-]{1,16}$");

  @Test
  void should_accept_exactly_the_symbols_the_documented_pattern_accepts() {
    // given strings of allowed and refused characters, of every length around the limit
    for (String text : SymbolCorpus.of(11, 50_000)) {
      // then the hand-written check and the documented pattern agree
      assertThat(QuoteRules.isSymbol(text))
          .as("'%s'", text)
          .isEqualTo(DOCUMENTED.matcher(text).matches());
      assertThat(QuoteRules.SYMBOL.matcher(text).matches())
          .as("'%s'", text)
          .isEqualTo(DOCUMENTED.matcher(text).matches());
    }
  }

  @Test
  void should_refuse_a_quote_stamped_further_ahead_than_the_clock_skew_and_accept_one_within() {
    // given
    Instant now = Instant.parse("2026-11-23T15:00:00Z");
    Duration skew = Duration.ofMinutes(5);

    // then: up to the skew ahead, and anything in the past, is accepted
    assertThat(QuoteRules.checkTime(now.plus(skew), now, skew)).isEmpty();
    assertThat(QuoteRules.checkTime(now.minus(Duration.ofDays(9000)), now, skew)).isEmpty();
    // and a millisecond beyond it is future_timestamp, naming the time, the clock and the setting
    assertThat(QuoteRules.checkTime(now.plus(skew).plusMillis(1), now, skew))
        .hasValueSatisfying(
            rejection -> {
              assertThat(rejection.reason()).isEqualTo(Reason.FUTURE_TIMESTAMP);
              assertThat(rejection.reason().label()).isEqualTo("future_timestamp");
              assertThat(rejection.detail())
                  .isEqualTo(
                      "ts 2026-11-23T15:05:00.001Z is more than PT5M ahead of the receiving clock"
                          + " (2026-11-23T15:00:00Z; smack.quotes.max-clock-skew)");
            });
  }

  @Test
  void should_read_the_clock_skew_from_the_settings_with_five_minutes_by_default() {
    // when / then
    assertThat(QuoteSettings.from(Settings.load(Map.of())).maxClockSkew())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(
            QuoteSettings.from(Settings.load(Map.of("QUOTES_MAX_CLOCK_SKEW", "30s")))
                .maxClockSkew())
        .isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(
            () -> QuoteSettings.from(Settings.load(Map.of("QUOTES_MAX_CLOCK_SKEW", "0s"))))
        .hasMessageContaining("smack.quotes.max-clock-skew")
        .hasMessageContaining("not above 0");
  }
}
