package io.smack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.common.AccessServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The resources the committed deploy files give each part: a Marathon app's (or the Chronos job's)
 * {@code cpus} and {@code mem}, and for a Spark job its executors' {@code spark.executor.cores} and
 * memory (heap and overhead), read from its spark-submit arguments. The sizing takes its units from
 * here, so that an instance of the sizing is an instance of the file.
 *
 * @param access the access services' apps by name ({@link AccessServices}), in its order
 */
record Deployment(App collector, Map<String, App> access, App ingestStreaming, App modelTraining) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The executors' memory beside their heap on Mesos, MiB (Spark's running-on-mesos page). */
  static final String MESOS_EXECUTOR_OVERHEAD = "spark.mesos.executor.memoryOverhead";

  /** Spark's least default overhead, MiB. */
  private static final long MIN_OVERHEAD_MIB = 384;

  /** Where {@code bin/smack bench} finds the files: it runs from the project root. */
  static final Path DEFAULT_DIR = Path.of("deploy");

  /**
   * One app or job as its file gives it.
   *
   * @param file its path, as the report names it
   * @param cpus the cores of one instance (of the driver, for a Spark job)
   * @param memMib the memory of one instance (of the driver), MiB
   * @param sparkConf its {@code --conf key=value} arguments; empty for a service
   */
  record App(String file, double cpus, long memMib, Map<String, String> sparkConf) {

    int executorCores() {
      return Integer.parseInt(conf("spark.executor.cores"));
    }

    /**
     * What Mesos gives one executor: {@code spark.executor.memory}, the heap, and its overhead,
     * which holds what the JVM keeps outside the heap (RocksDB's state stores, metaspace, code,
     * threads, direct buffers): {@code spark.mesos.executor.memoryOverhead} (MiB) when the file
     * sets it, else Spark's default, the larger of 384 MiB and a tenth of the heap.
     */
    long executorMemoryMib() {
      long heap = memoryMib(conf("spark.executor.memory"));
      String overhead = sparkConf.get(MESOS_EXECUTOR_OVERHEAD);
      return heap
          + (overhead == null
              ? Math.max(MIN_OVERHEAD_MIB, heap / 10)
              : Long.parseLong(overhead.strip()));
    }

    private String conf(String key) {
      String value = sparkConf.get(key);
      if (value == null) {
        throw new IllegalStateException(file + " sets no --conf " + key);
      }
      return value;
    }
  }

  static Deployment read(Path dir) {
    Map<String, App> access = new LinkedHashMap<>();
    for (AccessServices.Service service : AccessServices.ALL) {
      access.put(service.name(), app(dir, "marathon/" + service.name() + ".json", "args"));
    }
    return new Deployment(
        app(dir, "marathon/collector.json", "args"),
        access,
        app(dir, "marathon/ingest-streaming.json", "args"),
        app(dir, "chronos/model-training.json", "arguments"));
  }

  private static App app(Path dir, String file, String argumentsField) {
    JsonNode json;
    try {
      json = JSON.readTree(Files.readString(dir.resolve(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + dir.resolve(file) + " failed", e);
    }
    Map<String, String> conf = new HashMap<>();
    JsonNode args = json.path(argumentsField);
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).asText().equals("--conf")) {
        String pair = args.get(i + 1).asText();
        int equals = pair.indexOf('=');
        conf.put(pair.substring(0, equals), pair.substring(equals + 1));
      }
    }
    return new App(
        "deploy/" + file,
        json.path("cpus").asDouble(),
        json.path("mem").asLong(),
        Map.copyOf(conf));
  }

  /** Spark's memory strings: {@code 2g}, {@code 512m}, {@code 1024k}; MiB. */
  static long memoryMib(String text) {
    String lower = text.strip().toLowerCase(Locale.ROOT);
    long number = Long.parseLong(lower.replaceAll("[a-z]+$", ""));
    return switch (lower.replaceAll("^[0-9]+", "")) {
      case "g", "gb" -> number * 1024;
      case "m", "mb" -> number;
      case "k", "kb" -> number / 1024;
      default -> throw new IllegalArgumentException("not a Spark memory size: " + text);
    };
  }
}
