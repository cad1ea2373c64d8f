package io.smack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smack.localstack.ReadmeFigures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * The figures of one run, and how each benchmark ended: a table for the terminal and JSON that is
 * written again after every figure, so that a run that fails or is stopped keeps what it measured.
 */
final class Results {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** How a benchmark ended: passed, or failed with the reason. */
  record Outcome(String benchmark, double seconds, Optional<String> failure) {}

  private final Instant startedAt;
  private final String mode;
  private final String commit;
  private final ObjectNode machine;
  private final List<Figure> figures = new ArrayList<>();
  private final List<String> benchmarkOf = new ArrayList<>();
  private final List<Outcome> outcomes = new ArrayList<>();
  private Optional<Path> file = Optional.empty();

  Results(Instant startedAt, String mode, String commit, ObjectNode machine) {
    this.startedAt = startedAt;
    this.mode = mode;
    this.commit = commit;
    this.machine = machine;
  }

  /** A run on this machine, of the checked-out commit. */
  static Results ofThisMachine(Instant startedAt, BenchOptions.Mode mode) {
    return new Results(
        startedAt, mode.name().toLowerCase(Locale.ROOT), Machine.commit(), Machine.facts());
  }

  /** Writes the JSON to {@code path} now and after every later figure or outcome. */
  Results writingTo(Path path) {
    this.file = Optional.of(path);
    save();
    return this;
  }

  void add(String benchmark, Figure figure) {
    figures.add(figure);
    benchmarkOf.add(benchmark);
    save();
  }

  void ended(String benchmark, Duration took, Optional<String> failure) {
    outcomes.add(new Outcome(benchmark, took.toMillis() / 1000.0, failure));
    save();
  }

  List<Figure> figures() {
    return List.copyOf(figures);
  }

  List<Outcome> outcomes() {
    return List.copyOf(outcomes);
  }

  String mode() {
    return mode;
  }

  Instant startedAt() {
    return startedAt;
  }

  String commit() {
    return commit;
  }

  JsonNode machine() {
    return machine;
  }

  /** The figure of that name. */
  Figure figure(String name) {
    return figures.stream()
        .filter(f -> f.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the results hold no figure " + name));
  }

  boolean has(String name) {
    return figures.stream().anyMatch(f -> f.name().equals(name));
  }

  boolean failed() {
    return outcomes.stream().anyMatch(o -> o.failure().isPresent());
  }

  /**
   * One row per figure: name, median and range over the rounds, unit, baseline and the median ratio
   * with its range; then one row per benchmark that failed, with its reason.
   */
  String table() {
    StringBuilder table = new StringBuilder();
    String format = "%-36s %14s %-23s %-10s %-30s %6s %-11s %6s%n";
    table.append(
        String.format(
            Locale.ROOT,
            format,
            "figure",
            "median",
            "(min–max)",
            "unit",
            "baseline",
            "ratio",
            "(min–max)",
            "rounds"));
    for (Figure figure : figures) {
      Figure.Spread value = figure.value();
      table.append(
          String.format(
              Locale.ROOT,
              format,
              figure.name(),
              number(value.median()),
              value.rounds().size() > 1
                  ? "(" + number(value.min()) + "–" + number(value.max()) + ")"
                  : "",
              figure.unit(),
              figure.ratio().map(Figure.Ratio::baseline).orElse("-"),
              figure.ratio().map(r -> ratio(r.value().median())).orElse("-"),
              figure
                  .ratio()
                  .filter(r -> r.value().rounds().size() > 1)
                  .map(r -> "(" + ratio(r.value().min()) + "–" + ratio(r.value().max()) + ")")
                  .orElse(""),
              value.rounds().size()));
    }
    for (Outcome outcome : outcomes) {
      outcome
          .failure()
          .ifPresent(
              reason ->
                  table.append(
                      String.format(Locale.ROOT, "FAILED %s: %s%n", outcome.benchmark(), reason)));
    }
    return table.toString();
  }

  static String number(double value) {
    double magnitude = Math.abs(value);
    String format = magnitude >= 100 ? "%,.0f" : magnitude >= 10 ? "%.1f" : "%.2f";
    return String.format(Locale.ROOT, format, value);
  }

  static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** The run as JSON: when, of what commit, on what machine, how each benchmark ended, figures. */
  String json() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("started_at", startedAt.toString());
    root.put("mode", mode);
    root.put("commit", commit);
    root.set("machine", machine);
    ArrayNode ended = root.putArray("benchmarks");
    for (Outcome outcome : outcomes) {
      ObjectNode node = ended.addObject();
      node.put("name", outcome.benchmark());
      node.put("seconds", outcome.seconds());
      node.put("status", outcome.failure().isPresent() ? "failed" : "passed");
      outcome.failure().ifPresent(reason -> node.put("reason", reason));
    }
    ArrayNode list = root.putArray("figures");
    for (int i = 0; i < figures.size(); i++) {
      Figure figure = figures.get(i);
      ObjectNode node = list.addObject();
      node.put("name", figure.name());
      node.put("benchmark", benchmarkOf.get(i));
      node.put("unit", figure.unit());
      spread(node, figure.value());
      figure
          .ratio()
          .ifPresent(
              ratio -> {
                node.put("baseline", ratio.baseline());
                spread(node.putObject("ratio"), ratio.value());
              });
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException("writing the results as JSON failed", e);
    }
  }

