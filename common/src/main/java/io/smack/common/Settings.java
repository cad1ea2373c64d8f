package io.smack.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Loads the configuration of a part of the pipeline ({@code smack.*}), from four layers, each over
 * the ones below it:
 *
 * <ol>
 *   <li>system properties ({@code -Dsmack.kafka.bootstrap-servers=...});
 *   <li>environment variables, through the {@code ${?ENV_VAR}} lines of the {@code reference.conf}
 *       files (what a Marathon app's {@code env} sets);
 *   <li>a configuration file: Typesafe Config's standard {@code -Dconfig.file=PATH}, {@code
 *       -Dconfig.resource=NAME} or {@code -Dconfig.url=URL} ({@code bin/smack PART --config FILE}
 *       sets the first), else an {@code application.conf} on the class path;
 *   <li>every {@code reference.conf}: the defaults, each documented there.
 * </ol>
 *
 * A file may use {@code ${?ENV_VAR}} itself. A key the reference does not know, or of the wrong
 * type, fails the load with its name.
 */
public final class Settings {

  /** What stands for an environment variable's value while finding the keys it sets. */
  private static final String MARKER = "\u0000environment:";

  private static final ConfigResolveOptions ENVIRONMENT_GIVEN =
      ConfigResolveOptions.defaults().setUseSystemEnvironment(false);

  private Settings() {}

  /** The configuration of this process, checked against the reference: fails on a bad key. */
  public static Config load() {
    return load(System.getenv());
  }

  /**
   * The configuration as it would be with {@code environment} as the process environment.
   *
   * @throws ConfigException naming the setting that is missing or has the wrong type, or the
   *     configuration file that cannot be read
   */
  public static Config load(Map<String, String> environment) {
    return load(environment, System.getProperties());
  }

  /**
   * The configuration as it would be with {@code environment} and {@code system} as the process's
   * environment and system properties.
   */
  static Config load(Map<String, String> environment, Properties system) {
    Config reference = ConfigFactory.parseResourcesAnySyntax("reference");
    // Environment keys are single keys, not paths, exactly as Typesafe Config reads the real one.
    Config env = ConfigValueFactory.fromMap(environment, "environment variables").toConfig();
    Config config =
        ConfigFactory.parseProperties(system)
            .withFallback(fromEnvironment(reference, environment))
            .withFallback(file(system))
            .withFallback(reference)
            .withFallback(env)
            .resolve(ENVIRONMENT_GIVEN)
            .withOnlyPath("smack");
    config.checkValid(reference.resolve(ConfigResolveOptions.noSystem()), "smack");
    return config;
  }

  /**
   * The settings the environment gives through the reference's {@code ${?ENV_VAR}} lines, as a
   * layer of their own (even one equal to the default): the keys that resolve to a marker when
   * every variable set is replaced by one.
   */
  private static Config fromEnvironment(Config reference, Map<String, String> environment) {
    Map<String, String> markers = new HashMap<>();
    environment.keySet().forEach(name -> markers.put(name, MARKER + name));
    Config marked =
        reference
            .withFallback(ConfigValueFactory.fromMap(markers, "markers").toConfig())
            .resolve(ENVIRONMENT_GIVEN)
            .withOnlyPath("smack");
    Config withEnv =
        reference
            .withFallback(
                ConfigValueFactory.fromMap(environment, "environment variables").toConfig())
            .resolve(ENVIRONMENT_GIVEN)
            .withOnlyPath("smack");
    Config given = ConfigFactory.empty("environment variables");
    for (Map.Entry<String, ConfigValue> entry : marked.entrySet()) {
      if (String.valueOf(entry.getValue().unwrapped()).contains(MARKER)) {
        given = given.withValue(entry.getKey(), withEnv.getValue(entry.getKey()));
      }
    }
    return given;
  }

  /**
   * The Pekko configuration of a service's actor system: as Pekko's own {@code
   * ConfigFactory.load()} reads it (system properties over {@code application.conf} over the
   * references), but with the file named by {@code config.file} (or {@code .resource}, {@code
   * .url}) over the part's {@code application.conf} rather than in its place: that file holds what
   * the part needs to run (e.g. that the JVM exits after a shutdown), a user's file only adds to
   * it.
   */
  public static Config actorSystem() {
    return actorSystem(System.getProperties());
  }

  static Config actorSystem(Properties system) {
    return ConfigFactory.load(file(system));
  }

  /**
   * The configuration file named by {@code config.resource}, {@code config.file} or {@code
   * config.url} (one at most) over {@code application.conf} (or .json, .properties) on the class
   * path when there is one. A file named but missing fails the load with its name.
   */
  private static Config file(Properties system) {
    String resource = system.getProperty("config.resource");
    String file = system.getProperty("config.file");
    String url = system.getProperty("config.url");
    long named = Stream.of(resource, file, url).filter(Objects::nonNull).count();
    if (named > 1) {
      throw new ConfigException.Generic(
          "set one of config.resource, config.file and config.url, not "
              + named
              + " (config.file="
              + file
              + ", config.resource="
              + resource
              + ", config.url="
              + url
              + ")");
    }
    ConfigParseOptions required = ConfigParseOptions.defaults().setAllowMissing(false);
    Config application = ConfigFactory.parseResourcesAnySyntax("application");
    try {
      if (resource != null) {
        return ConfigFactory.parseResources(resource, required).withFallback(application);
      }
      if (file != null) {
        return ConfigFactory.parseFile(new File(file), required).withFallback(application);
      }
      if (url != null) {
        return ConfigFactory.parseURL(new URL(url), required).withFallback(application);
      }
    } catch (MalformedURLException e) {
      throw new ConfigException.Generic("config.url: '" + url + "' is not a URL", e);
    }
    return application;
  }

  /**
   * Where the value at {@code path} came from ({@code /etc/smack/pipeline.conf: 3}, {@code
   * environment variables}, a {@code reference.conf}), for an error naming a bad value.
   */
  static ConfigOrigin origin(Config config, String path) {
    return config.hasPath(path) ? config.getValue(path).origin() : config.origin();
  }

  /** Parses {@code host:port,host:port}, naming the setting when an entry is malformed. */
  static List<InetSocketAddress> addresses(Config config, String path) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String entry : config.getString(path).split(",")) {
      String trimmed = entry.strip();
      int colon = trimmed.lastIndexOf(':');
      if (colon <= 0 || colon == trimmed.length() - 1) {
        throw new ConfigException.BadValue(
            origin(config, path), path, "'" + trimmed + "' is not host:port");
      }
      try {
        int port = Integer.parseInt(trimmed.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new NumberFormatException("out of range");
        }
        addresses.add(InetSocketAddress.createUnresolved(trimmed.substring(0, colon), port));
      } catch (NumberFormatException e) {
        throw new ConfigException.BadValue(
            origin(config, path), path, "'" + trimmed + "' has no port between 1 and 65535", e);
      }
    }
    return List.copyOf(addresses);
  }
}
