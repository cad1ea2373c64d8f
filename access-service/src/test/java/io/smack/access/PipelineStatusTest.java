package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.access.PipelineStatus.Thresholds;
import io.smack.access.ProgressRepository.Batch;
import io.smack.access.Views.Status;
import io.smack.access.Views.SymbolStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineStatusTest {

  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final Thresholds THRESHOLDS =
      new Thresholds(
          "ingest",
          Duration.ofMinutes(2),
          1000,
          Duration.ofMinutes(5),
          Duration.ofSeconds(30),
          Duration.ofMinutes(5),
          true);
  private static final List<Batch> BARS_RAN = List.of(bars(7, NOW.minusSeconds(3), 0));
  private static final List<SymbolStatus> AAPL =
      List.of(
          new SymbolStatus(
              "AAPL",
              Instant.parse("2010-03-01T00:00:00Z"),
              0,
              1,
              "linear_regression",
              null,
              NOW,
              0L,
              null,
              null,
              null));

  @Test
  void should_be_down_before_the_streaming_job_records_a_batch() {
    Status status = PipelineStatus.of(List.of(), List.of(), List.of(), NOW, THRESHOLDS);
    assertThat(status.verdict()).isEqualTo("down");
    assertThat(status.reason()).contains("'ingest' has recorded no batch today or yesterday");
    assertThat(status.stream().lastBatch()).isNull();
  }

  @Test
  void should_be_ok_for_recent_batches_even_of_old_prices_and_sum_the_recent_window() {
    // given: a replay of 2010 prices, batches 10 s and 4 min ago, and one 6 min ago
    List<Batch> batches =
        List.of(
            batch(12, NOW.minusSeconds(10), 5, 20L),
            batch(11, NOW.minusSeconds(240), 2, 500L),
            batch(10, NOW.minusSeconds(360), 9, 900L));

    // when
    Status status = PipelineStatus.of(batches, BARS_RAN, AAPL, NOW, THRESHOLDS);

    // then
    assertThat(status.verdict()).isEqualTo("ok");
    assertThat(status.reason())
        .isEqualTo("last batch 10 s ago, 20 records behind the topic, 1 symbol");
    assertThat(status.stream().lastBatch()).isEqualTo(12);
    assertThat(status.stream().recentRejected()).isEqualTo(7);
    assertThat(status.stream().recentInputRows()).isEqualTo(200);
  }

  @Test
  void should_be_stale_when_batches_stop_or_fall_behind_or_store_nothing() {
    assertThat(
            PipelineStatus.of(
                    List.of(batch(3, NOW.minusSeconds(121), 0, 0L)),
                    BARS_RAN,
                    AAPL,
                    NOW,
                    THRESHOLDS)
                .reason())
        .startsWith("no batch for 121 s (more than 120 s)");
    assertThat(
            PipelineStatus.of(List.of(batch(3, NOW, 0, 1001L)), BARS_RAN, AAPL, NOW, THRESHOLDS)
                .reason())
        .isEqualTo("the streaming job is 1001 records behind the topic (more than 1000)");
    Status rejected =
        PipelineStatus.of(List.of(batch(3, NOW, 100, 0L)), BARS_RAN, List.of(), NOW, THRESHOLDS);
    assertThat(rejected.verdict()).isEqualTo("stale");
    assertThat(rejected.reason())
        .isEqualTo(
            "batches run but no quote is stored: every input is rejected (100 in the last 300 s;"
                + " see the dead-letter topic)");
    Status idle =
        PipelineStatus.of(List.of(batch(3, NOW, 0, 0L)), BARS_RAN, List.of(), NOW, THRESHOLDS);
    assertThat(idle.reason()).endsWith("no quote has come in yet: is the collector running?");
  }

  @Test
  void should_be_stale_when_the_bars_query_stops_while_quotes_come_in() {
    Status status =
        PipelineStatus.of(
            List.of(batch(3, NOW, 0, 0L)),
            List.of(bars(7, NOW.minusSeconds(200), 0)),
            AAPL,
            NOW,
            THRESHOLDS);
    assertThat(status.verdict()).isEqualTo("stale");
    assertThat(status.reason())
        .startsWith("the bars query 'ingest-bars' has run no batch for more");
  }

  @Test
  void should_not_call_the_bars_query_stale_before_it_could_have_run_once() {
    // given: the job started 20 s ago; its bars query, started with it, has not finished a batch
    List<Batch> starting = List.of(batch(1, NOW, 0, 0L), batch(0, NOW.minusSeconds(20), 0, 0L));

    // when
    Status justStarted = PipelineStatus.of(starting, List.of(), AAPL, NOW, THRESHOLDS);
    Status neverRan =
        PipelineStatus.of(
            List.of(batch(9, NOW, 0, 0L), batch(0, NOW.minusSeconds(200), 0, 0L)),
            List.of(),
            AAPL,
            NOW,
            THRESHOLDS);

    // then
    assertThat(justStarted.verdict()).isEqualTo("ok");
    assertThat(neverRan.verdict()).isEqualTo("stale");
    assertThat(neverRan.reason())
        .isEqualTo(
            "the bars query 'ingest-bars' has run no batch in the 200 s since the quotes query's"
                + " first (more than 120 s): bars are not updated");
  }

  @Test
  void should_be_degraded_when_a_newest_quote_lies_in_the_future_or_most_quotes_come_late() {
    // given: AAPL's newest quote 23 h ahead of the clock, as a source with a wrong clock makes it
    List<SymbolStatus> aheadOfTheClock =
        List.of(
            new SymbolStatus(
                "AAPL",
                NOW.plusSeconds(82_800),
                -82_800,
                1,
                null,
                null,
                NOW,
                0L,
                null,
                null,
                null));
    List<Batch> quotes = List.of(batch(5, NOW.minusSeconds(2), 0, 0L));

    // when
    Status future = PipelineStatus.of(quotes, BARS_RAN, aheadOfTheClock, NOW, THRESHOLDS);
    Status late =
        PipelineStatus.of(quotes, List.of(bars(8, NOW.minusSeconds(1), 60)), AAPL, NOW, THRESHOLDS);
    Status fewLate =
        PipelineStatus.of(quotes, List.of(bars(8, NOW.minusSeconds(1), 40)), AAPL, NOW, THRESHOLDS);

    // then
    assertThat(future.verdict()).isEqualTo("degraded");
    assertThat(future.reason())
        .startsWith("AAPL's newest quote (2026-11-28T11:00:00Z) is 82800 s ahead of this clock");
    assertThat(late.verdict()).isEqualTo("degraded");
    assertThat(late.reason())
        .startsWith(
            "most recent quotes came behind the bars' watermark (60 of 100 in the last 300 s");
    assertThat(late.stream().recentLate()).isEqualTo(60);
    assertThat(fewLate.verdict()).isEqualTo("ok");
  }

  private static Batch batch(long id, Instant at, long rejected, Long behind) {
    return new Batch(id, at, 100, 100 - rejected, rejected, 0, 0, 0, behind, 50.0, 60.0, null);
  }

  private static Batch bars(long id, Instant at, long late) {
    return new Batch(
        id, at, 100, 0, 0, late, 3, late > 0 ? 1 : 0, null, 50.0, 60.0, NOW.minusSeconds(600));
  }

  @Test
  void should_be_degraded_while_a_served_symbol_is_scored_far_behind_its_quotes() {
    // given: batches run, AAPL's newest quote is 10 minutes past its newest scored bar
    List<SymbolStatus> behind =
        List.of(new SymbolStatus("AAPL", NOW, 0, 3, null, null, NOW, 0L, 600L, null, null));
    List<Batch> ran = List.of(batch(9, NOW.minusSeconds(2), 0, 0L));

    // when
    Status status = PipelineStatus.of(ran, BARS_RAN, behind, NOW, THRESHOLDS);

    // then
    assertThat(status.verdict()).isEqualTo("degraded");
    assertThat(status.reason())
        .isEqualTo(
            "AAPL's streamed predictions are 600 s behind its newest quote (more than 300 s):"
                + " its bars are not being scored (see the streaming job's log)");
  }
}
