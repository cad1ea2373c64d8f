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
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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

  /** A warm-up, then the median of three rounds: one cold round measures the JIT, not Kafka. */
  @Override
  public List<Figure> run(StackAddresses stack, BenchOptions options) throws Exception {
    int count = options.scale(1_000_000);
    recordsPerSecond(stack, count);
    double[] rounds = new double[options.pick(1, 2, 3)];
    for (int round = 0; round < rounds.length; round++) {
      rounds[round] = recordsPerSecond(stack, count);
    }
    double median = Figure.median(rounds);
    return List.of(
        Figure.raw(RECORDS, median, "records/s"),
        Figure.raw(BYTES, median * AVERAGE_BYTES / 1e6, "MB/s"));
  }

  /**
   * A timed round of the bare loop: its rate, and the CPU time its sending thread spent per record
   * (what {@code KafkaProducer.send} costs the caller: serializing, partitioning, appending to the
   * compressed batch; the producer's I/O thread and the broker are not counted).
   */
  record Round(double recordsPerSecond, double cpuNanosPerRecord) {}

  static double recordsPerSecond(StackAddresses stack, int count) throws Exception {
    return round(stack, count).recordsPerSecond();
  }

  /**
   * Sends {@code count} quote-sized records to a new topic, after a tenth as warm-up; fails if
   * Kafka refused any (one callback shared by all records, as the collector has one per batch).
   */
  static Round round(StackAddresses stack, int count) throws Exception {
    String topic = "bench-producer-" + UUID.randomUUID();
    createTopic(stack, topic);
    try {
      return round(stack, topic, count);
    } finally {
      deleteTopic(stack, topic);
    }
  }

  private static Round round(StackAddresses stack, String topic, int count) throws Exception {
    String[] keys = {"AAPL", "MSFT", "GOOG", "AMZN", "IBM"};
    AtomicReference<Exception> failure = new AtomicReference<>();
    Callback callback =
        (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        };
    try (KafkaProducer<String, byte[]> producer = producer(stack)) {
      for (int i = 0; i < count / 10; i++) {
        producer.send(
            new ProducerRecord<>(topic, keys[i % keys.length], VALUES[i % VALUES.length]),
            callback);
      }
      producer.flush();
      long start = System.nanoTime();
      long cpuStart = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < count; i++) {
        producer.send(
            new ProducerRecord<>(topic, keys[i % keys.length], VALUES[i % VALUES.length]),
            callback);
      }
      double cpu = (double) (THREADS.getCurrentThreadCpuTime() - cpuStart) / count;
      producer.flush();
      double rate = count / ((System.nanoTime() - start) / 1e9);
      if (failure.get() != null) {
        throw new IllegalStateException("Kafka refused records of the bare loop", failure.get());
      }
      return new Round(rate, cpu);
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
