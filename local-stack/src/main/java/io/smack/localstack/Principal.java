package io.smack.localstack;

import java.util.Optional;

/**
 * Who logs in to a secured stack: each part of the pipeline as a user of its own, allowed only what
 * that part does (Kafka ACLs, Cassandra grants: {@link StackSecurity} makes them, SECURITY.md lists
 * them), and a person at the shell as {@link #OPERATOR}, who may read and nothing else.
 *
 * <p>Uses the JDK only, like {@link StackAddresses}.
 */
public enum Principal {
  /** Writes {@code quotes} and the dead-letter topic; no Cassandra login. */
  COLLECTOR("collector", true, false, null),
  /** Reads {@code quotes}, writes dead letters; writes the series, bars and predictions. */
  INGEST("ingest", true, true, "INGEST_CREATE_SCHEMA"),
  /** Reads the series; writes the models and which one is served. No Kafka login. */
  TRAINING("training", false, true, "TRAINING_CREATE_SCHEMA"),
  /** Reads the keyspace; writes the predictions it serves. No Kafka login. */
  ACCESS("access", false, true, null),
  /** A person: reads both topics and the keyspace ({@code bin/smack shell}). */
  OPERATOR("smack", true, true, null);

  private final String user;
  private final boolean kafka;
  private final boolean cassandra;
  private final String createSchema;

  Principal(String user, boolean kafka, boolean cassandra, String createSchema) {
    this.user = user;
    this.kafka = kafka;
    this.cassandra = cassandra;
    this.createSchema = createSchema;
  }

  /**
   * The variable that tells its part whether to apply the schema at start, for the parts that do
   * unless told not to: on a secured stack their users may not change it.
   */
  public Optional<String> createSchemaVariable() {
    return Optional.ofNullable(createSchema);
  }

  /** The user name on both servers. */
  public String user() {
    return user;
  }

  /** Whether it logs in to Kafka. */
  public boolean kafka() {
    return kafka;
  }

  /** Whether it logs in to Cassandra. */
  public boolean cassandra() {
    return cassandra;
  }
}
