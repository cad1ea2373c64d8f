package io.smack.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.smack.common.AsyncWrites;
import io.smack.common.DeadLetter;
import io.smack.common.InvalidQuoteException;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.QuoteInserts;
import io.smack.common.Tables;
import io.smack.localstack.StackAddresses;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The streaming job's work without Spark, the peer that says what Spark costs: one {@link
 * KafkaConsumer} loop in this JVM that polls, decodes and validates each value with the project's
 * codec, sends the rejects to the dead-letter topic as the job does, writes the quotes with {@link
 * QuoteInserts} (the job's own inserts) and the one-minute bars they changed, then commits the
 * offsets, so a crash between would write the same rows again (upserts), as the job's would.
 *
 * <p>A baseline, not a second pipeline: its bars' state (each open minute's bar and the times seen
 * in it, to drop a quote sent twice) lives in this JVM only, so a restart would lose it where the
 * job keeps it in its checkpoint; a quote behind the watermark is left out of the bars, not
 * backfilled; and one thread does everything.
 */
final class PlainConsumer {

  /** How far behind the newest minute a minute's bar stays open, as the job's default. */
  private static final Duration WATERMARK = Duration.ofMinutes(10);

  private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  private static final String SOURCE = "bench-plain-consumer";

  private final StackAddresses stack;
  private final CqlSession session;
  private final String keyspace;
  private final String consistency;
  private final DefaultConsistencyLevel level;
  private final int writesInFlight;

  /**
   * @param writesInFlight the job's writes in flight per task times its tasks: the same bound
   */
  PlainConsumer(
      StackAddresses stack,
      CqlSession session,
      String keyspace,
      String consistency,
      int writesInFlight) {
    this.stack = stack;
    this.session = session;
    this.keyspace = keyspace;
    this.consistency = consistency;
    this.level = DefaultConsistencyLevel.valueOf(consistency);
    this.writesInFlight = writesInFlight;
  }

  private final AtomicLong done = new AtomicLong();
  private volatile long lastCommitNanos;
  private volatile boolean running = true;

  /** The records done so far: written, and their offsets committed. */
  long done() {
    return done.get();
  }

  /** When the latest offsets were committed ({@link System#nanoTime}). */
  long lastCommitNanos() {
    return lastCommitNanos;
  }

  /** Makes {@link #consume} return after its current poll. */
  void stop() {
    running = false;
  }

  /**
   * Reads {@code topic} from its start until {@link #stop}, at most {@code perPoll} records a poll;
   * rejects go to {@code deadLetters}.
   */
  void consume(String topic, String deadLetters, int perPoll) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-plain-" + topic);
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, perPoll);
    OpenBars bars = new OpenBars();
    QuoteInserts inserts = new QuoteInserts(session, keyspace, consistency, writesInFlight);
    PreparedStatement barInsert =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + "."
                + Tables.BARS_1M
                + " (symbol, day, minute, open, high, low, close, volume, quotes, close_ts)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    long records = 0;
    try (KafkaConsumer<String, byte[]> consumer =
            new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> rejects = KafkaProducerBaseline.producer(stack)) {
      consumer.subscribe(List.of(topic));
      while (running) {
        ConsumerRecords<String, byte[]> polled = consumer.poll(Duration.ofSeconds(1));
        Instant now = Instant.now();
        List<Quote> valid = new ArrayList<>(polled.count());
        for (ConsumerRecord<String, byte[]> record : polled) {
          try {
            valid.add(QuoteCodec.decode(record.value(), now, MAX_CLOCK_SKEW));
          } catch (InvalidQuoteException e) {
            byte[] letter = new DeadLetter(SOURCE, e.rejection(), record.value(), now).toJson();
            rejects.send(new ProducerRecord<>(deadLetters, record.key(), letter));
          }
        }
        inserts.write(valid);
        AsyncWrites barWrites = new AsyncWrites(session, writesInFlight, Duration.ofMinutes(2));
        for (Bar bar : bars.add(valid)) {
          barWrites.add(
              barInsert
                  .bind(
                      bar.symbol,
                      LocalDate.ofInstant(bar.minute, ZoneOffset.UTC),
                      bar.minute,
                      bar.open,
                      bar.high,
                      bar.low,
                      bar.close,
                      bar.volume,
                      bar.quotes,
                      bar.closeTs)
                  .setIdempotent(true)
                  .setConsistencyLevel(level));
        }
        barWrites.await();
        rejects.flush();
        consumer.commitSync();
        records += polled.count();
        lastCommitNanos = System.nanoTime();
        done.set(records);
      }
    }
  }

  /** One symbol's bar of one minute, as {@code bars_1m} holds it. */
  static final class Bar {
    final String symbol;
    final Instant minute;
    final Set<Instant> seen = new HashSet<>();
    Instant openTs;
    double open;
    double high = Double.NEGATIVE_INFINITY;
    double low = Double.POSITIVE_INFINITY;
    double close;
    long volume;
    int quotes;
    Instant closeTs;

    Bar(String symbol, Instant minute) {
      this.symbol = symbol;
      this.minute = minute;
    }

    /** Adds a quote unless this minute has one of its time already; says whether it did. */
    boolean add(Quote q) {
      if (!seen.add(q.ts())) {
        return false;
      }
      Quote.Ohlc ohlc = q.ohlc();
      if (openTs == null || q.ts().isBefore(openTs)) {
        openTs = q.ts();
        open = ohlc == null ? q.price() : ohlc.open();
      }
      high = Math.max(high, ohlc == null ? q.price() : ohlc.high());
      low = Math.min(low, ohlc == null ? q.price() : ohlc.low());
      if (closeTs == null || q.ts().isAfter(closeTs)) {
        closeTs = q.ts();
        close = q.price();
      }
      volume += q.volume();
      quotes++;
      return true;
    }
  }

  /** The bars of the minutes within the watermark of the newest; older ones are final. */
  static final class OpenBars {
    private final Map<String, Bar> open = new HashMap<>();
    private Instant newestMinute = Instant.EPOCH;

    /** Adds the quotes; returns the bars they changed. */
    List<Bar> add(List<Quote> quotes) {
      Instant watermark = newestMinute.minus(WATERMARK);
      Map<String, Bar> changed = new LinkedHashMap<>();
      for (Quote q : quotes) {
        Instant minute = q.ts().truncatedTo(ChronoUnit.MINUTES);
        if (minute.isBefore(watermark)) {
          continue; // the job would make its bar again from the stored quotes
        }
        String key = q.symbol() + '\n' + minute;
        Bar bar = open.computeIfAbsent(key, k -> new Bar(q.symbol(), minute));
        if (bar.add(q)) {
          changed.put(key, bar);
        }
        newestMinute = minute.isAfter(newestMinute) ? minute : newestMinute;
      }
      Instant closed = newestMinute.minus(WATERMARK);
      open.values().removeIf(bar -> bar.minute.isBefore(closed));
      return new ArrayList<>(changed.values());
    }
  }
}
