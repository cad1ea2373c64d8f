package io.smack.ingest;

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
import org.apache.spark.sql.Row;

/**
 * Writes one partition of a micro-batch's decoded records (the fields of {@link
 * QuoteParsing#DECODED}) into Cassandra in one pass, through the connector's session of the
 * executor, as {@link QuoteInserts} writes quotes: {@code symbols}, {@code quote_days}, {@code
 * quotes_by_day}, then {@code latest_quote}. Yields one {@link Summary}.
 *
 * <p>Why not the connector's DataFrame writer: it writes one table per Spark job, and each job
 * costs a scheduling round on every partition; one pass writes the three tables in one job, which
 * is what keeps a quote's way into {@code latest_quote} within a second. The statements run on the
 * connector's session, idempotent prepared inserts at the configured consistency, with a bounded
 * number in flight as its writer keeps.
 */
final class QuoteWriter implements FlatMapFunction<Iterator<Row>, QuoteWriter.Summary> {

  private static final long serialVersionUID = 1L;

  /** What one partition held: quotes written, rejects, and the newest event time (or null). */
  record Summary(long quotes, long rejected, Instant newest) implements Serializable {}

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
    long rejected = 0;
    while (decoded.hasNext()) {
      Row row = decoded.next();
      if (row.getBoolean(0)) {
        quotes.add(quote(row));
      } else {
        rejected++;
      }
    }
    Instant newest =
        quotes.isEmpty()
            ? null
            : connector.withSessionDo(
                s -> new QuoteInserts(s, keyspace, consistency, inFlight).write(quotes).get());
    return List.of(new Summary(quotes.size(), rejected, newest)).iterator();
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
