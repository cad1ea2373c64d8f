package io.smack.ingest;

import io.smack.localstack.StackAddresses;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Spark sessions for tests (local[2], UTC, no UI) and the shape of the Kafka source's rows. */
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

  private static SparkSession.Builder builder(String name) {
    return SparkSession.builder()
        .appName(name)
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC");
  }
}
