package io.smack.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Classpaths of the processes the local stack starts, as the build wrote them into resources.
 *
 * <p>Uses the JDK only: the JUnit extension calls it from test JVMs that have none of the stack's
 * libraries.
 */
final class Classpaths {

  private Classpaths() {}

  /** The classpath listed in {@code resource}. */
  static String of(String resource) {
    try (InputStream in = Classpaths.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new StackStartException(
            resource + " is not on the classpath: build the project first (mvn package)");
      }
      String listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      return listed;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource + " failed", e);
    }
  }

  /** {@code classpath} followed by the local-stack classes themselves. */
  static String withOwnClasses(String classpath) {
    return classpath.isEmpty() ? ownLocation() : classpath + File.pathSeparator + ownLocation();
  }

  /** The java launcher of the running JVM. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The jar or folder of the local-stack classes. */
  private static String ownLocation() {
    try {
      return Path.of(Classpaths.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the location of the local-stack classes is not a path", e);
    }
  }
}
