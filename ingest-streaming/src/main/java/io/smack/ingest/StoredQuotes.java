package io.smack.ingest;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The stored quotes of given minutes, read from {@code quotes_by_day} through the connector's
 * session: one range query per (symbol, day, minute) on the clustering column, so a late minute of
 * a busy day reads that minute, not the day. (The connector's join with a table restricts only the
 * partition key; its per-row range is applied after reading the whole partition.)
 */
final class StoredQuotes implements FlatMapFunction<Iterator<Row>, Row> {

  private static final long serialVersionUID = 1L;

  /** The rows this yields. */
  static final StructType SCHEMA =
      new StructType()
          .add("symbol", DataTypes.StringType, false)
          .add("ts", DataTypes.TimestampType, false)
          .add("price", DataTypes.DoubleType, false)
          .add("volume", DataTypes.LongType, false)
          .add("open", DataTypes.DoubleType, true)
          .add("high", DataTypes.DoubleType, true)
          .add("low", DataTypes.DoubleType, true);

  private final CassandraConnector connector;
  private final String keyspace;
  private final String consistency;

  StoredQuotes(CassandraConnector connector, String keyspace, String consistency) {
    this.connector = connector;
    this.keyspace = keyspace;
    this.consistency = consistency;
  }

  /**
   * @param minutes rows with symbol, minute (timestamp) and day (date) columns
   */
  @Override
  public Iterator<Row> call(Iterator<Row> minutes) {
    List<Row> quotes = new ArrayList<>();
    if (!minutes.hasNext()) {
      return quotes.iterator();
    }
    connector.withSessionDo(
        session -> {
          PreparedStatement select =
              session.prepare(
                  "SELECT ts, price, volume, open, high, low FROM "
                      + keyspace
                      + "."
                      + Tables.QUOTES_BY_DAY
                      + " WHERE symbol = ? AND day = ? AND ts >= ? AND ts < ?");
          while (minutes.hasNext()) {
            Row minute = minutes.next();
            String symbol = minute.getAs("symbol");
            java.time.Instant from = minute.<Timestamp>getAs("minute").toInstant();
            for (com.datastax.oss.driver.api.core.cql.Row stored :
                session.execute(
                    select
                        .bind(
                            symbol,
                            minute.<Date>getAs("day").toLocalDate(),
                            from,
                            from.plus(1, ChronoUnit.MINUTES))
                        .setIdempotent(true)
                        .setConsistencyLevel(DefaultConsistencyLevel.valueOf(consistency)))) {
              quotes.add(
                  RowFactory.create(
                      symbol,
                      Timestamp.from(stored.getInstant(0)),
                      stored.getDouble(1),
                      stored.getLong(2),
                      stored.isNull(3) ? null : stored.getDouble(3),
                      stored.isNull(4) ? null : stored.getDouble(4),
                      stored.isNull(5) ? null : stored.getDouble(5)));
            }
          }
          return null;
        });
    return quotes.iterator();
  }
}
