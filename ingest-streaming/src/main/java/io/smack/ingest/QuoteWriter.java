package io.smack.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.Tables;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * Writes one partition of a micro-batch's decoded records (the fields of {@link
 * QuoteParsing#DECODED}) into Cassandra in one pass, through the connector's session of the
 * executor: first the partition's symbols into {@code symbols} and its (symbol, day) pairs into
 * {@code quote_days} (a reader may find a symbol or a day without quotes, never quotes it cannot
 * find), then every quote into {@code quotes_by_day}, then the newest quote of each symbol into
 * {@code latest_quote} with its event time as the cell's write time (a late, older quote never
 * replaces a newer one). Yields one {@link Summary}.
 *
 * <p>Why not the connector's DataFrame writer: it writes one table per Spark job, and each job
 * costs a scheduling round on every partition; one pass writes the three tables in one job, which
 * is what keeps a quote's way into {@code latest_quote} within a second. The statements are the
 * connector's (its session, idempotent prepared inserts at the configured consistency), with a
 * bounded number in flight as its writer keeps.
 */
final class QuoteWriter implements FlatMapFunction<Iterator<Row>, QuoteWriter.Summary> {

  private static final long serialVersionUID = 1L;

  /** Quotes per unlogged batch: ~2 KiB, under Cassandra's 5 KiB warning. */
  private static final int ROWS_PER_BATCH = 20;

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
    List<Row> quotes = new ArrayList<>();
    long rejected = 0;
    while (decoded.hasNext()) {
      Row row = decoded.next();
      if (row.getBoolean(0)) {
        quotes.add(row);
      } else {
        rejected++;
      }
    }
    Instant newest = quotes.isEmpty() ? null : connector.withSessionDo(s -> write(s, quotes));
    return List.of(new Summary(quotes.size(), rejected, newest)).iterator();
  }

  /**
   * @return the newest event time written
   */
  private Instant write(CqlSession session, List<Row> quotes) {
    PreparedStatement symbolRow =
        session.prepare("INSERT INTO " + table(Tables.SYMBOLS) + " (bucket, symbol) VALUES (?, ?)");
    PreparedStatement day =
        session.prepare("INSERT INTO " + table(Tables.QUOTE_DAYS) + " (symbol, day) VALUES (?, ?)");
    PreparedStatement quote =
        session.prepare(
            "INSERT INTO "
                + table(Tables.QUOTES_BY_DAY)
                + " (symbol, day, ts, price, volume, source, open, high, low)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    PreparedStatement latest =
        session.prepare(
            "INSERT INTO "
                + table(Tables.LATEST_QUOTE)
                + " (symbol, ts, price, volume, source) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?");
    AsyncWrites writes = new AsyncWrites(session, inFlight, Duration.ofMinutes(2));

    Set<String> days = new LinkedHashSet<>();
    Map<String, Row> newest = new HashMap<>();
    for (Row row : quotes) {
      String symbol = row.getString(1);
      days.add(symbol + '\n' + utcDay(ts(row)));
      newest.merge(symbol, row, (a, b) -> ts(b).isAfter(ts(a)) ? b : a);
    }
    for (String name : newest.keySet()) {
      writes.add(bind(symbolRow, Tables.SYMBOLS_BUCKET, name));
    }
    for (String pair : days) {
      int cut = pair.indexOf('\n');
      writes.add(bind(day, pair.substring(0, cut), LocalDate.parse(pair.substring(cut + 1))));
    }
    writes.await();

    // A partition's quotes of one (symbol, day) go in unlogged batches: one Cassandra partition
    // per batch, so a replica applies it as one mutation, as the connector's writer groups rows.
    List<Row> inOrder = new ArrayList<>(quotes);
    inOrder.sort(Comparator.comparing((Row r) -> r.getString(1)).thenComparing(QuoteWriter::ts));
    BatchStatementBuilder batch = null;
    String batchKey = null;
    for (Row row : inOrder) {
      Instant ts = ts(row);
      String key = row.getString(1) + '\n' + utcDay(ts);
      if (batch == null || !key.equals(batchKey) || batch.getStatementsCount() == ROWS_PER_BATCH) {
        if (batch != null) {
          writes.add(batch(batch));
        }
        batch = BatchStatement.builder(BatchType.UNLOGGED);
        batchKey = key;
      }
      // open, high and low left unset for a price alone: a null would write a tombstone
      BoundStatement insert =
          quote.bind(
              row.getString(1), utcDay(ts), ts, row.getDouble(3), row.getLong(4), row.getString(5));
      if (!row.isNullAt(8)) {
        insert =
            insert
                .setDouble(6, row.getDouble(8))
                .setDouble(7, row.getDouble(9))
                .setDouble(8, row.getDouble(10));
      }
      batch.addStatement(insert);
    }
    if (batch != null) {
      writes.add(batch(batch));
    }
    writes.await();

    Instant newestOfAll = Instant.EPOCH;
    for (Row row : newest.values()) {
      Instant ts = ts(row);
      long micros = ChronoUnit.MICROS.between(Instant.EPOCH, ts);
      writes.add(
          bind(
              latest,
              row.getString(1),
              ts,
              row.getDouble(3),
              row.getLong(4),
              row.getString(5),
              micros));
      newestOfAll = ts.isAfter(newestOfAll) ? ts : newestOfAll;
    }
    writes.await();
    return newestOfAll;
  }

  private BatchStatement batch(BatchStatementBuilder builder) {
    return builder
        .setIdempotence(true)
        .setConsistencyLevel(DefaultConsistencyLevel.valueOf(consistency))
        .build();
  }

  private BoundStatement bind(PreparedStatement statement, Object... values) {
    return statement
        .bind(values)
        .setIdempotent(true)
        .setConsistencyLevel(DefaultConsistencyLevel.valueOf(consistency));
  }

  private String table(String name) {
    return keyspace + "." + name;
  }

  private static Instant ts(Row row) {
    return row.<Timestamp>getAs(2).toInstant();
  }

  private static LocalDate utcDay(Instant ts) {
    return LocalDate.ofInstant(ts, ZoneOffset.UTC);
  }
}
