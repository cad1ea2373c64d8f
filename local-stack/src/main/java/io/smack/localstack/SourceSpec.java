package io.smack.localstack;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code bin/smack up --source} value: the name of a collector source block ({@code sim}, or
 * one of {@code smack.collector.source} in the {@code --config} file), or a CSV file with its
 * column mapping inline, which becomes a source block of its own, given to the collector as system
 * properties ({@link #jvmOptions}):
 *
 * <pre>
 * csv=PATH                       a file laid out as vega-datasets' stocks.csv (symbol,date,price)
 * csv=PATH,symbol=SPX,time=date:yyyy-MM-dd,price=close,volume=volume,open=open,high=high,low=low
 * </pre>
 *
 * Keys of the inline form: {@code symbol} (the same symbol for every row) or {@code symbol-field}
 * (a column; {@code symbol} by default), {@code time=COLUMN:FORMAT} (a format of the collector's
 * {@code time-format}: iso-instant, epoch-millis, epoch-seconds or a java.time pattern), {@code
 * price}, {@code volume}, {@code open}, {@code high}, {@code low} (columns), {@code delimiter},
 * {@code zone}, {@code speed} (as in a source block) and {@code name} (the source's name; by
 * default the file's, without its extension). A file path holding a comma needs a source block.
 *
 * @param name the source's name, in {@code smack.collector.sources}
 * @param settings the keys of its block when it is given inline, empty for a named block
 */
record SourceSpec(String name, Map<String, String> settings) {

  /** The collector's own source blocks (its reference.conf), which need no configuration file. */
  static final Set<String> BUILT_IN = Set.of("sim", "stocks", "feed");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final Set<String> KEYS =
      Set.of(
          "csv",
          "name",
          "symbol",
          "symbol-field",
          "time",
          "price",
          "volume",
          "open",
          "high",
          "low",
          "delimiter",
          "zone",
          "speed");

  SourceSpec {
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /**
   * Parses one {@code --source} value.
   *
   * @param base the folder a relative {@code csv=} path is relative to
   * @param config the launcher's configuration (with the {@code --config} file), where a named
   *     source's block must be
   * @throws IllegalArgumentException naming what is wrong, as a user would fix it
   */
  static SourceSpec parse(String value, Path base, Config config) {
    if (!value.startsWith("csv=")) {
      if (!NAME.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "--source " + value + ": expected sim, a source's name or csv=PATH[,KEY=VALUE...]");
      }
      if (!BUILT_IN.contains(value) && !config.hasPath("smack.collector.source." + value)) {
        throw new IllegalArgumentException(
            "--source "
                + value
                + ": no source block smack.collector.source."
                + value
                + " in the configuration (give its file with --config FILE)");
      }
      return new SourceSpec(value, Map.of());
    }
    Map<String, String> given = new LinkedHashMap<>();
    for (String pair : value.split(",")) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(
            "--source " + value + ": '" + pair + "' is not KEY=VALUE");
      }
      String key = pair.substring(0, equals).strip().toLowerCase(Locale.ROOT);
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "--source " + value + ": unknown key '" + key + "'; the keys are " + KEYS);
      }
      if (given.put(key, pair.substring(equals + 1).strip()) != null) {
        throw new IllegalArgumentException("--source " + value + ": '" + key + "' given twice");
      }
    }
    Path file = base.resolve(given.remove("csv")).toAbsolutePath().normalize();
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("--source " + value + ": " + file + " is not readable");
    }
    String name = given.containsKey("name") ? given.remove("name") : nameOf(file);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "--source " + value + ": name '" + name + "' is not letters, digits, - and _");
    }
    return new SourceSpec(name, block(value, file, given));
  }

  /** The keys of a csv source block from the inline mapping; the stocks.csv layout without one. */
  private static Map<String, String> block(String value, Path file, Map<String, String> given) {
    Map<String, String> block = new LinkedHashMap<>();
    block.put("type", "csv");
    block.put("path", file.toString());
    block.put("delimiter", given.getOrDefault("delimiter", ","));
    block.put("zone", given.getOrDefault("zone", "UTC"));
    block.put("speed", given.getOrDefault("speed", "0"));
    boolean mapped =
        given.keySet().stream().anyMatch(k -> !Set.of("delimiter", "zone", "speed").contains(k));
    if (!mapped) {
      // vega-datasets' stocks.csv: symbol,date,price
      block.put("symbol-field", "symbol");
      block.put("time-field", "date");
      block.put("time-format", "MMM d yyyy");
      block.put("price-field", "price");
      block.put("volume-field", "");
      return block;
    }
    if (given.containsKey("symbol") && given.containsKey("symbol-field")) {
      throw new IllegalArgumentException(
          "--source " + value + ": give symbol (one for every row) or symbol-field, not both");
    }
    if (given.containsKey("symbol")) {
      block.put("symbol", given.get("symbol"));
      block.put("symbol-field", "");
    } else {
      block.put("symbol-field", given.getOrDefault("symbol-field", "symbol"));
    }
    String time = required(value, given, "time");
    int colon = time.indexOf(':');
    block.put("time-field", colon < 0 ? time : time.substring(0, colon));
    block.put("time-format", colon < 0 ? "iso-instant" : time.substring(colon + 1));
    block.put("price-field", required(value, given, "price"));
    block.put("volume-field", given.getOrDefault("volume", ""));
    for (String bound : List.of("open", "high", "low")) {
      if (given.containsKey(bound)) {
        block.put(bound + "-field", given.get(bound));
      }
    }
    return block;
  }

  private static String required(String value, Map<String, String> given, String key) {
    String column = given.get(key);
    if (column == null || column.isEmpty()) {
      throw new IllegalArgumentException(
          "--source "
              + value
              + ": '"
              + key
              + "' is missing (e.g. time=date:yyyy-MM-dd,price=close)");
    }
    return column;
  }

  /** The file's name without its extension, made a source name. */
  private static String nameOf(Path file) {
    String base = file.getFileName().toString();
    int dot = base.lastIndexOf('.');
    String name = (dot > 0 ? base.substring(0, dot) : base).replaceAll("[^A-Za-z0-9_-]", "-");
    return name.length() > 64 ? name.substring(0, 64) : name;
  }

  /** The system properties that define an inline source's block in the collector's JVM. */
  List<String> jvmOptions() {
    List<String> options = new ArrayList<>();
    settings.forEach(
        (key, value) -> options.add("-Dsmack.collector.source." + name + "." + key + "=" + value));
    return options;
  }
}
