package io.smack.ingest;

import com.datastax.spark.connector.cql.CassandraConnector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smack.common.CassandraSettings;
import io.smack.common.CqlSchema;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The job's two streaming queries on the {@code quotes} topic, each with its own checkpoint:
 *
 * <ul>
 *   <li>the quotes query ({@link QuotesBatch}), stateless: every quote into {@code quotes_by_day},
 *       {@code quote_days} and {@code latest_quote}, rejects into the dead-letter topic, within
 *       about a trigger and a batch of its arrival;
 *   <li>the bars query ({@link Bars#stream}, {@link BarsBatch}): Spark's watermark, deduplication
 *       and one-minute aggregation, with their state in the RocksDB state store, into {@code
 *       bars_1m}, and bars from stored quotes for the quotes behind the watermark.
 * </ul>
 *
 * <p>Two queries, because a stateful micro-batch costs about a second on this kind of machine
 * whatever its size (two shuffles, four state stores to commit), which would put every quote a
 * second or more behind; alone, the quotes query's batches take a few hundred milliseconds. They
 * run in separate fair-scheduler pools, so that the bars' tasks never queue the quotes' tasks. The
 * same code runs on {@code local[*]} and on any cluster master; only the settings differ.
 */
final class IngestJob {

  /** The two running queries. */
  record Queries(StreamingQuery quotes, StreamingQuery bars) {
    List<StreamingQuery> both() {
      return List.of(quotes, bars);
    }
  }

  /**
   * The job's parts before its queries start: the two batch functions and the listener that reports
   * their batches, already listening.
   */
  record Parts(QuotesBatch quotes, BarsBatch bars, IngestProgress progress) {

    /** Starts both queries ({@link IngestJob#start}). */
    Queries start(SparkSession spark, IngestSettings settings) throws TimeoutException {
      return IngestJob.start(spark, settings, quotes, bars);
    }
  }

  private IngestJob() {}

  /** The batch functions, and their listener added to {@code spark}'s queries. */
  static Parts parts(
      SparkSession spark,
      IngestSettings settings,
      TopicEnds topicEnds,
      PrometheusRegistry registry) {
    QuotesBatch quotes = new QuotesBatch(settings);
    BarsBatch bars = new BarsBatch(settings);
    IngestProgress progress =
        new IngestProgress(
            settings,
            quotes,
            bars,
            CassandraConnector.apply(spark.sparkContext().getConf()),
            topicEnds,
            registry);
    spark.streams().addListener(progress);
    return new Parts(quotes, bars, progress);
  }

  /**
   * The Spark settings of the job: the master unless spark-submit chose one, UTC as the session
   * time zone (days and minutes of quotes are UTC), the RocksDB state store with changelog
   * checkpointing, the fair scheduler, Cassandra from {@code smack.cassandra}, and then {@code
   * smack.ingest.spark-conf} as it is.
   */
  static SparkConf sparkConf(IngestSettings settings) {
    CassandraSettings cassandra = settings.cassandra();
    SparkConf conf = new SparkConf().setAppName("smack-ingest-streaming");
    if (!conf.contains("spark.master")) {
      conf.setMaster(settings.master());
    }
    conf.set("spark.sql.session.timeZone", "UTC")
        .set("spark.sql.shuffle.partitions", String.valueOf(settings.shufflePartitions()))
        .set(
            "spark.sql.streaming.stateStore.providerClass",
            "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
        .set("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true")
        // Counting the state's rows costs a read before every write (Spark's documentation says
        // to turn it off when writes matter); the deduplication writes one key per quote.
        .set("spark.sql.streaming.stateStore.rocksdb.trackTotalNumberOfRows", "false")
        // Not spark.sql.streaming.stateStore.rocksdb.boundedMemoryUsage: Spark 3.5 builds its
        // shared cache with RocksDB's strict capacity limit (SPARK-44878), so a store that needs
        // more than the bound fails its writes, and with it on, the bars query of bench ingest
        // --full stalled in a batch of 614 000 quotes for the whole 10 minutes the bench waits.
        .set("spark.scheduler.mode", "FAIR")
        // The Kafka source's options hold the SASL password (kafka.sasl.jaas.config) and the
        // truststore's: keep them out of the plans Spark shows in its UI and logs.
        .set("spark.sql.redaction.options.regex", "(?i)url|password|jaas|secret|token");
    cassandra.sparkConnectorSettings().forEach(conf::set);
    settings.sparkConf().forEach(conf::set);
    return conf;
  }

  /**
   * Creates the keyspace and tables that are missing; a role that may not stops the job naming
   * {@code setting}, as {@link CqlSchema} says.
   */
  static void createSchema(SparkSession spark, CassandraSettings cassandra, String setting) {
    CassandraConnector.apply(spark.sparkContext().getConf())
        .withSessionDo(
            session -> {
              CqlSchema.apply(session, cassandra.keyspace(), cassandra.replication(), setting);
              return null;
            });
  }

  /** Creates the keyspace (with the CQL replication map) and the tables that are missing. */
  static void createSchema(CassandraConnector connector, String keyspace, String replication) {
    connector.withSessionDo(
        session -> {
          CqlSchema.apply(session, keyspace, replication);
          return null;
        });
  }

  /**
   * Starts both queries; they run until stopped, or, with available-now, until they have caught up.
   * With available-now the bars query starts first: each query reads up to the topic's end when it
   * starts, so the quotes query then reads at least as far as the bars query, whose backfill waits
   * for it ({@link QuotesGate}).
   */
  static Queries start(
      SparkSession spark, IngestSettings settings, QuotesBatch quotes, BarsBatch bars)
      throws TimeoutException {
    QuoteParsing.register(spark, settings.quotes().maxClockSkew());
    StreamingQuery barsQuery = startBars(spark, settings, bars);
    StreamingQuery quotesQuery = startQuotes(spark, settings, quotes);
    return new Queries(quotesQuery, barsQuery);
  }

  private static StreamingQuery startQuotes(
      SparkSession spark, IngestSettings settings, QuotesBatch batch) throws TimeoutException {
    spark.sparkContext().setLocalProperty("spark.scheduler.pool", "quotes");
    try {
      return kafka(spark, settings, settings.maxOffsetsPerTrigger())
          .writeStream()
          .queryName(settings.queryName())
          .option("checkpointLocation", settings.quotesCheckpoint())
          .trigger(trigger(settings.triggerInterval()))
          .foreachBatch(batch)
          .start();
    } finally {
      spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
    }
  }

  private static StreamingQuery startBars(
      SparkSession spark, IngestSettings settings, BarsBatch batch) throws TimeoutException {
    spark.sparkContext().setLocalProperty("spark.scheduler.pool", "bars");
    try {
      Dataset<Row> quotes =
          QuoteParsing.quotes(
              QuoteParsing.decode(kafka(spark, settings, settings.barsMaxOffsetsPerTrigger())));
      return Bars.stream(quotes, settings.barsWatermark())
          .writeStream()
          .queryName(settings.barsQueryName())
          .outputMode("update")
          .option("checkpointLocation", settings.barsCheckpoint())
          .trigger(trigger(settings.barsTrigger()))
          .foreachBatch(batch)
          .start();
    } finally {
      spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
    }
  }

  private static Dataset<Row> kafka(
      SparkSession spark, IngestSettings settings, long maxOffsetsPerTrigger) {
    return spark
        .readStream()
        .format("kafka")
        .options(settings.kafka().sparkOptions())
        .option("subscribe", settings.kafka().quotesTopic())
        .option("startingOffsets", settings.startingOffsets())
        .option("maxOffsetsPerTrigger", maxOffsetsPerTrigger)
        // A gap in the topic (records deleted before they were read) stops the query loudly.
        .option("failOnDataLoss", "true")
        .load();
  }

  private static Trigger trigger(Optional<java.time.Duration> interval) {
    return interval
        .map(every -> Trigger.ProcessingTime(every.toMillis()))
        .orElseGet(Trigger::AvailableNow);
  }
}
