package io.smack.common;

/**
 * Default Kafka topic names. Services read the names from {@link KafkaSettings} so that tests can
 * use topics of their own; these are what the configuration defaults to.
 */
public final class Topics {

  /** Valid-looking quotes, key = symbol (UTF-8), value = {@link QuoteCodec} JSON. */
  public static final String QUOTES = "quotes";

  /** Inputs refused by a collector or the streaming job, value = {@link DeadLetter} JSON. */
  public static final String QUOTES_DLQ = "quotes.dlq";

  /** Partitions of {@link #QUOTES}: the most ingest tasks that can read it in parallel. */
  public static final int QUOTES_PARTITIONS = 6;

  private Topics() {}
}
