package io.smack.localstack;

/**
 * Who logs in to a secured stack: each part of the pipeline as a user of its own, allowed only what
 * that part does (Kafka ACLs, Cassandra grants: {@link StackSecurity} makes them, SECURITY.md lists
 * them), and a person at the shell as {@link #OPERATOR}, who may read and nothing else.
 *
 * <p>Uses the JDK only, like {@link StackAddresses}.
 */
public enum Principal {
  /** Writes {@code quotes} and the dead-letter topic; no Cassandra login. */
  COLLECTOR("collector", true, false),
  /** Reads {@code quotes}, writes dead letters; writes the series, bars and predictions. */
  INGEST("ingest", true, true),
  /** Reads the series; writes the models and which one is served. No Kafka login. */
  TRAINING("training", false, true),
  /** Reads the keyspace; writes the predictions it serves. No Kafka login. */
  ACCESS("access", false, true),
  /** A person: reads both topics and the keyspace ({@code bin/smack shell}). */
  OPERATOR("smack", true, true);

  private final String user;
  private final boolean kafka;
  private final boolean cassandra;

  Principal(String user, boolean kafka, boolean cassandra) {
    this.user = user;
    this.kafka = kafka;
    this.cassandra = cassandra;
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
