package io.smack.collector;

import io.smack.common.Quote;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;

/** The market simulator as a stream, paced to its rate (or unpaced at rate 0). */
final class SimulatorSource implements QuoteSource {

  /** Quotes per chunk at full speed: about a millisecond's worth. */
  static final int CHUNK = 500;

  private final SimulatorSettings settings;
  private final Clock clock;

  SimulatorSource(SimulatorSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public Source<Collected, ?> create(ActorSystem system) {
    // A simulator per materialization, started then; its history costs nothing in the throttle.
    return Source.lazySource(
        () -> {
          MarketSimulator simulator =
              new MarketSimulator(settings, MarketSimulator.start(settings, clock.instant()));
          Source<Quote, NotUsed> quotes = Source.fromIterator(() -> simulator);
          return (settings.rate() > 0
                  ? quotes.throttle(
                      settings.rate(),
                      Duration.ofSeconds(1),
                      quote -> simulator.isHistory(quote) ? 0 : 1)
                  : quotes)
              .<Collected>map(quote -> new Collected.Accepted(settings.name(), quote));
        });
  }

  /** Unpaced, chunks of {@value #CHUNK} quotes (the benchmarks' load); paced, one at a time. */
  @Override
  public Source<List<Collected>, ?> chunks(ActorSystem system) {
    if (settings.rate() > 0) {
      return create(system).map(List::of);
    }
    return Source.fromIterator(
        () -> {
          MarketSimulator simulator =
              new MarketSimulator(settings, MarketSimulator.start(settings, clock.instant()));
          return new Iterator<List<Collected>>() {
            @Override
            public boolean hasNext() {
              return simulator.hasNext();
            }

            @Override
            public List<Collected> next() {
              List<Collected> chunk = new ArrayList<>(CHUNK);
              while (chunk.size() < CHUNK && simulator.hasNext()) {
                chunk.add(new Collected.Accepted(settings.name(), simulator.next()));
              }
              return chunk;
            }
          };
        });
  }
}
