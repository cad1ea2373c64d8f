package io.smack.localstack;

import io.smack.common.Settings;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints the command line of {@code bin/smack shell}, which replaces itself by it: jshell on the
 * shell module's class path (its classes, common, the connector, Spark), with Spark's JVM flags for
 * the JVM that runs the snippets, the shell's start-up script, and the addresses of the running
 * local stack (its ready file, {@code DIR/stack.properties}) as that JVM's environment when the
 * caller's environment names no Kafka and no Cassandra.
 *
 * <pre>ShellCommand ROOT [--config FILE]</pre>
 *
 * The arguments are printed NUL-terminated: {@code NAME=VALUE}..., an empty one, then jshell's.
 * {@code bin/smack} exports the first with the shell's own {@code export} and runs the rest: a
 * secured stack's passwords are among them, and as arguments of a command ({@code env NAME=VALUE})
 * {@code ps} would show them to every user of the machine.
 */
public final class ShellCommand {

  private ShellCommand() {}

  public static void main(String[] args) {
    boolean configured = args.length == 3 && args[1].equals("--config");
    if (args.length != 1 && !configured) {
      System.err.println("usage: ShellCommand ROOT [--config FILE]");
      System.exit(2);
    }
    Path root = Path.of(args[0]).toAbsolutePath().normalize();
    Path config = configured ? Path.of(args[2]).toAbsolutePath().normalize() : null;
    if (config != null) {
      System.setProperty("config.file", config.toString());
    }
    List<String> line = new ArrayList<>();
    environment(root, System.getenv()).forEach((name, value) -> line.add(name + "=" + value));
    line.add(""); // the end of the environment
    line.addAll(command(root, config));
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    line.forEach(argument -> out.print(argument + '\0'));
    out.flush();
  }

  /**
   * The local stack's addresses (and credentials, for a secured one) from its ready file, unless
   * the environment names Kafka or Cassandra itself; says on stderr which it is.
   */
  static Map<String, String> environment(Path root, Map<String, String> environment) {
    if (environment.containsKey("KAFKA_BOOTSTRAP_SERVERS")
        || environment.containsKey("CASSANDRA_CONTACT_POINTS")) {
      System.err.println("smack shell: Kafka and Cassandra as the environment names them");
      return Map.of();
    }
    Path dir = root.resolve(Settings.load().getString("smack.local-stack.dir"));
    Path ready = dir.resolve(StackAddresses.READY_FILE);
    if (!Files.exists(ready)) {
      System.err.println(
          "smack shell: no running local stack in "
              + dir
              + " (bin/smack up); Kafka and Cassandra at their default addresses");
      return Map.of();
    }
    System.err.println("smack shell: the local stack of " + dir);
    return new TreeMap<>(StackAddresses.readFrom(ready).environment());
  }

  /** jshell and its arguments, from the shell module's build. */
  public static List<String> command(Path root, Path config) {
    Path target = root.resolve("shell").resolve("target");
    if (!Files.exists(target.resolve("job.classpath"))) {
      throw new StackStartException(
          target.resolve("job.classpath")
              + " is missing: build the module first (mvn package -pl shell -am)");
    }
    String classpath =
        target.resolve("classes")
            + File.pathSeparator
            + ModuleProcess.read(target.resolve("job.classpath"))
            + File.pathSeparator
            + ModuleProcess.read(target.resolve("spark.classpath"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "jshell").toString());
    command.add("--class-path");
    command.add(classpath);
    // the snippets run in a JVM of jshell's own: Spark's flags and the heap go to it (-R)
    command.add("-R-Xmx1g");
    Arrays.stream(ModuleProcess.read(target.resolve("spark-jvm.flags")).split("\\s+"))
        .filter(flag -> !flag.isBlank())
        .forEach(flag -> command.add("-R" + flag));
    if (config != null) {
      command.add("-R-Dconfig.file=" + config);
    }
    command.add("--startup");
    command.add("DEFAULT");
    command.add("--startup");
    command.add(target.resolve("classes/io/smack/shell/startup.jsh").toString());
    return command;
  }
}
