package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smack.access.RequestParameters.TimeRange;
import io.smack.common.Settings;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestParametersTest {

  private static final AccessSettings SETTINGS = AccessSettings.from(Settings.load(Map.of()));

  @Test
  void should_take_instants_with_offsets_and_dates_as_utc_midnight() {
    assertThat(RequestParameters.instant("from", "2026-11-23T15:30:00+01:00"))
        .isEqualTo(Instant.parse("2026-11-23T14:30:00Z"));
    assertThat(RequestParameters.instant("from", "2026-11-23"))
        .isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
  }

  @Test
  void should_reject_text_that_is_not_an_instant_naming_the_parameter() {
    assertThatThrownBy(() -> RequestParameters.instant("to", "yesterday"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status().intValue()).isEqualTo(400);
              assertThat(e.error()).isEqualTo("bad_time");
              assertThat(e.detail()).startsWith("to: 'yesterday' is not an ISO-8601 instant");
            });
    assertThatThrownBy(() -> RequestParameters.instant("to", "+999999-01-01T00:00:00Z"))
        .hasMessageContaining("is not between 1970-01-01T00:00:00Z and 9999-12-31");
  }

  @Test
  void should_reject_an_inverted_range() {
    assertThatThrownBy(
            () ->
                RequestParameters.range(
                    Optional.of("2026-11-24"),
                    Optional.of("2026-11-23"),
                    Optional.empty(),
                    Optional.empty(),
                    SETTINGS))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error()).isEqualTo("bad_range"))
        .hasMessage("from 2026-11-24T00:00:00Z is after to 2026-11-23T00:00:00Z (to is exclusive)");
  }

  @Test
  void should_reject_limits_that_are_not_between_one_and_the_maximum() {
    for (String limit : new String[] {"0", "-5", "10001", "ten", "99999999999"}) {
      assertThatThrownBy(() -> RequestParameters.limit(limit, SETTINGS.maxLimit()))
          .as(limit)
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.error()).isEqualTo("bad_limit"));
    }
    assertThat(RequestParameters.limit("10000", SETTINGS.maxLimit())).isEqualTo(10000);
  }

  @Test
  void should_read_open_ends_as_the_whole_series_and_the_cursor_as_an_exclusive_end() {
    // when
    TimeRange open =
        RequestParameters.range(
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), SETTINGS);
    TimeRange continued =
        RequestParameters.range(
            Optional.of("2026-01-01"),
            Optional.of("2026-02-01"),
            Optional.of("2026-01-15T10:00:00Z"),
            Optional.of("5"),
            SETTINGS);

    // then
    assertThat(open.start()).isEqualTo(RequestParameters.EARLIEST);
    assertThat(open.end()).isEqualTo(RequestParameters.LATEST);
    assertThat(open.limit()).isEqualTo(SETTINGS.defaultLimit());
    assertThat(continued.start()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(continued.end()).isEqualTo(Instant.parse("2026-01-15T10:00:00Z"));
    assertThat(continued.limit()).isEqualTo(5);
  }

  @Test
  void should_reject_a_symbol_outside_the_quote_rules() {
    assertThat(RequestParameters.symbol("BRK.B")).isEqualTo("BRK.B");
    assertThatThrownBy(() -> RequestParameters.symbol("aapl"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error()).isEqualTo("bad_symbol"))
        .hasMessageContaining("'aapl' is not a symbol");
  }
}
