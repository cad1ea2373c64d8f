package io.smack.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The statements of {@code cql/schema.cql} for one keyspace and replication, ready to execute one
 * by one with whatever session the caller has (the driver in services, the connector in Spark
 * jobs).
 */
public final class CqlSchema {

  private static final String RESOURCE = "/cql/schema.cql";
  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Pattern COMMENT = Pattern.compile("(?m)^\\s*--.*$");

  private CqlSchema() {}

  /**
   * @param keyspace a lower-case CQL identifier
   * @param replication the CQL replication map, e.g. {@code {'class': 'SimpleStrategy', ...}}
   */
  public static List<String> statements(String keyspace, String replication) {
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new IllegalArgumentException(
          "keyspace '" + keyspace + "' is not a lower-case CQL identifier " + KEYSPACE.pattern());
    }
    String script =
        COMMENT
            .matcher(resource())
            .replaceAll("")
            .replace("${keyspace}", keyspace)
            .replace("${replication}", replication);
    return Arrays.stream(script.split(";"))
        .map(statement -> statement.strip().replaceAll("\\s+", " "))
        .filter(statement -> !statement.isEmpty())
        .toList();
  }

  private static String resource() {
    try (InputStream in = CqlSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE + " failed", e);
    }
  }
}
