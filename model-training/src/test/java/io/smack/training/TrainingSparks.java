package io.smack.training;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A local Spark session for the tests and series as quotes rows. */
final class TrainingSparks {

  static final StructType QUOTES =
      new StructType()
          .add("symbol", DataTypes.StringType)
          .add("ts", DataTypes.TimestampType)
          .add("price", DataTypes.DoubleType);

  private TrainingSparks() {}

  static SparkSession local(String name) {
    return SparkSession.builder()
        .appName(name)
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }

  /** A symbol's prices one minute apart from 2026-11-24T00:00Z. */
  static Dataset<Row> series(SparkSession spark, String symbol, double[] prices) {
    Instant start = Instant.parse("2026-11-24T00:00:00Z");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < prices.length; i++) {
      rows.add(RowFactory.create(symbol, Timestamp.from(start.plusSeconds(60L * i)), prices[i]));
    }
    return spark.createDataFrame(rows, QUOTES);
  }
}
