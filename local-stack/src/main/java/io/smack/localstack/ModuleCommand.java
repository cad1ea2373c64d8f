package io.smack.localstack;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Prints the command line that runs a part of the pipeline, for {@code bin/smack}, which replaces
 * itself by it: so that the shell, the local stack, the benchmarks and the tests start a part's JVM
 * one way, {@link ModuleProcess}'s.
 *
 * <pre>ModuleCommand ROOT PART   (PART: collector, access, ingest, repair, train)</pre>
 *
 * The arguments are printed NUL-terminated, as {@code mapfile -d ''} reads them.
 */
public final class ModuleCommand {

  /** Each part bin/smack runs, by its command's name. */
  static final Map<String, Function<Path, ModuleProcess.Command>> PARTS =
      Map.of(
          "collector",
          root ->
              ModuleProcess.serviceCommand(
                  root,
                  "collector",
                  "collector.classpath",
                  "io.smack.collector.CollectorMain",
                  List.of()),
          "access",
          root ->
              ModuleProcess.serviceCommand(
                  root,
                  "access-service",
                  "access.classpath",
                  "io.smack.access.AccessMain",
                  List.of()),
          "ingest",
          root ->
              ModuleProcess.sparkJobCommand(
                  root, "ingest-streaming", "io.smack.ingest.IngestMain", "1g"),
          "repair",
          root ->
              ModuleProcess.sparkJobCommand(
                  root, "ingest-streaming", "io.smack.ingest.RepairMain", "1g"),
          "train",
          root ->
              ModuleProcess.sparkJobCommand(
                  root, "model-training", "io.smack.training.TrainingMain", "1g"));

  private ModuleCommand() {}

  public static void main(String[] args) {
    if (args.length != 2 || !PARTS.containsKey(args[1])) {
      System.err.println(
          "usage: ModuleCommand ROOT PART, PART one of "
              + PARTS.keySet().stream().sorted().toList());
      System.exit(2);
    }
    List<String> line =
        PARTS.get(args[1]).apply(Path.of(args[0]).toAbsolutePath().normalize()).line(List.of());
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    line.forEach(argument -> out.print(argument + '\0'));
    out.flush();
  }
}
