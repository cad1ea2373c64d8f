package io.smack.training;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.stddev_samp;

import io.smack.common.model.ForecastFeatures;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The features of {@link ForecastFeatures} as Spark window functions over each symbol's series in
 * time order, and the label: the next log return. Every feature frame ends at the current row, so a
 * feature never sees a later price; only the label looks one step ahead.
 */
final class SeriesFeatures {

  /** The label: ln(next price / price). */
  static final String LABEL = "next_return";

  private SeriesFeatures() {}

  /**
   * @param quotes columns symbol, ts, price (more are ignored)
   * @return symbol, ts, price, the feature columns of {@link ForecastFeatures#NAMES}, next_return
   *     and next_price (both null on a symbol's last row), for the rows with a full history
   */
  static Dataset<Row> of(Dataset<Row> quotes) {
    WindowSpec byTime = Window.partitionBy("symbol").orderBy("ts");
    Dataset<Row> returns =
        quotes
            .select("symbol", "ts", "price")
            .withColumn("ret", log(col("price").divide(lag(col("price"), 1).over(byTime))))
            .withColumn("n", row_number().over(byTime));
    Column[] features = new Column[ForecastFeatures.NAMES.size()];
    for (int k = 0; k < ForecastFeatures.LAGS; k++) {
      features[k] = lag(col("ret"), k).over(byTime).as(ForecastFeatures.NAMES.get(k));
    }
    features[ForecastFeatures.LAGS] = gap(byTime, ForecastFeatures.SHORT_AVERAGE, "ma_10_gap");
    features[ForecastFeatures.LAGS + 1] = gap(byTime, ForecastFeatures.LONG_AVERAGE, "ma_20_gap");
    features[ForecastFeatures.LAGS + 2] =
        stddev_samp(col("ret"))
            .over(byTime.rowsBetween(-(ForecastFeatures.VOLATILITY_RETURNS - 1), 0))
            .as("vol_20");
    Column[] columns = new Column[features.length + 6];
    columns[0] = col("symbol");
    columns[1] = col("ts");
    columns[2] = col("price");
    columns[3] = col("n");
    System.arraycopy(features, 0, columns, 4, features.length);
    columns[features.length + 4] = lead(col("ret"), 1).over(byTime).as(LABEL);
    columns[features.length + 5] = lead(col("price"), 1).over(byTime).as("next_price");
    return returns
        .select(columns)
        .where(col("n").geq(lit(ForecastFeatures.PRICES_NEEDED)))
        .drop("n");
  }

  private static Column gap(WindowSpec byTime, int prices, String name) {
    return col("price")
        .divide(avg(col("price")).over(byTime.rowsBetween(-(prices - 1), 0)))
        .minus(lit(1))
        .as(name);
  }
}
