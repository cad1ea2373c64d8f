package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.smack.common.CqlSchema;
import io.smack.common.Quote;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * The baseline of the streaming job's writes: the rows a run of the job wrote, written again as
 * async prepared inserts through the Java driver ({@value CassandraWriteBaseline#IN_FLIGHT} in
 * flight) into the same tables of a keyspace of their own: every quote into {@code quotes_by_day},
 * as many bars into {@code bars_1m} as the job wrote, and one {@code symbols}, one {@code
 * quote_days} and one {@code latest_quote} row per symbol and batch, as the job writes them.
 */
final class RawWrites {

  private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

  private RawWrites() {}

  /**
   * Quotes per second of those inserts: {@code quotes} quotes of {@code symbols} symbols, {@code
   * bars} bars, and rows for {@code batches} batches; timed after a warm-up that writes every quote
   * once (written again, as upserts, in the timed part) and after Cassandra has settled ({@link
   * CassandraWriteBaseline#awaitSettled}).
   */
  static double quotesPerSecond(CqlSession session, int symbols, int quotes, int bars, int batches)
      throws Exception {
    int perBatch = batches * symbols;
    String keyspace = "bench_raw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    CqlSchema.apply(session, keyspace, REPLICATION);
    PreparedStatement quote =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".quotes_by_day (symbol, day, ts, price, volume, source) VALUES (?, ?, ?, ?, ?, ?)");
    PreparedStatement bar =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".bars_1m (symbol, day, minute, open, high, low, close, volume, quotes, close_ts)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    PreparedStatement symbolRow =
        session.prepare("INSERT INTO " + keyspace + ".symbols (bucket, symbol) VALUES (0, ?)");
    PreparedStatement quoteDay =
        session.prepare("INSERT INTO " + keyspace + ".quote_days (symbol, day) VALUES (?, ?)");
    PreparedStatement newest =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".latest_quote (symbol, ts, price, volume, source) VALUES (?, ?, ?, ?, ?)"
                + " USING TIMESTAMP ?");
    Instant start = Instant.parse("2026-11-24T14:30:00Z");
    LocalDate day = LocalDate.ofInstant(start, ZoneOffset.UTC);
    IntFunction<Quote> quoteAt =
        i ->
            new Quote(
                symbol(i % symbols),
                start.plusMillis(10L * (i / symbols)),
                100 + (i % 997) * 0.01,
                1 + i % 500,
                "bench");
    IntFunction<BoundStatement> quoteRow =
        i -> {
          Quote q = quoteAt.apply(i);
          return quote.bind(q.symbol(), q.day(), q.ts(), q.price(), q.volume(), q.source());
        };
    // every quote row once, untimed: the driver's code paths and the node's warm, the timed
    // writes then upserts of rows in the memtables, as the job's are in its timed part
    CassandraWriteBaseline.writeAll(session, quotes, quoteRow);
    CassandraWriteBaseline.awaitSettled(session);
    long began = System.nanoTime();
    CassandraWriteBaseline.writeAll(session, perBatch, i -> symbolRow.bind(symbol(i % symbols)));
    CassandraWriteBaseline.writeAll(
        session, perBatch, i -> quoteDay.bind(symbol(i % symbols), day.plusDays(i / symbols)));
    CassandraWriteBaseline.writeAll(session, quotes, quoteRow);
    CassandraWriteBaseline.writeAll(
        session,
        bars,
        i ->
            bar.bind(
                symbol(i % symbols),
                day,
                start.plus(i / symbols, ChronoUnit.MINUTES),
                100.0,
                101.0,
                99.0,
                100.5,
                1000L,
                6000,
                start.plus(i / symbols + 1, ChronoUnit.MINUTES).minusMillis(10)));
    CassandraWriteBaseline.writeAll(
        session,
        perBatch,
        i -> {
          Quote q = quoteAt.apply(i);
          return newest.bind(
              q.symbol(), q.ts(), q.price(), q.volume(), q.source(), q.ts().toEpochMilli() * 1000);
        });
    double seconds = (System.nanoTime() - began) / 1e9;
    CqlSchema.execute(session, "DROP KEYSPACE " + keyspace);
    return quotes / seconds;
  }

  private static String symbol(int n) {
    return String.format("S%03d", n);
  }
}
