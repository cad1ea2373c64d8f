package io.smack.collector;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A market simulator source ({@code type = simulator}).
 *
 * @param name the source's name, written into each quote
 * @param symbols the symbols and their start prices
 * @param volatility annualised volatility, e.g. 0.3
 * @param drift annualised drift, e.g. 0.05
 * @param rate quotes per second over all symbols; 0 means as fast as the pipeline takes them
 * @param seed random seed, for reproducible runs
 * @param limit quotes to emit before completing; 0 means endless
 * @param history how much past market to emit first, as fast as Kafka takes it, ending where the
 *     live quotes start; zero for none
 * @param historyStep the event time between two history quotes of one symbol
 */
record SimulatorSettings(
    String name,
    List<Symbol> symbols,
    double volatility,
    double drift,
    int rate,
    long seed,
    long limit,
    Duration history,
    Duration historyStep) {

  /** A simulated symbol and the price it starts at. */
  record Symbol(String symbol, double startPrice) {}

  SimulatorSettings {
    symbols = List.copyOf(symbols);
    if (symbols.isEmpty()) {
      throw new IllegalArgumentException("a simulator needs at least one symbol");
    }
    if (history.isNegative()
        || (!history.isZero() && (historyStep.isNegative() || historyStep.isZero()))) {
      throw new IllegalArgumentException("a history of " + history + " in steps of " + historyStep);
    }
  }

  /** A simulator without history. */
  SimulatorSettings(
      String name,
      List<Symbol> symbols,
      double volatility,
      double drift,
      int rate,
      long seed,
      long limit) {
    this(name, symbols, volatility, drift, rate, seed, limit, Duration.ZERO, Duration.ofSeconds(1));
  }

  /** The history quotes: one per symbol per {@link #historyStep} over {@link #history}. */
  long historyQuotes() {
    return history.isZero() ? 0 : history.dividedBy(historyStep) * symbols.size();
  }

  /** Reads {@code symbols = "AAPL:189.5,MSFT:410"} and the other keys of one source block. */
  static SimulatorSettings from(String name, Config source, String path) {
    List<Symbol> symbols = new ArrayList<>();
    for (String entry : source.getString("symbols").split(",")) {
      String[] parts = entry.strip().split(":");
      try {
        symbols.add(new Symbol(parts[0], Double.parseDouble(parts[1])));
      } catch (RuntimeException e) {
        throw new ConfigException.BadValue(
            source.origin(), path + ".symbols", "'" + entry + "' is not SYMBOL:START_PRICE", e);
      }
    }
    return new SimulatorSettings(
        name,
        symbols,
        source.getDouble("volatility"),
        source.getDouble("drift"),
        source.getInt("rate"),
        source.getLong("seed"),
        source.getLong("limit"),
        source.hasPath("history") ? source.getDuration("history") : Duration.ZERO,
        source.hasPath("history-step")
            ? source.getDuration("history-step")
            : Duration.ofSeconds(10));
  }
}
