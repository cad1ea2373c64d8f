package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.common.DeadLetter;
import io.smack.common.Quote;
import io.smack.common.Rejection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceHealthTest {

  @Test
  void should_count_a_batch_of_several_sources_run_by_run() {
    // given a batch where two sources' items alternate, with a dead letter
    SourceHealth.Metrics metrics = new SourceHealth.Metrics();
    SourceHealth sim = new SourceHealth("sim", metrics);
    SourceHealth feed = new SourceHealth("feed", metrics);
    List<Collected> batch =
        List.of(
            accepted("sim", "2026-11-23T14:30:00Z"),
            accepted("sim", "2026-11-23T14:30:02Z"),
            accepted("feed", "2026-11-23T14:29:00Z"),
            accepted("sim", "2026-11-23T14:30:01Z"),
            new Collected.Rejected(
                new DeadLetter(
                    "feed",
                    new Rejection(Rejection.Reason.BAD_PRICE, "price -1 is not above 0"),
                    "AAPL,-1".getBytes(StandardCharsets.UTF_8),
                    Instant.parse("2026-11-23T14:31:00Z"))));

    // when Kafka acknowledged it
    SourceHealth.acknowledge(SourceHealth.Tally.of(batch), Map.of("sim", sim, "feed", feed));

    // then each source has its own counts and its newest quote
    assertThat(sim.sent()).isEqualTo(3);
    assertThat(sim.rejected()).isZero();
    assertThat(sim.snapshot().get("newest_quote_ts")).isEqualTo("2026-11-23T14:30:02Z");
    assertThat(feed.sent()).isEqualTo(1);
    assertThat(feed.rejected()).isEqualTo(1);
    assertThat(feed.snapshot().get("newest_quote_ts")).isEqualTo("2026-11-23T14:29:00Z");
    assertThat(metrics.sent.labelValues("sim").get()).isEqualTo(3);
  }

  private static Collected accepted(String source, String ts) {
    return new Collected.Accepted(source, new Quote("AAPL", Instant.parse(ts), 189.5, 1, source));
  }
}
