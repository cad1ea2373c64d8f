package io.smack.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The streaming job in a JVM of its own, as {@code bin/smack ingest} runs it: the module's classes,
 * its classpath and Spark's, and the JVM flags Spark needs, all written by the module's build. The
 * job cannot share the bench's JVM: Spark holds its own Jackson line.
 */
final class IngestProcess {

  private IngestProcess() {}

  /**
   * @param environment the job's settings (KAFKA_*, CASSANDRA_*, INGEST_*, HTTP_PORT)
   * @param log where its output goes
   */
  static Process start(Map<String, String> environment, Path log) throws IOException {
    Path home = Path.of(System.getProperty("smack.ingest.home", "ingest-streaming"));
    Path target = home.resolve("target");
    for (String built : List.of("classes", "job.classpath", "spark.classpath")) {
      if (!Files.exists(target.resolve(built))) {
        throw new IllegalStateException(
            target.resolve(built)
                + " is missing: build the job first (mvn package -DskipTests -pl ingest-streaming"
                + " -am)");
      }
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(
        List.of(Files.readString(target.resolve("spark-jvm.flags")).strip().split("\\s+")));
    command.add("-cp");
    command.add(
        target.resolve("classes").toAbsolutePath()
            + File.pathSeparator
            + Files.readString(target.resolve("job.classpath")).strip()
            + File.pathSeparator
            + Files.readString(target.resolve("spark.classpath")).strip());
    command.add("io.smack.ingest.IngestMain");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return builder.start();
  }
}
