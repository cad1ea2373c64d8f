package io.smack.collector;

import com.typesafe.config.Config;
import io.smack.common.Quote;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Quotes from a geometric Brownian motion per symbol: each tick moves one symbol's price by {@code
 * exp((drift - volatility²/2)·dt + volatility·√dt·Z)}, with Z standard normal. The same seed,
 * settings and start give the same quotes, so runs are reproducible.
 *
 * <p>Symbols take turns; event time advances by one tick interval per quote (1/rate, at least 1
 * ms), from {@code start} to the millisecond, so that a simulated day has {@code rate × 86400}
 * quotes whatever the wall clock does.
 */
public final class MarketSimulator implements Iterator<Quote> {

  private static final double SECONDS_PER_YEAR = 365.25 * 24 * 3600;

  private final SimulatorSettings settings;
  private final SplittableRandom random;
  private final double[] prices;
  private final long tickNanos;
  private final Instant start;
  private final double driftPerTick;
  private final double shockPerTick;
  private final long historyQuotes;
  private final long historyTickNanos;
  private final Instant historyStart;
  private final double historyDrift;
  private final double historyShock;
  private long emitted;
  private double spareGaussian = Double.NaN;

  /**
   * The quotes that the simulator source {@code name} configured in {@code config} (under {@code
   * smack.collector.source}) yields when started at {@code now}: for tools that drive the simulator
   * without the collector's stream, such as the benchmark's plain loop.
   */
  public static MarketSimulator of(Config config, String name, Instant now) {
    String path = "smack.collector.source." + name;
    SimulatorSettings settings = SimulatorSettings.from(name, config.getConfig(path), path);
    return new MarketSimulator(settings, start(settings, now));
  }

  /**
   * Where a run started now begins: now, unless its quotes would run ahead of the clock (more than
   * 1000 quotes/s, or unpaced, with 1 ms ticks) and it has a limit; then early enough that its last
   * quote falls on now. The streaming job refuses quotes stamped more than {@code
   * smack.quotes.max-clock-skew} ahead of its clock, so a burst of a million quotes must lie in the
   * past, not 17 minutes in the future.
   */
  static Instant start(SimulatorSettings settings, Instant now) {
    boolean outrunsTheClock = settings.rate() == 0 || settings.rate() > 1000;
    if (!outrunsTheClock || settings.limit() == 0) {
      return now;
    }
    return now.minusMillis(settings.limit());
  }

  MarketSimulator(SimulatorSettings settings, Instant start) {
    this.settings = settings;
    this.random = new SplittableRandom(settings.seed());
    this.start = start.truncatedTo(ChronoUnit.MILLIS);
    List<SimulatorSettings.Symbol> symbols = settings.symbols();
    this.prices = symbols.stream().mapToDouble(SimulatorSettings.Symbol::startPrice).toArray();
    // Event time per quote: 1/rate seconds, but at least 1 ms, the precision Cassandra keeps, so
    // that no two quotes share a timestamp; above 1000 quotes/s simulated time outruns the clock.
    this.tickNanos =
        settings.rate() > 0 ? Math.max(1_000_000, 1_000_000_000L / settings.rate()) : 1_000_000;
    // each symbol moves every symbols.size() ticks
    double dt = tickNanos * symbols.size() / 1e9 / SECONDS_PER_YEAR;
    double sigma = settings.volatility();
    this.driftPerTick = (settings.drift() - sigma * sigma / 2) * dt;
    this.shockPerTick = sigma * Math.sqrt(dt);
    // The history: the symbols take turns every historyStep / symbols, up to the live start.
    this.historyQuotes = settings.historyQuotes();
    this.historyTickNanos = settings.historyStep().toNanos() / symbols.size();
    this.historyStart = this.start.minus(settings.history());
    double historyDt = settings.historyStep().toNanos() / 1e9 / SECONDS_PER_YEAR;
    this.historyDrift = (settings.drift() - sigma * sigma / 2) * historyDt;
    this.historyShock = sigma * Math.sqrt(historyDt);
  }

  /** Whether {@code quote} is of the history, emitted before the live quotes. */
  boolean isHistory(Quote quote) {
    return quote.ts().isBefore(start);
  }

  @Override
  public boolean hasNext() {
    return settings.limit() == 0 || emitted < historyQuotes + settings.limit();
  }

  @Override
  public Quote next() {
    if (!hasNext()) {
      throw new NoSuchElementException(
          "the simulator's limit of " + settings.limit() + " is reached");
    }
    int index = (int) (emitted % prices.length);
    boolean history = emitted < historyQuotes;
    prices[index] *=
        history
            ? Math.exp(historyDrift + historyShock * gaussian())
            : Math.exp(driftPerTick + shockPerTick * gaussian());
    long volume = 1 + random.nextInt(1000);
    Instant ts =
        history
            ? historyStart.plusNanos(emitted * historyTickNanos)
            : start.plusNanos((emitted - historyQuotes) * tickNanos);
    emitted++;
    return new Quote(
        settings.symbols().get(index).symbol(),
        ts,
        Math.round(prices[index] * 10_000) / 10_000.0,
        volume,
        settings.name());
  }

  /** A standard normal draw (Marsaglia's polar method, which makes two: the second is kept). */
  private double gaussian() {
    if (!Double.isNaN(spareGaussian)) {
      double spare = spareGaussian;
      spareGaussian = Double.NaN;
      return spare;
    }
    double u;
    double v;
    double s;
    do {
      u = random.nextDouble(-1, 1);
      v = random.nextDouble(-1, 1);
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double factor = Math.sqrt(-2 * Math.log(s) / s);
    spareGaussian = v * factor;
    return u * factor;
  }
}