  private static void spread(ObjectNode node, Figure.Spread spread) {
    node.put("median", spread.median());
    node.put("min", spread.min());
    node.put("max", spread.max());
    ArrayNode rounds = node.putArray("rounds");
    spread.rounds().forEach(rounds::add);
  }

  /** Reads a run written by {@link #json()}. */
  static Results read(Path path) {
    JsonNode root;
    try {
      root = MAPPER.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path + " failed", e);
    }
    Results results =
        new Results(
            Instant.parse(root.get("started_at").asText()),
            root.get("mode").asText(),
            root.path("commit").asText("unknown"),
            (ObjectNode) root.get("machine"));
    for (JsonNode node : root.get("figures")) {
      Figure.Spread value = spread(node);
      Optional<Figure.Ratio> ratio =
          node.has("ratio")
              ? Optional.of(
                  new Figure.Ratio(node.get("baseline").asText(), spread(node.get("ratio"))))
              : Optional.empty();
      results.figures.add(
          new Figure(node.get("name").asText(), value, node.get("unit").asText(), ratio));
      results.benchmarkOf.add(node.get("benchmark").asText());
    }
    for (JsonNode node : root.path("benchmarks")) {
      results.outcomes.add(
          new Outcome(
              node.get("name").asText(),
              node.get("seconds").asDouble(),
              Optional.ofNullable(node.get("reason")).map(JsonNode::asText)));
    }
    return results;
  }

  private static Figure.Spread spread(JsonNode node) {
    double[] rounds =
        StreamSupport.stream(node.get("rounds").spliterator(), false)
            .mapToDouble(JsonNode::asDouble)
            .toArray();
    return Figure.Spread.of(rounds);
  }

  /** The benchmark a figure belongs to. */
  String benchmarkOf(Figure figure) {
    return benchmarkOf.get(figures.indexOf(figure));
  }

  private void save() {
    if (file.isEmpty()) {
      return;
    }
    Path path = file.get().toAbsolutePath();
    try {
      Files.createDirectories(path.getParent());
      // written aside and moved, so that a reader never sees half a file
      Path next = path.resolveSibling(path.getFileName() + ".next");
      Files.writeString(next, json());
      Files.move(next, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + path + " failed", e);
    }
  }

  /** The machine a run measured, and the commit it measured. */
  static final class Machine {

    private Machine() {}

    static ObjectNode facts() {
      ObjectNode machine = MAPPER.createObjectNode();
      machine.put("cores", Runtime.getRuntime().availableProcessors());
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        machine.put("memory_bytes", os.getTotalMemorySize());
      }
      cpuModel().ifPresent(model -> machine.put("cpu", model));
      machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
      machine.put("arch", System.getProperty("os.arch"));
      machine.put(
          "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
      return machine;
    }

    private static Optional<String> cpuModel() {
      try {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(line -> line.startsWith("model name"))
            .map(line -> line.substring(line.indexOf(':') + 1).strip())
            .findFirst();
      } catch (IOException | UncheckedIOException notLinux) {
        return Optional.empty();
      }
    }

    /** The commit checked out, with "+changes" when the work tree differs from it. */
    static String commit() {
      return ReadmeFigures.commit();
    }
  }
}
