package io.smack.deploy.images;

import io.smack.localstack.SparkHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Spark of the Spark image, laid out as a distribution for {@code docker/spark.Dockerfile} to
 * copy: the jars {@link SparkHome} picks from the Maven artifacts the jobs were built and tested
 * against (copied, not linked: a build context holds files), the JVM flags of the jobs' build as
 * {@code conf/jvm.flags}, and the {@code RELEASE} file. Nothing is downloaded: what the image runs
 * is what the tests ran.
 *
 * <pre>SparkDistribution ROOT OUT</pre>
 */
public final class SparkDistribution {

  private SparkDistribution() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: SparkDistribution PROJECT-ROOT OUT-DIR");
      System.exit(2);
    }
    Path out = assemble(Path.of(args[0]).toAbsolutePath(), Path.of(args[1]).toAbsolutePath());
    System.out.println(out);
  }

  /** Writes the distribution into {@code out} (emptied first) and returns {@code out}. */
  public static Path assemble(Path root, Path out) {
    try {
      deleteTree(out);
      Path links = Files.createDirectories(out.resolveSibling(out.getFileName() + ".links"));
      SparkHome.assemble(root, SparkHome.JOBS, links);
      Path jars = Files.createDirectories(out.resolve("jars"));
      try (Stream<Path> linked = Files.list(links.resolve("jars"))) {
        for (Path link : linked.toList()) {
          Files.copy(link.toRealPath(), jars.resolve(link.getFileName()));
        }
      }
      Files.copy(links.resolve("RELEASE"), out.resolve("RELEASE"));
      deleteTree(links);
      Path conf = Files.createDirectories(out.resolve("conf"));
      // the two jobs' builds write the same flags (the parent pom's); one suffices
      List<String> flags = SparkHome.jvmFlags(root, SparkHome.JOBS.get(0));
      Files.writeString(conf.resolve("jvm.flags"), String.join(" ", flags) + "\n");
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("assembling Spark's distribution in " + out + " failed", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(path);
      }
    }
  }
}
