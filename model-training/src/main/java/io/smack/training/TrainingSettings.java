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
    List<Family> families,
    int folds,
    double testFraction,
    double validationFraction,
    double margin,
    long minRows,
    long minScoredRows,
    int parallelism,
    boolean createSchema) {

  static final String QUOTES = "quotes";
  static final String BARS = "bars";

  TrainingSettings {
    symbols = List.copyOf(symbols);
    families = List.copyOf(families);
  }

  /** The walk-forward options of {@link Trainer}. */
  Trainer.Options trainerOptions() {
    return new Trainer.Options(
        new WalkForward(folds, testFraction, minRows),
        validationFraction,
        margin,
        families,
        minScoredRows);
  }

  static TrainingSettings from(Config config) {
    Config training = config.getConfig("smack.training");
    String series = training.getString("series");
    if (!series.equals(QUOTES) && !series.equals(BARS)) {
      throw new ConfigException.BadValue(
          training.origin(), "smack.training.series", "'" + series + "' is not quotes or bars");
    }
    int folds = training.getInt("folds");
    if (folds < 1) {
      throw new ConfigException.BadValue(
          training.origin(), "smack.training.folds", folds + " is not 1 or more");
    }
    double margin = training.getDouble("margin");
    if (!(margin >= 0 && margin < 1)) {
      throw new ConfigException.BadValue(
          training.origin(), "smack.training.margin", margin + " is not in [0, 1)");
    }
    return new TrainingSettings(
        CassandraSettings.from(config),
        training.getString("master"),
        symbols(training),
        series,
        training.getDuration("lookback"),
        families(training),
        folds,
        fraction(training, "test-fraction"),
        fraction(training, "validation-fraction"),
        margin,
        training.getLong("min-rows"),
        training.getLong("min-scored-rows"),
        parallelism(training),
        training.getBoolean("create-schema"));
  }

  private static int parallelism(Config training) {
    int parallelism = training.getInt("parallelism");
    if (parallelism < 1) {
      throw new ConfigException.BadValue(
          training.origin(), "smack.training.parallelism", parallelism + " is not 1 or more");
    }
    return parallelism;
  }

  private static double fraction(Config training, String key) {
    double fraction = training.getDouble(key);
    if (!(fraction > 0 && fraction < 1)) {
      throw new ConfigException.BadValue(
          training.origin(), "smack.training." + key, fraction + " is not in (0, 1)");
    }
    return fraction;
  }

  private static List<Family> families(Config training) {
    List<Family> families = new ArrayList<>();
    for (String kind : training.getString("families").split(",")) {
      String trimmed = kind.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      try {
        Family family = Family.of(trimmed);
        if (family == Family.NAIVE) {
          throw new IllegalArgumentException("naive is always a candidate; no need to name it");
        }
        families.add(family);
      } catch (IllegalArgumentException e) {
        throw new ConfigException.BadValue(
            training.origin(),
            "smack.training.families",
            "'" + trimmed + "': " + e.getMessage() + "; the families: " + Family.candidates());
      }
    }
    return families;
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
