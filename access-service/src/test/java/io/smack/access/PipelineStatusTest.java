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
      new Thresholds("ingest", Duration.ofMinutes(2), 1000, Duration.ofMinutes(5));
  private static final List<SymbolStatus> AAPL =
      List.of(new SymbolStatus("AAPL", Instant.parse("2010-03-01T00:00:00Z"), 0, 1, NOW, 0L));

  @Test
  void should_be_down_before_the_streaming_job_records_a_batch() {
    Status status = PipelineStatus.of(List.of(), List.of(), NOW, THRESHOLDS);
    assertThat(status.verdict()).isEqualTo("down");
    assertThat(status.reason()).contains("'ingest' has recorded no batch");
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
    Status status = PipelineStatus.of(batches, AAPL, NOW, THRESHOLDS);

    // then
    assertThat(status.verdict()).isEqualTo("ok");
    assertThat(status.reason())
        .isEqualTo("last batch 10 s ago, 20 records behind the topic, 1 symbols");
    assertThat(status.stream().lastBatch()).isEqualTo(12);
    assertThat(status.stream().recentRejected()).isEqualTo(7);
    assertThat(status.stream().recentInputRows()).isEqualTo(200);
  }

  @Test
  void should_be_stale_when_batches_stop_or_fall_behind_or_store_nothing() {
    assertThat(
            PipelineStatus.of(
                    List.of(batch(3, NOW.minusSeconds(121), 0, 0L)), AAPL, NOW, THRESHOLDS)
                .reason())
        .startsWith("no batch for 121 s (more than 120 s)");
    assertThat(PipelineStatus.of(List.of(batch(3, NOW, 0, 1001L)), AAPL, NOW, THRESHOLDS).reason())
        .isEqualTo("the streaming job is 1001 records behind the topic (more than 1000)");
    Status rejected =
        PipelineStatus.of(List.of(batch(3, NOW, 100, 0L)), List.of(), NOW, THRESHOLDS);
    assertThat(rejected.verdict()).isEqualTo("stale");
    assertThat(rejected.reason())
        .isEqualTo(
            "batches run but no quote is stored: every input is rejected (100 in the last 300 s;"
                + " see the dead-letter topic)");
    Status idle = PipelineStatus.of(List.of(batch(3, NOW, 0, 0L)), List.of(), NOW, THRESHOLDS);
    assertThat(idle.reason()).endsWith("no quote has come in yet: is the collector running?");
  }

  private static Batch batch(long id, Instant at, long rejected, Long behind) {
    return new Batch(id, at, 100, 100 - rejected, rejected, 0, behind, 50.0, 60.0);
  }
}
