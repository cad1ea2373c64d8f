package io.smack.common;

import java.util.List;

/** Cassandra table and column names of the keyspace; {@code cql/schema.cql} defines them. */
public final class Tables {

  /** The time series: partition (symbol, day), newest first. */
  public static final String QUOTES_BY_DAY = "quotes_by_day";

  /** The UTC days on which a symbol has quotes, newest first: the index of day partitions. */
  public static final String QUOTE_DAYS = "quote_days";

  /** The newest quote per symbol. */
  public static final String LATEST_QUOTE = "latest_quote";

  /** Every symbol with a stored quote, sorted, in one partition ({@link #SYMBOLS_BUCKET}). */
  public static final String SYMBOLS = "symbols";

  /** The one partition of {@link #SYMBOLS}. */
  public static final int SYMBOLS_BUCKET = 0;

  /** One-minute open/high/low/close/volume bars: partition (symbol, day), clustered by minute. */
  public static final String BARS_1M = "bars_1m";

  /** Trained models per symbol, newest version first. */
  public static final String MODELS = "models";

  /** The version each symbol serves, written atomically with the models' promoted flags. */
  public static final String SERVED_MODELS = "served_models";

  /** Predictions, streamed or served, with what happened after each. */
  public static final String PREDICTIONS = "predictions";

  /** The live check of each symbol's served model against the naive forecast. */
  public static final String PREDICTION_MONITOR = "prediction_monitor";

  /**
   * The streaming job's progress: one row per micro-batch of each query, partitioned by (query, UTC
   * day), newest first.
   */
  public static final String INGEST_BATCHES = "ingest_batches";

  /** Every table of the keyspace, in the order {@code cql/schema.cql} defines them. */
  public static final List<String> ALL =
      List.of(
          QUOTES_BY_DAY,
          QUOTE_DAYS,
          LATEST_QUOTE,
          SYMBOLS,
          BARS_1M,
          MODELS,
          SERVED_MODELS,
          PREDICTIONS,
          PREDICTION_MONITOR,
          INGEST_BATCHES);

  /** Columns shared by several tables. */
  public static final class Columns {
    public static final String SYMBOL = "symbol";
    public static final String DAY = "day";
    public static final String TS = "ts";
    public static final String PRICE = "price";
    public static final String VOLUME = "volume";
    public static final String SOURCE = "source";

    private Columns() {}
  }

  private Tables() {}
}
