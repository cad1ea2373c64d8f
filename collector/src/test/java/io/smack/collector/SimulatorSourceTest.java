package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.common.Quote;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;

class SimulatorSourceTest {

  private static final Instant START = Instant.parse("2026-11-23T14:30:00Z");

  @Test
  void should_yield_the_simulators_quotes_in_chunks_at_full_speed() throws Exception {
    // given an unpaced simulator of 1234 quotes
    SimulatorSettings settings =
        new SimulatorSettings(
            "sim",
            List.of(
                new SimulatorSettings.Symbol("AAPL", 189.5),
                new SimulatorSettings.Symbol("IBM", 168.4)),
            0.3,
            0.05,
            0,
            42,
            1234);
    SimulatorSource source = new SimulatorSource(settings, Clock.fixed(START, ZoneOffset.UTC));
    ActorSystem system = TestSystems.actorSystem("simulator-source-test");
    try {
      // when
      List<List<Collected>> chunks =
          source
              .chunks(system)
              .runWith(Sink.seq(), system)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);

      // then full chunks, the rest last, and the same quotes as the simulator alone
      assertThat(chunks).extracting(List::size).containsExactly(500, 500, 234);
      List<Quote> expected = new ArrayList<>();
      new MarketSimulator(settings, MarketSimulator.start(settings, START))
          .forEachRemaining(expected::add);
      assertThat(chunks.stream().flatMap(List::stream).map(c -> ((Collected.Accepted) c).quote()))
          .containsExactlyElementsOf(expected);
      // and the burst lies in the past, ending a tick before the clock, not 1.2 s ahead of it
      assertThat(expected.get(0).ts()).isEqualTo(START.minusMillis(1234));
      assertThat(expected.get(expected.size() - 1).ts()).isEqualTo(START.minusMillis(1));
    } finally {
      system.terminate();
    }
  }
}
