package io.smack.common;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements of {@code cql/schema.cql} for one keyspace and replication, and their application
 * with whatever session the caller has (the driver's in services, the connector's in Spark jobs:
 * the same API, which is why this module compiles against the driver without bringing it).
 */
public final class CqlSchema {

  /**
   * How long one schema change may take: a node busy with writes, or a ring agreeing on a new
   * table, takes seconds where the driver's request timeout (2 s) is made for reads and writes.
   */
  public static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  /** Tries of a schema change that timed out on the client (it may have been applied anyway). */
  private static final int DDL_ATTEMPTS = 3;

  private static final String RESOURCE = "/cql/schema.cql";
  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Pattern COMMENT = Pattern.compile("(?m)^\\s*--.*$");
  private static final Pattern CREATE_TABLE =
      Pattern.compile("^CREATE TABLE IF NOT EXISTS \\$\\{keyspace}\\.(\\w+)");

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

  /**
   * Each table's description: the comment lines just above its {@code CREATE TABLE} in {@code
   * cql/schema.cql}, joined, in the file's order (what the catalog shows beside the live schema).
   */
  public static Map<String, String> descriptions() {
    Map<String, String> descriptions = new LinkedHashMap<>();
    List<String> comment = new ArrayList<>();
    for (String line : resource().split("\n")) {
      String stripped = line.strip();
      Matcher table = CREATE_TABLE.matcher(stripped);
      if (stripped.startsWith("--")) {
        comment.add(stripped.substring(2).strip());
      } else if (table.find()) {
        descriptions.put(table.group(1), String.join(" ", comment));
        comment.clear();
      } else {
        comment.clear();
      }
    }
    return descriptions;
  }

  /**
   * Creates the keyspace and the tables that are missing, each statement with {@link #DDL_TIMEOUT}
   * and tried again when it timed out, then waits (as long again) until every node has the same
   * schema, so that a writer started next finds every table on whichever node it asks.
   *
   * <p>Why a loop of our own: the driver's retry policy never retries a request that timed out on
   * the client, and a schema change is not retried by the driver at all. Every statement is {@code
   * IF NOT EXISTS}, so running it again is harmless.
   *
   * @throws IllegalStateException when a statement timed out {@value #DDL_ATTEMPTS} times, or the
   *     nodes did not agree in time
   */
  public static void apply(CqlSession session, String keyspace, String replication) {
    for (String statement : statements(keyspace, replication)) {
      execute(session, statement);
    }
    long deadline = System.nanoTime() + DDL_TIMEOUT.toNanos();
    while (!session.checkSchemaAgreement()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the Cassandra nodes did not agree on keyspace "
                + keyspace
                + "'s schema in "
                + DDL_TIMEOUT);
      }
      sleep(Duration.ofMillis(500));
    }
  }

  /**
   * {@link #apply} for a part whose setting {@code setting} (its {@code create-schema}) asked for
   * it: a role that may not change the schema (on a secured cluster, the parts' roles may only read
   * and write their tables) stops the part with that setting named, as a wrong password does.
   *
   * @throws ConfigException.BadValue when Cassandra refused a schema change to the session's role
   */
  public static void apply(
      CqlSession session, String keyspace, String replication, String setting) {
    try {
      apply(session, keyspace, replication);
    } catch (UnauthorizedException e) {
      throw new ConfigException.BadValue(
          setting,
          "Cassandra refused this part's role a schema change ("
              + e.getMessage()
              + "): apply the schema as a role that may (the local stack does, as its admin), and"
              + " set it to false");
    }
  }

  /** One schema change, with {@link #DDL_TIMEOUT} and tried again when it timed out. */
  public static void execute(CqlSession session, String statement) {
    SimpleStatement ddl =
        SimpleStatement.newInstance(statement).setTimeout(DDL_TIMEOUT).setIdempotent(true);
    for (int attempt = 1; ; attempt++) {
      try {
        session.execute(ddl);
        return;
      } catch (DriverTimeoutException e) {
        if (attempt == DDL_ATTEMPTS) {
          throw new IllegalStateException(
              "schema change timed out "
                  + attempt
                  + " times ("
                  + DDL_TIMEOUT
                  + " each): "
                  + statement,
              e);
        }
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for schema agreement", e);
    }
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
