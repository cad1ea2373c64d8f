package io.smack.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * The rules of a quote that are configuration ({@code smack.quotes}), shared by the collector and
 * the streaming job so that both refuse the same inputs.
 *
 * @param maxClockSkew how far ahead of the receiving clock a quote may be stamped; a quote further
 *     ahead is refused as {@code future_timestamp}
 */
public record QuoteSettings(Duration maxClockSkew) {

  public QuoteSettings {
    if (maxClockSkew.isNegative() || maxClockSkew.isZero()) {
      throw new IllegalArgumentException("max-clock-skew " + maxClockSkew + " is not above 0");
    }
  }

  public static QuoteSettings from(Config config) {
    String path = "smack.quotes.max-clock-skew";
    try {
      return new QuoteSettings(config.getDuration(path));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(Settings.origin(config, path), path, e.getMessage(), e);
    }
  }
}
