package io.smack.collector;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.smack.common.QuoteSettings;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The collector's settings ({@code smack.collector}): which sources run, how quotes are batched to
 * Kafka, how failed sources are restarted, where health is served.
 */
record CollectorSettings(
    String httpHost,
    int httpPort,
    List<QuoteSource> sources,
    int batchRecords,
    Duration batchWithin,
    int inFlightBatches,
    Duration lingerMs,
    int batchBytes,
    String compression,
    Duration minBackoff,
    Duration maxBackoff,
    boolean exitWhenDone,
    Duration shutdownTimeout,
    Duration kafkaUnreachableAfter) {

  CollectorSettings {
    sources = List.copyOf(sources);
  }

  static CollectorSettings from(Config config, Clock clock) {
    Config collector = config.getConfig("smack.collector");
    QuoteSettings quotes = QuoteSettings.from(config);
    List<QuoteSource> sources = new ArrayList<>();
    for (String name : collector.getString("sources").split("\\s*,\\s*")) {
      sources.add(source(collector, name.strip(), quotes, clock));
    }
    return new CollectorSettings(
        collector.getString("http.host"),
        collector.getInt("http.port"),
        sources,
        collector.getInt("kafka.batch-records"),
        collector.getDuration("kafka.batch-within"),
        collector.getInt("kafka.in-flight-batches"),
        collector.getDuration("kafka.linger"),
        collector.getInt("kafka.batch-bytes"),
        collector.getString("kafka.compression"),
        collector.getDuration("restart.min-backoff"),
        collector.getDuration("restart.max-backoff"),
        collector.getBoolean("exit-when-done"),
        collector.getDuration("shutdown-timeout"),
        collector.getDuration("kafka.unreachable-after"));
  }

  private static QuoteSource source(
      Config collector, String name, QuoteSettings quotes, Clock clock) {
    String path = "smack.collector.source." + name;
    if (!collector.hasPath("source." + name)) {
      throw new ConfigException.Missing(path);
    }
    Config block = collector.getConfig("source." + name);
    String type = block.getString("type");
    // a block sets what differs from its type's defaults (smack.collector.defaults.TYPE)
    Config source =
        collector.hasPath("defaults." + type)
            ? block.withFallback(collector.getConfig("defaults." + type))
            : block;
    try {
      return switch (type) {
        case "simulator" -> new SimulatorSource(SimulatorSettings.from(name, source, path), clock);
        case "csv" -> new CsvReplay(CsvReplay.Settings.from(name, source, quotes), clock);
        case "http" -> new HttpFeed(HttpFeed.Settings.from(name, source, quotes), clock);
        default ->
            throw new ConfigException.BadValue(
                source.origin(),
                path + ".type",
                "'" + source.getString("type") + "' is not simulator, csv or http");
      };
    } catch (IllegalArgumentException | DateTimeException e) {
      throw new ConfigException.BadValue(source.origin(), path, e.getMessage(), e);
    }
  }
}
