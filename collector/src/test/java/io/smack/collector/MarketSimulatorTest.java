package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.assertj.core.groups.Tuple.tuple;

import io.smack.common.Quote;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarketSimulatorTest {

  private static final Instant OPEN = Instant.parse("2026-11-23T14:30:00Z");

  private static SimulatorSettings settings(long seed, int rate) {
    return new SimulatorSettings(
        "sim",
        List.of(
            new SimulatorSettings.Symbol("AAPL", 189.5),
            new SimulatorSettings.Symbol("MSFT", 410.2)),
        0.3,
        0.05,
        rate,
        seed,
        1_000);
  }

  private static List<Quote> run(SimulatorSettings settings) {
    List<Quote> quotes = new ArrayList<>();
    new MarketSimulator(settings, OPEN).forEachRemaining(quotes::add);
    return quotes;
  }

  @Test
  void should_emit_its_history_first_one_quote_per_symbol_a_step_ending_at_the_live_start() {
    // given: two symbols, a minute of history in steps of 10 s, then 4 live quotes at 100/s
    SimulatorSettings base = settings(42, 100);
    SimulatorSettings withHistory =
        new SimulatorSettings(
            "sim",
            base.symbols(),
            0.3,
            0.05,
            100,
            42,
            4,
            Duration.ofMinutes(1),
            Duration.ofSeconds(10));
    MarketSimulator simulator = new MarketSimulator(withHistory, OPEN);

    // when
    List<Quote> quotes = new ArrayList<>();
    simulator.forEachRemaining(quotes::add);

    // then: 12 history quotes 5 s apart from a minute before the open, then the live ones
    assertThat(quotes).hasSize(12 + 4);
    assertThat(quotes.subList(0, 3))
        .extracting(Quote::symbol, Quote::ts)
        .containsExactly(
            tuple("AAPL", OPEN.minusSeconds(60)),
            tuple("MSFT", OPEN.minusSeconds(55)),
            tuple("AAPL", OPEN.minusSeconds(50)));
    assertThat(quotes.get(11).ts()).isEqualTo(OPEN.minusSeconds(5));
    assertThat(quotes.subList(12, 16))
        .extracting(Quote::ts)
        .containsExactly(OPEN, OPEN.plusMillis(10), OPEN.plusMillis(20), OPEN.plusMillis(30));
    assertThat(quotes.subList(0, 12)).allMatch(simulator::isHistory);
    assertThat(quotes.subList(12, 16)).noneMatch(simulator::isHistory);
    // the live prices go on from the history's: AAPL's first live quote is near its last
    assertThat(quotes.get(12).price()).isCloseTo(quotes.get(10).price(), offset(2.0));
  }

  @Test
  void should_repeat_the_same_quotes_for_the_same_seed() {
    assertThat(run(settings(42, 100))).containsExactlyElementsOf(run(settings(42, 100)));
  }

  @Test
  void should_give_other_prices_for_another_seed() {
    assertThat(run(settings(43, 100)).stream().map(Quote::price).toList())
        .isNotEqualTo(run(settings(42, 100)).stream().map(Quote::price).toList());
  }

  @Test
  void should_take_turns_between_symbols_one_tick_apart_up_to_its_limit() {
    // when
    List<Quote> quotes = run(settings(42, 100));

    // then
    assertThat(quotes).hasSize(1_000);
    assertThat(quotes.subList(0, 4))
        .extracting(Quote::symbol, Quote::ts)
        .containsExactly(
            tuple("AAPL", OPEN),
            tuple("MSFT", OPEN.plus(Duration.ofMillis(10))),
            tuple("AAPL", OPEN.plus(Duration.ofMillis(20))),
            tuple("MSFT", OPEN.plus(Duration.ofMillis(30))));
  }

  @Test
  void should_move_prices_by_small_steps_that_stay_positive() {
    // when
    List<Quote> aapl =
        run(settings(42, 100)).stream().filter(q -> q.symbol().equals("AAPL")).toList();

    // then: at 30 % a year, a 20 ms step moves the price by far less than 1 %
    for (int i = 1; i < aapl.size(); i++) {
      double step = Math.abs(Math.log(aapl.get(i).price() / aapl.get(i - 1).price()));
      assertThat(step).isLessThan(0.01);
    }
    assertThat(aapl).allSatisfy(q -> assertThat(q.price()).isPositive());
    assertThat(aapl.get(0).price()).isCloseTo(189.5, offset(0.1));
  }

  @Test
  void should_keep_quotes_a_millisecond_apart_at_any_rate() {
    // when: 100 000 quotes a second, started at a clock reading with nanoseconds
    List<Quote> quotes = new ArrayList<>();
    new MarketSimulator(settings(42, 100_000), OPEN.plusNanos(123_456))
        .forEachRemaining(quotes::add);

    // then
    assertThat(quotes.get(0).ts()).isEqualTo(OPEN);
    assertThat(quotes.get(999).ts()).isEqualTo(OPEN.plusMillis(999));
  }

  @Test
  void should_draw_independent_standard_normal_shocks() {
    // given one symbol at 30 % a year, no drift, a tick a second
    double volatility = 0.3;
    SimulatorSettings settings =
        new SimulatorSettings(
            "sim",
            List.of(new SimulatorSettings.Symbol("AAPL", 1000)),
            volatility,
            0,
            1,
            5,
            20_001);
    double tick = Math.sqrt(1 / (365.25 * 24 * 3600));

    // when each step's log return is scaled back to its shock Z
    List<Quote> quotes = run(settings);
    double[] z = new double[quotes.size() - 1];
    for (int i = 0; i < z.length; i++) {
      double logReturn = Math.log(quotes.get(i + 1).price() / quotes.get(i).price());
      z[i] = (logReturn + volatility * volatility / 2 * tick * tick) / (volatility * tick);
    }

    // then mean 0, variance 1 and no correlation between neighbours (the polar method draws them
    // in pairs), each within 5 standard errors of 20 000 draws
    double mean = Arrays.stream(z).average().orElseThrow();
    double variance = Arrays.stream(z).map(x -> (x - mean) * (x - mean)).sum() / z.length;
    double lagged = 0;
    for (int i = 1; i < z.length; i++) {
      lagged += (z[i] - mean) * (z[i - 1] - mean);
    }
    double correlation = lagged / (z.length - 1) / variance;
    assertThat(mean).isCloseTo(0, offset(0.035));
    assertThat(variance).isCloseTo(1, offset(0.05));
    assertThat(correlation).isCloseTo(0, offset(0.035));
  }
}
