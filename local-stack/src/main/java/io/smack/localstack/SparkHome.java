package io.smack.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark home assembled from the Maven artifacts the Spark jobs' builds list, laid out as a Spark
 * distribution is ({@code jars/}, {@code RELEASE}), so that Spark's own launchers work on it:
 * {@code SparkSubmit} for a driver, and a standalone worker's executor command, which puts {@code
 * SPARK_HOME/jars/*} on the executor's class path.
 *
 * <p>What a distribution ships is what the jobs' jars leave out: each job's {@code provided} class
 * path (Spark and what it depends on) and the artifacts the parent pom's {@code spark-job} profile
 * keeps out of the jobs' jars because Spark brings them (Scala, Hadoop, Jackson, logging). One home
 * serves both jobs, as one Spark image does: where the jobs resolve an artifact at two versions,
 * the higher one is kept, so that no class is on the path twice.
 */
public final class SparkHome {

  /** The pipeline's Spark jobs, whose jars run on a home. */
  public static final List<String> JOBS = List.of("ingest-streaming", "model-training");

  /** Dotted versions compared part by part, numerically where both parts are numbers. */
  static final Comparator<String> VERSIONS =
      (a, b) -> {
        String[] left = a.split("[.-]");
        String[] right = b.split("[.-]");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
          String l = i < left.length ? left[i] : "0";
          String r = i < right.length ? right[i] : "0";
          int order =
              l.matches("\\d+") && r.matches("\\d+")
                  ? Long.compare(Long.parseLong(l), Long.parseLong(r))
                  : l.compareTo(r);
          if (order != 0) {
            return order;
          }
        }
        return 0;
      };

  private SparkHome() {}

  /**
   * Writes the home under {@code home} (links to the jars in the local Maven repository) and
   * returns it.
   *
   * @param root the project root
   * @param jobs the job modules whose jars will run on it, built (see {@link #JOBS})
   */
  public static Path assemble(Path root, List<String> jobs, Path home) {
    List<String> shippedBySpark = excludedFromJobJars(root);
    Map<String, Path> byArtifact = new LinkedHashMap<>();
    for (String job : jobs) {
      Path target = built(root, job);
      List<String> jars =
          new ArrayList<>(
              List.of(ModuleProcess.read(target.resolve("spark.classpath")).split(":")));
      for (String jar : ModuleProcess.read(target.resolve("job.classpath")).split(":")) {
        if (shippedBySpark.stream().anyMatch(jar::contains)) {
          jars.add(jar);
        }
      }
      for (String jar : jars) {
        // a repository keeps GROUP/ARTIFACT/VERSION/ARTIFACT-VERSION.jar, wherever it is
        Path candidate = Path.of(jar).toAbsolutePath();
        byArtifact.merge(
            candidate.getParent().getParent().toString(),
            candidate,
            (kept, other) -> VERSIONS.compare(version(kept), version(other)) >= 0 ? kept : other);
      }
    }
    try {
      Path jarsDir = home.resolve("jars");
      if (Files.exists(jarsDir)) {
        try (var old = Files.list(jarsDir)) {
          for (Path link : old.toList()) {
            Files.delete(link);
          }
        }
      }
      Files.createDirectories(jarsDir);
      for (Path jar : byArtifact.values()) {
        Files.createSymbolicLink(jarsDir.resolve(jar.getFileName()), jar.toAbsolutePath());
      }
      // Spark's launcher takes a home with a RELEASE file for a distribution (jars/ beside it)
      Files.writeString(
          home.resolve("RELEASE"), "Spark assembled by smack-pipeline's local stack\n");
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException("assembling a Spark home in " + home + " failed", e);
    }
  }

  /** The JVM flags Spark needs on Java 17, as the job's build writes them. */
  public static List<String> jvmFlags(Path root, String job) {
    return List.of(ModuleProcess.read(built(root, job).resolve("spark-jvm.flags")).split("\\s+"));
  }

  /** The class path of a JVM that runs Spark from {@code home}, as Spark's launchers give it. */
  public static String classpath(Path home) {
    return home.toAbsolutePath().resolve("jars") + "/*";
  }

  /** The parent pom's artifactSet excludes of the Spark jobs' jars, as repository path parts. */
  private static List<String> excludedFromJobJars(Path root) {
    String pom = ModuleProcess.read(root.resolve("pom.xml"));
    int profile = pom.indexOf("<id>spark-job</id>");
    if (profile < 0) {
      throw new StackStartException(root.resolve("pom.xml") + " has no spark-job profile");
    }
    Matcher excludes =
        Pattern.compile("<exclude>([^:<]+):([^<]+)</exclude>").matcher(pom.substring(profile));
    List<String> parts = new ArrayList<>();
    while (excludes.find()) {
      String group = "/" + excludes.group(1).replace('.', '/') + "/";
      String artifact = excludes.group(2).replace("${scala.binary.version}", "2.13");
      parts.add(artifact.equals("*") ? group : group + artifact + "/");
    }
    return parts;
  }

  private static String version(Path jar) {
    return jar.getParent().getFileName().toString();
  }

  private static Path built(Path root, String job) {
    Path target = root.resolve(job).resolve("target");
    if (!Files.exists(target.resolve("spark.classpath"))) {
      throw new StackStartException(
          target.resolve("spark.classpath")
              + " is missing: build the Spark jobs first (bin/smack up builds them; mvn package)");
    }
    return target;
  }
}
