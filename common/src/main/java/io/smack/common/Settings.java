package io.smack.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * A file may use {@code ${?ENV_VAR}} itself. A key the reference does not know (a typo: {@code
 * auth-token} for {@code auth-tokens}) fails the load with its name, where it was set and the
 * nearest known key; so does a key of the wrong type. A part's JVM holds only its own reference, so
 * a file shared by every part may set the other parts' sections ({@link #SECTIONS}); keys under a
 * block of user-named blocks ({@link #NAMED_BLOCKS}) and under a pass-through map ({@link
 * #PASS_THROUGH}) are checked as far as they can be.
 */
public final class Settings {

  /** What stands for an environment variable's value while finding the keys it sets. */
  private static final String MARKER = "\u0000environment:";

  private static final ConfigResolveOptions ENVIRONMENT_GIVEN =
      ConfigResolveOptions.defaults().setUseSystemEnvironment(false);

  /** The project's sections of {@code smack}: each part's reference holds some of them. */
  static final Set<String> SECTIONS =
      Set.of(
          "kafka",
          "cassandra",
          "quotes",
          "local-stack",
          "collector",
          "ingest",
          "training",
          "access",
          "shell");

  /**
   * Keys of another part's section that every part's reference holds ({@code common}'s): they do
   * not make that section this part's (a shared file's {@code smack.local-stack.nodes} is the
   * launcher's to check, not the access service's).
   */
  static final Set<String> SHARED_KEYS = Set.of("smack.local-stack.dir");

  /**
   * Blocks whose children a user names, each with the block of its children's defaults (per type):
   * a key of a child is known when a built-in child, or a type's defaults, has it.
   */
  static final Map<String, String> NAMED_BLOCKS =
      Map.of("smack.collector.source", "smack.collector.defaults");

  /**
   * The build's and the tests' own system properties under {@code smack}, not settings: Maven hands
   * its {@code -D} values to the test JVMs ({@code -Dsmack.stack.file} of {@code bin/smack test},
   * {@code -Dsmack.excluded-groups} of {@code bin/smack chaos}, {@code -Dsmack.test.tools} of
   * both).
   */
  static final Set<String> NOT_SETTINGS =
      Set.of("smack.stack", "smack.excluded-groups", "smack.test");

  /** Maps passed on as they are (Spark's settings): any key. */
  static final Set<String> PASS_THROUGH = Set.of("smack.ingest.spark-conf");

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
  public static Config load(Map<String, String> environment, Properties system) {
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
    Config known = reference.resolve(ConfigResolveOptions.noSystem());
    config.checkValid(known, "smack");
    refuseUnknown(config, known.withOnlyPath("smack"));
    return config;
  }

  /**
   * @throws ConfigException.BadPath on the first key of {@code config} that {@code known} does not
   *     have, naming where it was set and the nearest known key
   */
  static void refuseUnknown(Config config, Config known) {
    Set<String> paths = new TreeSet<>();
    known.entrySet().forEach(entry -> paths.add(entry.getKey()));
    for (Map.Entry<String, ConfigValue> entry : new TreeMap<>(asMap(config)).entrySet()) {
      String path = entry.getKey();
      if (!isKnown(path, paths)) {
        String nearest = nearest(path, paths);
        throw new ConfigException.BadPath(
            entry.getValue().origin(),
            path,
            "no such setting"
                + (nearest == null ? "" : "; did you mean '" + nearest + "'?")
                + " (the settings are documented in the reference.conf of each module)");
      }
    }
  }

  private static Map<String, ConfigValue> asMap(Config config) {
    Map<String, ConfigValue> values = new HashMap<>();
    config.entrySet().forEach(entry -> values.put(entry.getKey(), entry.getValue()));
    return values;
  }

  private static boolean isKnown(String path, Set<String> paths) {
    if (paths.contains(path)
        || PASS_THROUGH.stream().anyMatch(p -> path.startsWith(p + "."))
        || NOT_SETTINGS.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "."))) {
      return true;
    }
    List<String> keys = ConfigUtil.splitPath(path);
    if (keys.size() > 1
        && paths.stream()
            .noneMatch(
                k -> k.startsWith("smack." + keys.get(1) + ".") && !SHARED_KEYS.contains(k))) {
      return SECTIONS.contains(keys.get(1)); // another part's section
    }
    for (Map.Entry<String, String> named : NAMED_BLOCKS.entrySet()) {
      String block = named.getKey();
      int depth = ConfigUtil.splitPath(block).size();
      if (path.startsWith(block + ".") && keys.size() > depth + 1) {
        String rest = ConfigUtil.joinPath(keys.subList(depth + 1, keys.size()));
        boolean given =
            rest.equals("type")
                || Stream.of(block, named.getValue())
                    .anyMatch(
                        parent ->
                            paths.stream()
                                .anyMatch(
                                    k ->
                                        k.startsWith(parent + ".")
                                            && k.endsWith("." + rest)
                                            && ConfigUtil.splitPath(k).size() == keys.size()));
        if (given) {
          return true;
        }
      }
    }
    return false;
  }

  /** The known key nearest to {@code path} by edit distance; null when none is near. */
  private static String nearest(String path, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(path, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return bestDistance <= Math.max(3, path.length() / 4) ? best : null;
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /**
   * The settings the environment gives through the reference's {@code ${?ENV_VAR}} lines, as a
   * layer of their own (even one equal to the default): the keys that resolve to a marker alone
   * when every variable set is replaced by one. A key whose default is only derived from a
   * variable's key is not among them: a file's explicit value beats it.
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
      // set by its own ${?VAR} line, not derived from one: a checkpoint folder under the stack
      // folder (SMACK_STACK_DIR) is no reason to beat a file's explicit checkpoint
      Object value = entry.getValue().unwrapped();
      if (value instanceof String text
          && text.startsWith(MARKER)
          && environment.containsKey(text.substring(MARKER.length()))) {
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
