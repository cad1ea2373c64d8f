package io.smack.ingest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.smack.common.CassandraSettings;
import io.smack.common.KafkaSettings;
import io.smack.common.QuoteSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The streaming job's settings ({@code smack.ingest}), with Kafka's, Cassandra's and the quote
 * rules of {@code common}.
 *
 * @param queryName the quotes query's name; the bars query's is {@link #barsQueryName}
 * @param checkpoint the directory of both queries' checkpoints ({@link #quotesCheckpoint}, {@link
 *     #barsCheckpoint})
 * @param triggerInterval the quotes query's trigger; empty for {@code available-now}: process what
 *     the topic holds and stop (both queries)
 * @param writesInFlight asynchronous inserts in flight per task of the quotes query
 * @param barsWatermark Spark's watermark delay on the quotes' minute
 * @param barsTrigger the bars query's trigger; empty for {@code available-now}
 * @param backfillWait how long a backfill waits for the quotes query to have stored its quotes
 * @param scoring the scoring of finished bars with the served models ({@link BarScorer})
 * @param sparkConf further {@code spark.*} settings, passed as they are
 */
record IngestSettings(
    KafkaSettings kafka,
    CassandraSettings cassandra,
    QuoteSettings quotes,
    String master,
    String queryName,
    String checkpoint,
    String startingOffsets,
    long maxOffsetsPerTrigger,
    Optional<Duration> triggerInterval,
    int writesInFlight,
    int shufflePartitions,
    Duration barsWatermark,
    Optional<Duration> barsTrigger,
    Duration backfillWait,
    Scoring scoring,
    boolean createSchema,
    String httpHost,
    int httpPort,
    Map<String, String> sparkConf) {

  static final String AVAILABLE_NOW = "available-now";

  /**
   * {@code smack.ingest.scoring}.
   *
   * @param enabled whether the bars query scores finished bars
   * @param window the steps the live monitor's figures cover
   * @param demote whether a model worse than the naive forecast over a full window is demoted
   * @param demoteMargin how much worse its rolling RMSE may be, as a fraction (0.05: 5 %)
   * @param maxBars the most bars of one symbol scored in one batch (a longer backlog resumes at the
   *     newest)
   */
  record Scoring(boolean enabled, int window, boolean demote, double demoteMargin, int maxBars)
      implements java.io.Serializable {

    static Scoring from(Config ingest) {
      Config scoring = ingest.getConfig("scoring");
      double margin = scoring.getDouble("demote-margin");
      if (!(margin >= 0)) {
        throw new ConfigException.BadValue(
            ingest.origin(), "smack.ingest.scoring.demote-margin", margin + " is below 0");
      }
      return new Scoring(
          scoring.getBoolean("enabled"),
          (int) positive(ingest, "scoring.window", scoring.getInt("window")),
          scoring.getBoolean("demote"),
          margin,
          (int) positive(ingest, "scoring.max-bars", scoring.getInt("max-bars")));
    }
  }

  IngestSettings {
    sparkConf = Map.copyOf(sparkConf);
    if (triggerInterval.isEmpty()) {
      barsTrigger = Optional.empty();
    }
  }

  static IngestSettings from(Config config) {
    Config ingest = config.getConfig("smack.ingest");
    QuoteSettings quotes = QuoteSettings.from(config);
    Duration watermark = ingest.getDuration("bars.watermark");
    if (watermark.compareTo(quotes.maxClockSkew()) <= 0) {
      // A quote accepted at the clock plus the skew moves the watermark to that time less the
      // delay: only a delay above the skew keeps the watermark behind the clock, and live quotes
      // on time.
      throw new ConfigException.BadValue(
          ingest.origin(),
          "smack.ingest.bars.watermark",
          watermark
              + " is not above smack.quotes.max-clock-skew ("
              + quotes.maxClockSkew()
              + "): a quote stamped that far ahead would make the next live quotes late");
    }
    return new IngestSettings(
        KafkaSettings.from(config),
        CassandraSettings.from(config),
        quotes,
        ingest.getString("master"),
        ingest.getString("query-name"),
        ingest.getString("checkpoint"),
        oneOf(ingest, "starting-offsets", "earliest", "latest"),
        positive(ingest, "max-offsets-per-trigger", ingest.getLong("max-offsets-per-trigger")),
        trigger(ingest, "trigger"),
        (int) positive(ingest, "writes-in-flight", ingest.getInt("writes-in-flight")),
        (int) positive(ingest, "shuffle-partitions", ingest.getInt("shuffle-partitions")),
        watermark,
        trigger(ingest, "bars.trigger"),
        ingest.getDuration("bars.backfill-wait"),
        Scoring.from(ingest),
        ingest.getBoolean("create-schema"),
        ingest.getString("http.host"),
        ingest.getInt("http.port"),
        sparkConf(ingest));
  }

  /**
   * The most Kafka records a micro-batch of the bars query reads: {@link #maxOffsetsPerTrigger} for
   * each quotes trigger in a bars trigger, so that both queries may read as many records a second.
   * With the quotes query's own bound, a bars trigger of 10 s read at most 200 000 records every 10
   * s — 20 000 quotes a second however many cores the job had — and fell behind for good above it.
   * The same as the quotes query's with {@code available-now} or a {@code 0s} trigger.
   */
  long barsMaxOffsetsPerTrigger() {
    if (triggerInterval.isEmpty() || barsTrigger.isEmpty()) {
      return maxOffsetsPerTrigger;
    }
    long quotesMillis = triggerInterval.get().toMillis();
    long barsMillis = barsTrigger.get().toMillis();
    if (quotesMillis == 0 || barsMillis <= quotesMillis) {
      return maxOffsetsPerTrigger;
    }
    long triggers = (barsMillis + quotesMillis - 1) / quotesMillis;
    try {
      return Math.multiplyExact(maxOffsetsPerTrigger, triggers);
    } catch (ArithmeticException beyondLong) {
      return Long.MAX_VALUE;
    }
  }

  /** The bars query's name: the quotes query's with {@code -bars}. */
  String barsQueryName() {
    return queryName + "-bars";
  }

  /** The quotes query's checkpoint: {@code quotes/} under {@link #checkpoint}. */
  String quotesCheckpoint() {
    return checkpoint + "/quotes";
  }

  /** The bars query's checkpoint, with its state: {@code bars/} under {@link #checkpoint}. */
  String barsCheckpoint() {
    return checkpoint + "/bars";
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
        quotes,
        master,
        queryName,
        checkpoint,
        startingOffsets,
        maxOffsetsPerTrigger,
        triggerInterval,
        writesInFlight,
        shufflePartitions,
        barsWatermark,
        barsTrigger,
        backfillWait,
        scoring,
        createSchema,
        httpHost,
        httpPort,
        conf);
  }

  private static Optional<Duration> trigger(Config ingest, String path) {
    if (ingest.getString(path).equals(AVAILABLE_NOW)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ingest.getDuration(path));
    } catch (ConfigException.BadValue e) {
      throw new ConfigException.BadValue(
          ingest.origin(),
          "smack.ingest." + path,
          "'" + ingest.getString(path) + "' is neither a duration nor " + AVAILABLE_NOW);
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
