package io.smack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.common.Quote;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlainConsumerTest {

  @Test
  void should_make_each_minutes_bar_once_per_time_and_leave_out_minutes_behind_the_watermark() {
    // given: two quotes of 10:00, one sent twice, and one of 10:01
    PlainConsumer.OpenBars bars = new PlainConsumer.OpenBars();
    Quote first = quote("10:00:05", 100.0, 10);
    Quote last = quote("10:00:50", 99.0, 30);

    // when
    List<PlainConsumer.Bar> changed =
        bars.add(
            List.of(last, first, quote("10:00:20", 103.0, 20), first, quote("10:01:00", 98, 1)));

    // then: the 10:00 bar counts the quote sent twice once, open and close by time
    assertThat(changed).hasSize(2);
    PlainConsumer.Bar ten = changed.get(0);
    assertThat(ten.minute).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
    assertThat(new double[] {ten.open, ten.high, ten.low, ten.close})
        .containsExactly(100.0, 103.0, 99.0, 99.0);
    assertThat(ten.volume).isEqualTo(60);
    assertThat(ten.quotes).isEqualTo(3);
    assertThat(ten.closeTs).isEqualTo(last.ts());

    // and when: 10:15 moves the watermark (10 minutes) past 10:00, then a late quote of 10:00
    bars.add(List.of(quote("10:15:00", 97, 1)));
    List<PlainConsumer.Bar> late = bars.add(List.of(quote("10:00:55", 50, 1)));

    // then: its bar is final, and nothing changed
    assertThat(late).isEmpty();
    assertThat(ten.quotes).isEqualTo(3);
  }

  private static Quote quote(String time, double price, long volume) {
    return new Quote("AAPL", Instant.parse("2026-11-24T" + time + "Z"), price, volume, "test");
  }
}
