package io.smack.training;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.smack.common.CassandraSettings;
import io.smack.common.QuoteRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The training job's settings ({@code smack.training}) and Cassandra's of {@code common}. */
record TrainingSettings(
    CassandraSettings cassandra,
    String master,
    List<String> symbols,
    String series,
    Duration lookback,
    double testFraction,
    double regParam,
    long minRows,
    boolean promoteWorse,
    boolean createSchema) {

  static final String QUOTES = "quotes";
  static final String BARS = "bars";

  TrainingSettings {
    symbols = List.copyOf(symbols);
  }

  static TrainingSettings from(Config config) {
    Config training = config.getConfig("smack.training");
    String series = training.getString("series");
    if (!series.equals(QUOTES) && !series.equals(BARS)) {
      throw new ConfigException.BadValue(
          training.origin(), "smack.training.series", "'" + series + "' is not quotes or bars");
    }
    double testFraction = training.getDouble("test-fraction");
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new ConfigException.BadValue(
          training.origin(), "smack.training.test-fraction", testFraction + " is not in (0, 1)");
    }
    return new TrainingSettings(
        CassandraSettings.from(config),
        training.getString("master"),
        symbols(training),
        series,
        training.getDuration("lookback"),
        testFraction,
        training.getDouble("reg-param"),
        training.getLong("min-rows"),
        training.getBoolean("promote-worse-than-baseline"),
        training.getBoolean("create-schema"));
  }

  private static List<String> symbols(Config training) {
    List<String> symbols = new ArrayList<>();
    for (String symbol : training.getString("symbols").split(",")) {
      String trimmed = symbol.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!QuoteRules.SYMBOL.matcher(trimmed).matches()) {
        throw new ConfigException.BadValue(
            training.origin(),
            "smack.training.symbols",
            "'" + trimmed + "' is not a symbol " + QuoteRules.SYMBOL.pattern());
      }
      symbols.add(trimmed);
    }
    return symbols;
  }
}
