package io.smack.shell;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.smack.common.CassandraSettings;

/**
 * The shell's settings ({@code smack.shell}) and Cassandra's.
 *
 * @param master the Spark master of the shell's session
 * @param predictionSeries {@code quotes} or {@code bars}: the series {@code predict} reads, the one
 *     the models were trained on
 */
record ShellSettings(String master, String predictionSeries, CassandraSettings cassandra) {

  static ShellSettings from(Config config) {
    Config shell = config.getConfig("smack.shell");
    String series = shell.getString("prediction-series");
    if (!series.equals("quotes") && !series.equals("bars")) {
      throw new ConfigException.BadValue(
          shell.origin(),
          "smack.shell.prediction-series",
          "'" + series + "' is not quotes or bars");
    }
    return new ShellSettings(shell.getString("master"), series, CassandraSettings.from(config));
  }
}
