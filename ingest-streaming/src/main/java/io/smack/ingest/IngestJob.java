package io.smack.ingest;

import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.CassandraSettings;
import io.smack.common.CqlSchema;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The streaming query: the {@code quotes} topic, in micro-batches, through {@link MicroBatch} into
 * Cassandra, with its offsets in a checkpoint. The same code runs on {@code local[*]} and on any
 * cluster master; only the settings differ.
 */
final class IngestJob {

  private IngestJob() {}

  /**
   * The Spark settings of the job: the master unless spark-submit chose one, UTC as the session
   * time zone (days and minutes of quotes are UTC), Cassandra from {@code smack.cassandra}, and
   * then {@code smack.ingest.spark-conf} as it is.
   */
  static SparkConf sparkConf(IngestSettings settings) {
    CassandraSettings cassandra = settings.cassandra();
    SparkConf conf = new SparkConf().setAppName("smack-ingest-streaming");
    if (!conf.contains("spark.master")) {
      conf.setMaster(settings.master());
    }
    conf.set("spark.sql.session.timeZone", "UTC")
        .set("spark.sql.shuffle.partitions", String.valueOf(settings.shufflePartitions()));
    cassandra.sparkConnectorSettings().forEach(conf::set);
    settings.sparkConf().forEach(conf::set);
    return conf;
  }

  /** Creates the keyspace and tables that are missing. */
  static void createSchema(SparkSession spark, CassandraSettings cassandra) {
    createSchema(
        CassandraConnector.apply(spark.sparkContext().getConf()),
        cassandra.keyspace(),
        cassandra.replication());
  }

  /** Creates the keyspace (with the CQL replication map) and the tables that are missing. */
  static void createSchema(CassandraConnector connector, String keyspace, String replication) {
    connector.withSessionDo(
        session -> {
          for (String statement : CqlSchema.statements(keyspace, replication)) {
            session.execute(statement);
          }
          return null;
        });
  }

  /** Starts the query; it runs until stopped, or, with available-now, until it has caught up. */
  static StreamingQuery start(SparkSession spark, IngestSettings settings, MicroBatch batch)
      throws TimeoutException {
    QuoteParsing.register(spark);
    Dataset<Row> kafka =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", settings.kafka().bootstrapServers())
            .option("subscribe", settings.kafka().quotesTopic())
            .option("startingOffsets", settings.startingOffsets())
            .option("maxOffsetsPerTrigger", settings.maxOffsetsPerTrigger())
            // A gap in the topic (records deleted before they were read) stops the query loudly.
            .option("failOnDataLoss", "true")
            .load();
    Trigger trigger =
        settings
            .triggerInterval()
            .map(interval -> Trigger.ProcessingTime(interval.toMillis()))
            .orElseGet(Trigger::AvailableNow);
    return kafka
        .writeStream()
        .queryName(settings.queryName())
        .option("checkpointLocation", settings.checkpoint())
        .trigger(trigger)
        .foreachBatch(batch)
        .start();
  }
}
