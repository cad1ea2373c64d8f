package io.smack.bench;

import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.localstack.NewTopics;
import io.smack.localstack.StackAddresses;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The raw baseline of every Kafka stage: a bare {@link KafkaProducer} loop sending quote-sized
 * records (pre-encoded, so no work but the producer's) with the settings the collector uses:
 * idempotent, {@code acks=all}, batched and compressed.
 */
final class KafkaProducerBaseline implements Benchmark {

  static final String RECORDS = "kafka-producer.records";
  static final String BYTES = "kafka-producer.bytes";

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final byte[][] VALUES = quoteValues();
  private static final double AVERAGE_BYTES =
      Arrays.stream(VALUES).mapToInt(v -> v.length).average().orElseThrow();

  @Override
  public String name() {
    return "kafka-producer";
  }

  @Override
  public String description() {
    return "bare KafkaProducer loop of quote-sized records (records/s, MB/s)";
  }

  /** Warm-up rounds, then timed rounds: a cold round measures the JIT, not Kafka. */
  @Override
  public void run(StackAddresses stack, BenchOptions options, Consumer<Figure> out)
      throws Exception {
    int count = options.scale(1_000_000);
    Paired.Rounds rounds =
        Paired.of(name())
            .trial("bare-loop", before -> round(stack, count).sample())
            // three warm-ups: the first benchmark of a run meets a cold broker and JIT, and one
            // round left its timed rounds rising from 0.66 to 1.09 M records/s, against 1.8 M of
            // the same loop in the collector's rounds later in that run
            .warmUps(3)
            .rounds(options.rounds())
            .run();
    double[] rates = rounds.of("bare-loop", "records/s");
    out.accept(Figure.raw(RECORDS, "records/s", rates));
    out.accept(
        Figure.raw(
            BYTES, "MB/s", Arrays.stream(rates).map(rate -> rate * AVERAGE_BYTES / 1e6).toArray()));
  }

  /**
   * A timed round of a producing loop: its rate, and the CPU time its sending thread spent per
   * record (for the bare loop, what {@code KafkaProducer.send} costs the caller: serializing,
   * partitioning, appending to the compressed batch; the producer's I/O thread and the broker are
   * not counted).
   */
  record Round(double recordsPerSecond, double cpuNanosPerRecord) {

    Map<String, Double> sample() {
      return Map.of("records/s", recordsPerSecond, "cpu-ns/record", cpuNanosPerRecord);
    }
  }

  /** The bare loop: {@code count} quote-sized records, pre-encoded, to a new topic. */
  static Round round(StackAddresses stack, int count) throws Exception {
    String[] keys = {"AAPL", "MSFT", "GOOG", "AMZN", "IBM"};
    return onNewTopic(
        stack,
        topic ->
            timedLoop(
                stack,
                count,
                i ->
                    new ProducerRecord<>(topic, keys[i % keys.length], VALUES[i % VALUES.length])));
  }

  /** Runs {@code round} on a topic of its own, deleted afterwards. */
  static <T> T onNewTopic(StackAddresses stack, ThrowingFunction<String, T> round)
      throws Exception {
    String topic = "bench-producer-" + UUID.randomUUID();
    createTopic(stack, topic);
    try {
      return round.apply(topic);
    } finally {
      deleteTopic(stack, topic);
    }
  }

  /** A function that may throw, as a round does. */
  interface ThrowingFunction<A, B> {
    B apply(A a) throws Exception;
  }

  /**
   * Sends a tenth of {@code count} and then {@code count} more records, made by {@code record} on
   * the calling thread, through one producer with the collector's settings, and times them as the
   * collector's rounds are timed: the clock starts once a tenth is acknowledged (the sends after it
   * already under way) and stops at the last acknowledgement; the rate is the records acknowledged
   * in between over that time. Fails if Kafka refused any record (one callback for all, as the
   * collector has one per batch).
   */
  static Round timedLoop(
      StackAddresses stack, int count, IntFunction<ProducerRecord<String, byte[]>> record)
      throws Exception {
    int warmUp = count / 10;
    int total = warmUp + count;
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Callback callback =
        (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
          acknowledged.incrementAndGet();
        };
    try (KafkaProducer<String, byte[]> producer = producer(stack)) {
      long start = 0;
      long acknowledgedAtStart = 0;
      long cpuAtStart = 0;
      int sentAtStart = 0;
      long cpu = 0;
      for (int i = 0; i < total; i++) {
        if (start == 0 && acknowledged.get() >= warmUp) {
          start = System.nanoTime();
          acknowledgedAtStart = acknowledged.get();
          cpuAtStart = THREADS.getCurrentThreadCpuTime();
          sentAtStart = i;
        }
        producer.send(record.apply(i), callback);
      }
      if (start != 0) {
        cpu = THREADS.getCurrentThreadCpuTime() - cpuAtStart;
      }
      while (start == 0) { // every record sent before a tenth was acknowledged: a slow broker
        if (acknowledged.get() >= warmUp) {
          start = System.nanoTime();
          acknowledgedAtStart = acknowledged.get();
          sentAtStart = total;
        }
        Thread.onSpinWait();
      }
      producer.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (failure.get() != null) {
        throw new IllegalStateException("Kafka refused records of the loop", failure.get());
      }
      double sentTimed = total - sentAtStart;
      return new Round(
          (total - acknowledgedAtStart) / seconds, sentTimed == 0 ? 0 : cpu / sentTimed);
    }
  }

  /** A spread of real-looking encoded quotes, so compression sees varied bytes. */
  private static byte[][] quoteValues() {
    byte[][] values = new byte[1024][];
    Instant start = Instant.parse("2026-11-23T14:30:00Z");
    for (int i = 0; i < values.length; i++) {
      values[i] =
          QuoteCodec.encode(
              new Quote("AAPL", start.plusMillis(137L * i), 180 + (i % 97) * 0.37, i * 3L, "sim"));
    }
    return values;
  }

  static KafkaProducer<String, byte[]> producer(StackAddresses stack) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
  }

  /** A new topic of 6 partitions that the broker already accepts records for. */
  static void createTopic(StackAddresses stack, String topic) {
    NewTopics.create(stack.kafkaBootstrapServers(), topic, 6);
  }

  /**
   * Deletes a round's topic once the round is over: a million quotes are ~50 MB on the broker's
   * disk, and rounds left behind fill it and its page cache, which slowed later rounds against a
   * long-lived stack ({@code --stack-file}).
   */
  static void deleteTopic(StackAddresses stack, String topic) throws Exception {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    try (Admin admin = Admin.create(properties)) {
      admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    }
  }
}
