package io.smack.localstack;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Prints the command line that runs a part of the pipeline, for {@code bin/smack}, which replaces
 * itself by it: so that the shell, the local stack, the benchmarks and the tests start a part's JVM
 * one way, {@link ModuleProcess}'s.
 *
 * <pre>ModuleCommand ROOT PART [--config FILE]   (PART: collector, access, ingest, repair, train)
 * </pre>
 *
 * With {@code --config}, the part reads its settings from FILE too ({@code -Dconfig.file}, under
 * the environment and system properties; see {@code io.smack.common.Settings}).
 *
 * <p>The arguments are printed NUL-terminated, as {@code mapfile -d ''} reads them.
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
    boolean configured = args.length == 4 && args[2].equals("--config");
    if ((args.length != 2 && !configured) || !PARTS.containsKey(args[1])) {
      System.err.println(
          "usage: ModuleCommand ROOT PART [--config FILE], PART one of "
              + PARTS.keySet().stream().sorted().toList());
      System.exit(2);
    }
    ModuleProcess.Command command =
        PARTS.get(args[1]).apply(Path.of(args[0]).toAbsolutePath().normalize());
    if (configured) {
      Path file = Path.of(args[3]).toAbsolutePath().normalize();
      if (!Files.isReadable(file)) {
        System.err.println("--config: " + file + " is not a readable file");
        System.exit(2);
      }
      command = command.withJvmOption("-Dconfig.file=" + file);
    }
    List<String> line = command.line(List.of());
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    line.forEach(argument -> out.print(argument + '\0'));
    out.flush();
  }
}
