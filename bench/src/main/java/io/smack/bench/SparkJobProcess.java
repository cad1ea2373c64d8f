package io.smack.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark job (the streaming job, the training job) in a JVM of its own, as {@code bin/smack} runs
 * it: the module's classes, its classpath and Spark's, and the JVM flags Spark needs, all written
 * by the module's build. A job cannot share the bench's JVM: Spark holds its own Jackson line.
 */
final class SparkJobProcess {

  private SparkJobProcess() {}

  /**
   * @param module the job's module folder, from the project root (where bin/smack runs)
   * @param arguments the main class, then its arguments
   * @param environment the job's settings (KAFKA_*, CASSANDRA_*, INGEST_*, TRAINING_*, HTTP_PORT)
   * @param log where its output goes
   */
  static Process start(
      String module, List<String> arguments, String heap, Map<String, String> environment, Path log)
      throws IOException {
    Path target = Path.of(module, "target");
    for (String built : List.of("classes", "job.classpath", "spark.classpath")) {
      if (!Files.exists(target.resolve(built))) {
        throw new IllegalStateException(
            target.resolve(built)
                + " is missing: build the job first (mvn package -DskipTests -pl "
                + module
                + " -am)");
      }
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.addAll(
        List.of(Files.readString(target.resolve("spark-jvm.flags")).strip().split("\\s+")));
    command.add("-cp");
    command.add(
        target.resolve("classes").toAbsolutePath()
            + File.pathSeparator
            + Files.readString(target.resolve("job.classpath")).strip()
            + File.pathSeparator
            + Files.readString(target.resolve("spark.classpath")).strip());
    command.addAll(arguments);
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** The job's main class in a JVM of its own (1 GB heap), with its health port on {@code port}. */
  static ServiceProcess service(
      String module, String mainClass, Map<String, String> environment, int port, Path log)
      throws IOException {
    return ServiceProcess.of(start(module, List.of(mainClass), "1g", environment, log), port);
  }
}
