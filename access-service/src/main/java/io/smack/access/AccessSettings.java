package io.smack.access;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.smack.common.CassandraSettings;
import io.smack.common.HttpTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The access service's settings ({@code smack.access}, see {@code reference.conf}), checked at
 * start-up.
 *
 * @param httpHost interface to bind
 * @param httpPort port to bind
 * @param requestTimeout the longest a request waits for Cassandra
 * @param speculativeDelay how long a read waits for its node before another replica is asked as
 *     well; zero: never
 * @param reconnectMaxDelay longest wait between two attempts to reach Cassandra
 * @param readinessInterval how often readiness checks Cassandra
 * @param defaultLimit rows per page when {@code ?limit=} is not given
 * @param maxLimit the largest {@code ?limit=} accepted
 * @param errorsMaxLimit the largest {@code ?limit=} of the errors view, whose rows cost a lookup
 *     each
 * @param modelReloadInterval how long a symbol's served model is kept before it is read again
 * @param latestCacheTtl how long a symbol's latest quote is kept in memory; zero: not kept
 * @param statusCacheTtl how long a {@code /status} verdict is kept; zero: not kept
 * @param cacheMaxSymbols the most symbols each cache holds
 * @param maxSymbols the most symbols {@code /symbols} lists and {@code /status} reports on
 * @param predictionSeries {@link Series#QUOTES} or {@link Series#BARS}
 * @param streamedPredictions whether {@code GET /predictions} answers the newest prediction the
 *     streaming job scored (else each is evaluated on demand)
 * @param authTokens bearer tokens accepted; empty when authentication is off
 * @param status how {@code /status} draws its verdict
 * @param tls HTTPS, or plain HTTP
 * @param rateLimit each client's request rate; empty when unlimited
 * @param corsOrigins the origins whose pages may call the API from a browser; empty: none (no CORS
 *     headers)
 * @param views the families of views this instance serves ({@link View}); the others answer 404
 *     naming their family
 * @param cassandra where the tables are
 */
record AccessSettings(
    String httpHost,
    int httpPort,
    Duration requestTimeout,
    Duration speculativeDelay,
    Duration reconnectMaxDelay,
    Duration readinessInterval,
    int defaultLimit,
    int maxLimit,
    int errorsMaxLimit,
    Duration modelReloadInterval,
    Duration latestCacheTtl,
    Duration statusCacheTtl,
    int cacheMaxSymbols,
    int maxSymbols,
    Series predictionSeries,
    boolean streamedPredictions,
    Set<String> authTokens,
    PipelineStatus.Thresholds status,
    HttpTls tls,
    Optional<RateLimit> rateLimit,
    List<String> corsOrigins,
    Set<View> views,
    CassandraSettings cassandra) {

  /**
   * Each client's allowance: {@code perSecond} sustained, {@code burst} at once.
   *
   * @param trustForwardedFor whether the client is the first {@code X-Forwarded-For} address (set
   *     it behind a load balancer that writes that header, and only there: a client can write it
   *     too)
   */
  record RateLimit(double perSecond, int burst, boolean trustForwardedFor) {}

  /** The series a prediction's inputs come from. */
  enum Series {
    QUOTES,
    BARS
  }

  AccessSettings {
    authTokens = Set.copyOf(authTokens);
    corsOrigins = List.copyOf(corsOrigins);
    views = Collections.unmodifiableSet(EnumSet.copyOf(views));
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
        speculativeDelay(access),
        positive(access, "reconnect-max-delay"),
        positive(access, "readiness-interval"),
        defaultLimit,
        maxLimit,
        atLeastOne(access, "page.errors-max-limit"),
        positive(access, "model-reload-interval"),
        notNegative(access, "latest-cache-ttl"),
        notNegative(access, "status-cache-ttl"),
        atLeastOne(access, "cache-max-symbols"),
        atLeastOne(access, "max-symbols"),
        series(access.getString("prediction-series")),
        streamed(access.getString("predictions")),
        authTokens(access),
        new PipelineStatus.Thresholds(
            access.getString("status.query"),
            positive(access, "status.stale-after"),
            access.getLong("status.max-lag"),
            positive(access, "status.recent-window"),
            positive(access, "status.future-after"),
            positive(access, "status.prediction-stale-after"),
            streamed(access.getString("predictions"))),
        HttpTls.from(config),
        rateLimit(access),
        Arrays.stream(access.getString("cors.allowed-origins").split(","))
            .map(String::strip)
            .filter(origin -> !origin.isEmpty())
            .toList(),
        View.parse(access.getString("views")),
        CassandraSettings.from(config));
  }

  /**
   * The tokens of {@code auth-tokens} and of {@code auth-tokens-file} (one per line; blank lines
   * and lines starting with # skipped), so that a secret store can mount them as a file.
   */
  private static Set<String> authTokens(Config access) {
    Set<String> tokens = new HashSet<>();
    Arrays.stream(access.getString("auth-tokens").split(","))
        .map(String::strip)
        .filter(token -> !token.isEmpty())
        .forEach(tokens::add);
    String file = access.getString("auth-tokens-file").strip();
    if (!file.isEmpty()) {
      try {
        Files.readAllLines(Path.of(file)).stream()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .forEach(tokens::add);
      } catch (IOException e) {
        throw new ConfigException.BadValue(
            "smack.access.auth-tokens-file",
            "the tokens file " + file + " (ACCESS_AUTH_TOKENS_FILE) cannot be read: " + e);
      }
    }
    return tokens;
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

  private static Optional<RateLimit> rateLimit(Config access) {
    double perSecond = access.getDouble("rate-limit.requests-per-second");
    if (perSecond < 0) {
      throw new ConfigException.BadValue(
          "smack.access.rate-limit.requests-per-second", perSecond + " is negative");
    }
    if (perSecond == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new RateLimit(
            perSecond,
            atLeastOne(access, "rate-limit.burst"),
            access.getBoolean("rate-limit.trust-forwarded-for")));
  }

  private static int atLeastOne(Config access, String key) {
    int value = access.getInt(key);
    if (value < 1) {
      throw new ConfigException.BadValue("smack.access." + key, value + " is below 1");
    }
    return value;
  }

  /** Zero (off), or below the request timeout: a later one could never fire. */
  private static Duration speculativeDelay(Config access) {
    Duration delay = notNegative(access, "speculative-delay");
    Duration timeout = access.getDuration("request-timeout");
    if (delay.compareTo(timeout) >= 0) {
      throw new ConfigException.BadValue(
          "smack.access.speculative-delay",
          delay + " is not below request-timeout (" + timeout + "); 0 turns it off");
    }
    return delay;
  }

  private static Duration notNegative(Config access, String key) {
    Duration duration = access.getDuration(key);
    if (duration.isNegative()) {
      throw new ConfigException.BadValue("smack.access." + key, duration + " is negative");
    }
    return duration;
  }

  private static boolean streamed(String name) {
    return switch (name) {
      case "stream" -> true;
      case "on-demand" -> false;
      default ->
          throw new ConfigException.BadValue(
              "smack.access.predictions", "'" + name + "' is neither stream nor on-demand");
    };
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

  /** Never prints the bearer tokens: how many there are, and the rest as a record prints it. */
  @Override
  public String toString() {
    return "AccessSettings[http="
        + httpHost
        + ":"
        + httpPort
        + ", requestTimeout="
        + requestTimeout
        + ", speculativeDelay="
        + speculativeDelay
        + ", authTokens="
        + authTokens.size()
        + ", tls="
        + tls
        + ", rateLimit="
        + rateLimit
        + ", corsOrigins="
        + corsOrigins
        + ", views="
        + View.names(views)
        + ", cassandra="
        + cassandra
        + "]";
  }
}
