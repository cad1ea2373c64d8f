package io.smack.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.common.Tables;
import io.smack.common.model.ForecastFeatures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a stored model was made from, kept with it ({@code models.lineage}, JSON), so that its
 * process can be told later: the data (table, symbols, range and rows), the code (the commit the
 * job was built from, Spark's and Java's versions) and the configuration (the values that shape a
 * model, and a digest of them: two versions with the same digest were trained the same way). The
 * walk-forward table sits beside it, in {@code evaluation}.
 */
record Lineage(Lineage.Data data, Lineage.Code code, Lineage.Config config) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param rows the labelled rows the model was fitted on
   * @param lookback how far back the job read
   */
  record Data(
      String keyspace,
      String table,
      List<String> symbols,
      String from,
      String to,
      long rows,
      String lookback) {}

  /**
   * @param commit the commit the job was built from ({@code bin/build-commit}), "-dirty" when
   *     tracked files differed from it
   */
  record Code(String job, String commit, String spark, String java) {}

  /**
   * @param digest the first 16 hex digits of the SHA-256 of {@code values} as JSON, keys sorted
   */
  record Config(String digest, Map<String, Object> values) {}

  static Lineage of(
      TrainingSettings settings, String symbol, Trainer.Trained trained, String spark) {
    boolean bars = settings.series().equals(TrainingSettings.BARS);
    return new Lineage(
        new Data(
            settings.cassandra().keyspace(),
            bars ? Tables.BARS_1M : Tables.QUOTES_BY_DAY,
            List.of(symbol),
            trained.rows() == 0 ? null : trained.from().toString(),
            trained.rows() == 0 ? null : trained.to().toString(),
            trained.rows(),
            settings.lookback().toString()),
        new Code(TrainingMain.class.getName(), commit(), spark, System.getProperty("java.version")),
        config(settings));
  }

  static Config config(TrainingSettings settings) {
    Map<String, Object> values = new TreeMap<>();
    values.put("series", settings.series());
    values.put("lookback", settings.lookback().toString());
    values.put("families", settings.families().stream().map(Family::kind).toList());
    values.put("folds", settings.folds());
    values.put("test_fraction", settings.testFraction());
    values.put("validation_fraction", settings.validationFraction());
    values.put("margin", settings.margin());
    values.put("min_rows", settings.minRows());
    values.put("min_scored_rows", settings.minScoredRows());
    values.put("features", ForecastFeatures.NAMES);
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(JSON.writeValueAsString(values).getBytes(StandardCharsets.UTF_8));
      return new Config(HexFormat.of().formatHex(hash).substring(0, 16), values);
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException("a configuration that cannot be digested", e);
    }
  }

  /** The commit this job was built from, or "unknown" (a build without git). */
  static String commit() {
    try (InputStream in = Lineage.class.getResourceAsStream("build-commit")) {
      return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a lineage that cannot be written as JSON", e);
    }
  }
}
