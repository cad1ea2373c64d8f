package io.smack.collector;

import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;

/** The market simulator as a stream, paced to its rate (or unpaced at rate 0). */
final class SimulatorSource implements QuoteSource {

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
    Source<Collected, ?> quotes =
        Source.fromIterator(() -> new MarketSimulator(settings, clock.instant()))
            .map(quote -> new Collected.Accepted(settings.name(), quote));
    return settings.rate() > 0 ? quotes.throttle(settings.rate(), Duration.ofSeconds(1)) : quotes;
  }
}
