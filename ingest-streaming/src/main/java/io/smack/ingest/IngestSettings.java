package io.smack.ingest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.smack.common.CassandraSettings;
import io.smack.common.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The streaming job's settings ({@code smack.ingest}), with Kafka's and Cassandra's of {@code
 * common}.
 *
 * @param triggerInterval empty for {@code available-now}: process what the topic holds and stop
 * @param sparkConf further {@code spark.*} settings, passed as they are
 */
record IngestSettings(
    KafkaSettings kafka,
    CassandraSettings cassandra,
    String master,
    String queryName,
    String checkpoint,
    String startingOffsets,
    long maxOffsetsPerTrigger,
    Optional<Duration> triggerInterval,
    int shufflePartitions,
    Duration barsWatermark,
    boolean createSchema,
    String httpHost,
    int httpPort,
    Map<String, String> sparkConf) {

  static final String AVAILABLE_NOW = "available-now";

  IngestSettings {
    sparkConf = Map.copyOf(sparkConf);
  }

  static IngestSettings from(Config config) {
    Config ingest = config.getConfig("smack.ingest");
    return new IngestSettings(
        KafkaSettings.from(config),
        CassandraSettings.from(config),
        ingest.getString("master"),
        ingest.getString("query-name"),
        ingest.getString("checkpoint"),
        oneOf(ingest, "starting-offsets", "earliest", "latest"),
        positive(ingest, "max-offsets-per-trigger", ingest.getLong("max-offsets-per-trigger")),
        trigger(ingest),
        (int) positive(ingest, "shuffle-partitions", ingest.getInt("shuffle-partitions")),
        ingest.getDuration("bars.watermark"),
        ingest.getBoolean("create-schema"),
        ingest.getString("http.host"),
        ingest.getInt("http.port"),
        sparkConf(ingest));
  }

  /**
   * These settings with {@code more} Spark settings added to (or replacing) the configured ones.
   */
  IngestSettings withSparkConf(Map<String, String> more) {
    Map<String, String> conf = new TreeMap<>(sparkConf);
    conf.putAll(more);
    return new IngestSettings(
        kafka,
        cassandra,
        master,
        queryName,
        checkpoint,
        startingOffsets,
        maxOffsetsPerTrigger,
        triggerInterval,
        shufflePartitions,
        barsWatermark,
        createSchema,
        httpHost,
        httpPort,
        conf);
  }

  private static Optional<Duration> trigger(Config ingest) {
    if (ingest.getString("trigger").equals(AVAILABLE_NOW)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ingest.getDuration("trigger"));
    } catch (ConfigException.BadValue e) {
      throw new ConfigException.BadValue(
          ingest.origin(),
          "smack.ingest.trigger",
          "'" + ingest.getString("trigger") + "' is neither a duration nor " + AVAILABLE_NOW);
    }
  }

  private static Map<String, String> sparkConf(Config ingest) {
    Map<String, String> conf = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> entry : ingest.getConfig("spark-conf").entrySet()) {
      // entrySet() flattens nested keys; the quoted key "spark.a.b" comes back quoted.
      String key = entry.getKey().replace("\"", "");
      if (!key.startsWith("spark.")) {
        throw new ConfigException.BadValue(
            ingest.origin(), "smack.ingest.spark-conf", "'" + key + "' is not a spark.* setting");
      }
      conf.put(key, String.valueOf(entry.getValue().unwrapped()));
    }
    return conf;
  }

  private static String oneOf(Config ingest, String path, String... allowed) {
    String value = ingest.getString(path);
    for (String candidate : allowed) {
      if (candidate.equals(value)) {
        return value;
      }
    }
    throw new ConfigException.BadValue(
        ingest.origin(),
        "smack.ingest." + path,
        "'" + value + "' is not one of " + String.join(", ", allowed));
  }

  private static long positive(Config ingest, String path, long value) {
    if (value < 1) {
      throw new ConfigException.BadValue(
          ingest.origin(), "smack.ingest." + path, value + " is below 1");
    }
    return value;
  }
}
