package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.smack.common.CqlSchema;
import io.smack.common.Quote;
import io.smack.localstack.StackAddresses;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The raw baseline of every Cassandra stage: quote rows written to {@code quotes_by_day} with async
 * prepared inserts through the Java driver, at most {@link #IN_FLIGHT} requests at a time.
 */
final class CassandraWriteBaseline implements Benchmark {

  static final String ROWS = "cassandra-writes.rows";
  static final int IN_FLIGHT = 512;

  /** The longest wait for Cassandra to settle between rounds. */
  static final Duration SETTLE = Duration.ofMinutes(2);

  @Override
  public String name() {
    return "cassandra-writes";
  }

  @Override
  public String description() {
    return "async prepared inserts of quote rows, " + IN_FLIGHT + " in flight (rows/s)";
  }

  /**
   * Each round writes {@code count} rows into a keyspace of its own after a tenth as warm-up, and
   * drops it, so that no round writes into tables that earlier rounds filled.
   */
  @Override
  public void run(StackAddresses stack, BenchOptions options, Consumer<Figure> out)
      throws Exception {
    int count = options.scale(300_000);
    try (CqlSession session = session(stack)) {
      Paired.Rounds rounds =
          Paired.of(name())
              .trial("inserts", before -> Map.of("rows/s", rowsPerSecond(session, count)))
              .rounds(options.rounds())
              .run();
      out.accept(rounds.raw(ROWS, "rows/s", "inserts", "rows/s"));
    }
  }

  /** Rows per second of {@code count} inserts of quote rows into a new keyspace. */
  static double rowsPerSecond(CqlSession session, int count) throws Exception {
    String keyspace = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    CqlSchema.apply(session, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    PreparedStatement insert =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".quotes_by_day (symbol, day, ts, price, volume, source)"
                + " VALUES (?, ?, ?, ?, ?, ?)");
    write(session, insert, count / 10, 0); // warm-up
    long start = System.nanoTime();
    write(session, insert, count, count / 10);
    double seconds = (System.nanoTime() - start) / 1e9;
    CqlSchema.execute(session, "DROP KEYSPACE " + keyspace);
    return count / seconds;
  }

  private static void write(CqlSession session, PreparedStatement insert, int count, int offset)
      throws InterruptedException {
    String[] symbols = {"AAPL", "MSFT", "GOOG", "AMZN", "IBM"};
    Instant start = Instant.parse("2026-11-23T14:30:00Z");
    writeAll(
        session,
        count,
        n -> {
          int i = offset + n;
          Quote quote =
              new Quote(
                  symbols[i % symbols.length],
                  start.plusMillis(3L * i),
                  100 + i % 1000 * 0.01,
                  i,
                  "bench");
          return insert.bind(
              quote.symbol(),
              quote.day(),
              quote.ts(),
              quote.price(),
              quote.volume(),
              quote.source());
        });
  }

  /**
   * Executes {@code count} statements asynchronously, at most {@link #IN_FLIGHT} at a time, each
   * marked idempotent; fails with the first error.
   */
  static void writeAll(CqlSession session, int count, IntFunction<BoundStatement> statement)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < count && failure.get() == null; i++) {
      BoundStatement next = statement.apply(i).setIdempotent(true);
      inFlight.acquire();
      CompletionStage<?> done = session.executeAsync(next);
      done.whenComplete(
          (result, error) -> {
            if (error != null) {
              failure.compareAndSet(null, error);
            }
            inFlight.release();
          });
    }
    inFlight.acquire(IN_FLIGHT);
    if (failure.get() != null) {
      throw new IllegalStateException("a write failed", failure.get());
    }
  }

  /**
   * Waits until Cassandra has no flush and no compaction running or pending (its {@code
   * system_views.thread_pools}), at most {@link #SETTLE}: a round that starts while an earlier
   * one's memtables flush or its sstables compact shares the node's disk and CPU with them, which
   * made the same inserts run at 29 000 rows/s in one round and 71 000 in the next.
   *
   * @return whether it settled within {@link #SETTLE}
   */
  static boolean awaitSettled(CqlSession session) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    do {
      long busy =
          session
              .execute("SELECT name, active_tasks, pending_tasks FROM system_views.thread_pools")
              .all()
              .stream()
              .filter(r -> SETTLING.contains(r.getString("name")))
              .mapToLong(
                  r -> count(r.getObject("active_tasks")) + count(r.getObject("pending_tasks")))
              .sum();
      if (busy == 0) {
        return true;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    return false;
  }

  private static long count(Object tasks) {
    return tasks == null ? 0 : ((Number) tasks).longValue();
  }

  private static final Set<String> SETTLING =
      Set.of(
          "CompactionExecutor",
          "MemtableFlushWriter",
          "MemtablePostFlush",
          "MemtableReclaimMemory");

  static CqlSession session(StackAddresses stack) {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress(stack.cassandraHost(), stack.cassandraPort()))
        .withLocalDatacenter(stack.cassandraDatacenter())
        .build();
  }
}
