package io.smack.ingest;

import static org.apache.spark.sql.functions.col;

import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.localstack.StackAddresses;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark sessions for tests (local[2], UTC, no UI), the shape of the Kafka source's rows, and quotes
 * written as the job writes them.
 */
final class TestSparks {

  /** The columns of Spark's Kafka source that the job reads. */
  static final StructType KAFKA_ROWS =
      new StructType()
          .add("key", DataTypes.BinaryType)
          .add("value", DataTypes.BinaryType)
          .add("topic", DataTypes.StringType)
          .add("partition", DataTypes.IntegerType)
          .add("offset", DataTypes.LongType);

  private TestSparks() {}

  /** A local session with no Cassandra. */
  static SparkSession local(String name) {
    return builder(name).getOrCreate();
  }

  /** A local session whose connector points at the stack's Cassandra node. */
  static SparkSession withCassandra(String name, StackAddresses stack) {
    return builder(name)
        .config("spark.cassandra.connection.host", stack.cassandraHost())
        .config("spark.cassandra.connection.port", String.valueOf(stack.cassandraPort()))
        .config("spark.cassandra.connection.localDC", stack.cassandraDatacenter())
        .getOrCreate();
  }

  /**
   * Writes {@code quotes} into {@code keyspace} as a quotes batch does: encoded, decoded by {@link
   * QuoteParsing}, written by {@link QuoteWriter}.
   */
  static void writeAsTheJob(SparkSession spark, String keyspace, List<Quote> quotes) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < quotes.size(); i++) {
      rows.add(RowFactory.create(null, QuoteCodec.encode(quotes.get(i)), "quotes", 0, (long) i));
    }
    QuoteWriter writer =
        new QuoteWriter(
            CassandraConnector.apply(spark.sparkContext().getConf()), keyspace, "LOCAL_ONE", 8);
    QuoteParsing.decode(spark.createDataFrame(rows, KAFKA_ROWS))
        .select(col("decoded.*"))
        .javaRDD()
        .mapPartitions(writer)
        .collect();
  }

  private static SparkSession.Builder builder(String name) {
    return SparkSession.builder()
        .appName(name)
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC");
  }
}
