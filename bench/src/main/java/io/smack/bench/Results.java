package io.smack.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The figures of one run: a table for the terminal and JSON for comparing runs. */
final class Results {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Instant startedAt;
  private final BenchOptions.Mode mode;
  private final List<Figure> figures = new ArrayList<>();

  Results(Instant startedAt, BenchOptions.Mode mode) {
    this.startedAt = startedAt;
    this.mode = mode;
  }

  void addAll(List<Figure> more) {
    figures.addAll(more);
  }

  List<Figure> figures() {
    return List.copyOf(figures);
  }

  /** One row per figure: name, value and unit, baseline, ratio. */
  String table() {
    StringBuilder table = new StringBuilder();
    String format = "%-34s %16s  %-10s %-34s %8s%n";
    table.append(
        String.format(Locale.ROOT, format, "figure", "value", "unit", "baseline", "ratio"));
    for (Figure figure : figures) {
      table.append(
          String.format(
              Locale.ROOT,
              format,
              figure.name(),
              String.format(Locale.ROOT, "%,.1f", figure.value()),
              figure.unit(),
              figure.baseline().map(Figure::name).orElse("-"),
              figure.ratio().map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("-")));
    }
    return table.toString();
  }

  /** The run as JSON: when, on what machine, and every figure with its unit and ratio. */
  String json() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("started_at", startedAt.toString());
    root.put("mode", mode.name().toLowerCase(Locale.ROOT));
    root.set("machine", machine());
    ArrayNode list = root.putArray("figures");
    for (Figure figure : figures) {
      ObjectNode node = list.addObject();
      node.put("name", figure.name());
      node.put("value", figure.value());
      node.put("unit", figure.unit());
      figure
          .baseline()
          .ifPresent(
              baseline -> {
                node.put("baseline", baseline.name());
                node.put("baseline_value", baseline.value());
              });
      figure.ratio().ifPresent(ratio -> node.put("ratio", ratio));
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the results as JSON failed", e);
    }
  }

  void writeJson(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, json());
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    }
  }

  private static ObjectNode machine() {
    ObjectNode machine = MAPPER.createObjectNode();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      machine.put("memory_bytes", os.getTotalMemorySize());
    }
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put("arch", System.getProperty("os.arch"));
    machine.put(
        "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    return machine;
  }
}
