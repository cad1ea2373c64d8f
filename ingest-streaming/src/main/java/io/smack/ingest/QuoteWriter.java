package io.smack.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.Quote;
import io.smack.common.QuoteInserts;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes one partition of a micro-batch's decoded records (the fields of {@link
 * QuoteParsing#DECODED}) into Cassandra in one pass, through the connector's session of the
 * executor, as {@link QuoteInserts} writes quotes: {@code symbols}, {@code quote_days}, {@code
 * quotes_by_day}, then {@code latest_quote}. Yields one {@link Summary}, with the partition's
 * rejects for the dead-letter topic.
 *
 * <p>Why not the connector's DataFrame writer: it writes one table per Spark job, and each job
 * costs a scheduling round on every partition; one pass writes the three tables in one job, which
 * is what keeps a quote's way into {@code latest_quote} within a second. The statements run on the
 * connector's session, idempotent prepared inserts at the configured consistency, with a bounded
 * number in flight as its writer keeps.
 */
final class QuoteWriter implements FlatMapFunction<Iterator<Row>, QuoteWriter.Summary> {

  private static final long serialVersionUID = 1L;

  /** What one partition held: quotes written, its rejects, and the newest event time (or null). */
  record Summary(long quotes, List<Reject> rejects, Instant newest) implements Serializable {}

  /** A record the codec refused: its Kafka key and value, and why. */
  record Reject(byte[] key, byte[] value, String reason, String detail) implements Serializable {

    /** The columns {@link QuoteParsing#deadLetters} reads, of the decoded Kafka records. */
    static final StructType SCHEMA =
        new StructType()
            .add("key", DataTypes.BinaryType)
            .add("value", DataTypes.BinaryType)
            .add(
                "decoded",
                new StructType()
                    .add("valid", DataTypes.BooleanType)
                    .add("reason", DataTypes.StringType)
                    .add("detail", DataTypes.StringType));

    Row row() {
      return RowFactory.create(key, value, RowFactory.create(false, reason, detail));
    }
  }

  /**
   * The columns this writer reads from the decoded Kafka records: the fields of {@link
   * QuoteParsing#DECODED}, then the key and value of a reject (null for a valid quote, so that a
   * quote's bytes are not copied again).
   */
  static Column[] columns() {
    Column rejected = not(col("decoded.valid"));
    return new Column[] {
      col("decoded.*"),
      when(rejected, col("key")).as("reject_key"),
      when(rejected, col("value")).as("reject_value")
    };
  }

  private final CassandraConnector connector;
  private final String keyspace;
  private final String consistency;
  private final int inFlight;

  QuoteWriter(CassandraConnector connector, String keyspace, String consistency, int inFlight) {
    this.connector = connector;
    this.keyspace = keyspace;
    this.consistency = consistency;
    this.inFlight = inFlight;
  }

  @Override
  public Iterator<Summary> call(Iterator<Row> decoded) {
    List<Quote> quotes = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    while (decoded.hasNext()) {
      Row row = decoded.next();
      if (row.getBoolean(0)) {
        quotes.add(quote(row));
      } else {
        rejects.add(new Reject(row.getAs(11), row.getAs(12), row.getString(6), row.getString(7)));
      }
    }
    Instant newest =
        quotes.isEmpty()
            ? null
            : connector.withSessionDo(
                s -> new QuoteInserts(s, keyspace, consistency, inFlight).write(quotes).get());
    return List.of(new Summary(quotes.size(), rejects, newest)).iterator();
  }

  /** The quote of a valid decoded row, as the codec read it. */
  private static Quote quote(Row row) {
    Quote.Ohlc ohlc =
        row.isNullAt(8)
            ? null
            : new Quote.Ohlc(row.getDouble(8), row.getDouble(9), row.getDouble(10));
    return new Quote(
        row.getString(1),
        row.<Timestamp>getAs(2).toInstant(),
        row.getDouble(3),
        row.getLong(4),
        row.getString(5),
        ohlc);
  }
}
