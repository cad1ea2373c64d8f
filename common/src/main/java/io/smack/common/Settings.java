package io.smack.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads the configuration of a service: system properties, then {@code application.conf}, then
 * every {@code reference.conf}, with {@code ${?ENV_VAR}} overrides resolved from the environment.
 */
public final class Settings {

  private Settings() {}

  /** The configuration of this process, checked against the reference: fails on a bad key. */
  public static Config load() {
    return load(System.getenv());
  }

  /**
   * The configuration as it would be with {@code environment} as the process environment.
   *
   * @throws ConfigException naming the setting that is missing or has the wrong type
   */
  public static Config load(Map<String, String> environment) {
    Config reference = ConfigFactory.parseResourcesAnySyntax("reference");
    Config unresolved =
        ConfigFactory.defaultOverrides()
            .withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
            .withFallback(reference);
    // Environment keys are single keys, not paths, exactly as Typesafe Config reads the real one.
    Config env = ConfigValueFactory.fromMap(environment, "environment variables").toConfig();
    Config config =
        unresolved
            .withFallback(env)
            .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false))
            .withOnlyPath("smack");
    config.checkValid(reference.resolve(ConfigResolveOptions.noSystem()), "smack");
    return config;
  }

  /** Parses {@code host:port,host:port}, naming the setting when an entry is malformed. */
  static List<InetSocketAddress> addresses(Config config, String path) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String entry : config.getString(path).split(",")) {
      String trimmed = entry.strip();
      int colon = trimmed.lastIndexOf(':');
      if (colon <= 0 || colon == trimmed.length() - 1) {
        throw new ConfigException.BadValue(
            config.origin(), path, "'" + trimmed + "' is not host:port");
      }
      try {
        int port = Integer.parseInt(trimmed.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new NumberFormatException("out of range");
        }
        addresses.add(InetSocketAddress.createUnresolved(trimmed.substring(0, colon), port));
      } catch (NumberFormatException e) {
        throw new ConfigException.BadValue(
            config.origin(), path, "'" + trimmed + "' has no port between 1 and 65535", e);
      }
    }
    return List.copyOf(addresses);
  }
}
