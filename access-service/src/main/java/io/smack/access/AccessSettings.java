package io.smack.access;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.smack.common.CassandraSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The access service's settings ({@code smack.access}, see {@code reference.conf}), checked at
 * start-up.
 *
 * @param httpHost interface to bind
 * @param httpPort port to bind
 * @param requestTimeout the longest a request waits for Cassandra
 * @param reconnectMaxDelay longest wait between two attempts to reach Cassandra
 * @param readinessInterval how often readiness checks Cassandra
 * @param defaultLimit rows per page when {@code ?limit=} is not given
 * @param maxLimit the largest {@code ?limit=} accepted
 * @param modelReloadInterval how long a symbol's served model is kept before it is read again
 * @param latestCacheTtl how long a symbol's latest quote is kept in memory; zero: not kept
 * @param predictionSeries {@link Series#QUOTES} or {@link Series#BARS}
 * @param authTokens bearer tokens accepted; empty when authentication is off
 * @param status how {@code /status} draws its verdict
 * @param cassandra where the tables are
 */
record AccessSettings(
    String httpHost,
    int httpPort,
    Duration requestTimeout,
    Duration reconnectMaxDelay,
    Duration readinessInterval,
    int defaultLimit,
    int maxLimit,
    Duration modelReloadInterval,
    Duration latestCacheTtl,
    Series predictionSeries,
    Set<String> authTokens,
    PipelineStatus.Thresholds status,
    CassandraSettings cassandra) {

  /** The series a prediction's inputs come from. */
  enum Series {
    QUOTES,
    BARS
  }

  AccessSettings {
    authTokens = Set.copyOf(authTokens);
  }

  static AccessSettings from(Config config) {
    Config access = config.getConfig("smack.access");
    int defaultLimit = access.getInt("page.default-limit");
    int maxLimit = access.getInt("page.max-limit");
    if (defaultLimit < 1 || defaultLimit > maxLimit) {
      throw new ConfigException.BadValue(
          "smack.access.page.default-limit",
          defaultLimit + " is not between 1 and page.max-limit (" + maxLimit + ")");
    }
    return new AccessSettings(
        access.getString("http.host"),
        access.getInt("http.port"),
        positive(access, "request-timeout"),
        positive(access, "reconnect-max-delay"),
        positive(access, "readiness-interval"),
        defaultLimit,
        maxLimit,
        positive(access, "model-reload-interval"),
        notNegative(access, "latest-cache-ttl"),
        series(access.getString("prediction-series")),
        Arrays.stream(access.getString("auth-tokens").split(","))
            .map(String::strip)
            .filter(token -> !token.isEmpty())
            .collect(Collectors.toSet()),
        new PipelineStatus.Thresholds(
            access.getString("status.query"),
            positive(access, "status.stale-after"),
            access.getLong("status.max-lag"),
            positive(access, "status.recent-window"),
            positive(access, "status.future-after")),
        CassandraSettings.from(config));
  }

  boolean authenticationOn() {
    return !authTokens.isEmpty();
  }

  private static Duration positive(Config access, String key) {
    Duration duration = access.getDuration(key);
    if (duration.isNegative() || duration.isZero()) {
      throw new ConfigException.BadValue("smack.access." + key, duration + " is not above zero");
    }
    return duration;
  }

  private static Duration notNegative(Config access, String key) {
    Duration duration = access.getDuration(key);
    if (duration.isNegative()) {
      throw new ConfigException.BadValue("smack.access." + key, duration + " is negative");
    }
    return duration;
  }

  private static Series series(String name) {
    return switch (name) {
      case "quotes" -> Series.QUOTES;
      case "bars" -> Series.BARS;
      default ->
          throw new ConfigException.BadValue(
              "smack.access.prediction-series", "'" + name + "' is neither quotes nor bars");
    };
  }
}
