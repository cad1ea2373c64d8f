package io.smack.ingest;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Settings;
import io.smack.common.Tables;
import io.smack.localstack.NewTopics;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.SparkConf;

/**
 * A test's own corner of the real stack: a keyspace, a quotes topic, a dead-letter topic and a
 * checkpoint directory of its own, the job's settings pointing at them, and ways to feed the topic
 * and read the tables back.
 */
final class IngestWorld {

  final StackAddresses stack;
  final String keyspace;
  final String quotesTopic;
  final String deadLetterTopic;
  final Path checkpoint;
  private final CassandraConnector cassandra;

  IngestWorld(StackAddresses stack, int partitions) throws Exception {
    this.stack = stack;
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    this.keyspace = "it_" + suffix;
    this.quotesTopic = "quotes-" + suffix;
    this.deadLetterTopic = "dlq-" + suffix;
    this.checkpoint = Path.of("target", "checkpoints", suffix).toAbsolutePath();
    NewTopics.create(
        stack.kafkaBootstrapServers(),
        Map.of(quotesTopic, partitions, deadLetterTopic, 1),
        Duration.ofSeconds(30));
    this.cassandra =
        CassandraConnector.apply(
            new SparkConf()
                .set("spark.cassandra.connection.host", stack.cassandraHost())
                .set("spark.cassandra.connection.port", String.valueOf(stack.cassandraPort()))
                .set("spark.cassandra.connection.localDC", stack.cassandraDatacenter()));
    IngestJob.createSchema(
        cassandra, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  }

  /** The job's environment: this world's topics, keyspace and checkpoint, then {@code more}. */
  Map<String, String> environment(Map<String, String> more) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers());
    env.put("KAFKA_QUOTES_TOPIC", quotesTopic);
    env.put("KAFKA_DLQ_TOPIC", deadLetterTopic);
    env.put("CASSANDRA_CONTACT_POINTS", stack.cassandraHost() + ":" + stack.cassandraPort());
    env.put("CASSANDRA_LOCAL_DC", stack.cassandraDatacenter());
    env.put("CASSANDRA_KEYSPACE", keyspace);
    env.put("INGEST_CHECKPOINT_DIR", checkpoint.toString());
    env.put("INGEST_TRIGGER", IngestSettings.AVAILABLE_NOW);
    env.put("INGEST_SHUFFLE_PARTITIONS", "2");
    env.put("SPARK_MASTER", "local[2]");
    env.put("HTTP_PORT", "0");
    env.putAll(more);
    return env;
  }

  IngestSettings settings(Map<String, String> more) {
    return IngestSettings.from(Settings.load(environment(more)));
  }

  void produce(List<Quote> quotes) {
    List<byte[]> values = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (Quote quote : quotes) {
      keys.add(quote.symbol());
      values.add(QuoteCodec.encode(quote));
    }
    produce(keys, values);
  }

  /** Raw values, each under its key (null for none), in order, acknowledged by the broker. */
  void produce(List<String> keys, List<byte[]> values) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", stack.kafkaBootstrapServers());
    properties.put("enable.idempotence", "true");
    properties.put("acks", "all");
    properties.put("linger.ms", "5");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < values.size(); i++) {
        String key = keys.get(i);
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(quotesTopic, keyBytes, values.get(i)));
      }
      producer.flush();
    }
  }

  /** Every row of a table of this world's keyspace, with the given columns. */
  List<Row> rows(String table, String columns) {
    return cassandra.withSessionDo(
        session -> session.execute("SELECT " + columns + " FROM " + keyspace + "." + table).all());
  }

  /** Runs one CQL statement in this world's Cassandra. */
  void execute(String cql, Object... values) {
    cassandra.withSessionDo(session -> session.execute(cql, values));
  }

  /** The values of the dead-letter topic, waiting until {@code expected} have come. */
  List<String> deadLetters(int expected) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", stack.kafkaBootstrapServers());
    properties.put("group.id", "it-" + UUID.randomUUID());
    properties.put("auto.offset.reset", "earliest");
    List<String> letters = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(deadLetterTopic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (letters.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> letters.add(r.value()));
      }
      // a little longer, to see any letter beyond those expected
      consumer.poll(Duration.ofMillis(500)).forEach(r -> letters.add(r.value()));
    }
    return letters;
  }

  /** The newest batch id in a folder of the checkpoints (quotes/offsets, ...), -1 for none. */
  long newestBatch(String folder) {
    try (Stream<Path> files = Files.list(checkpoint.resolve(folder))) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.matches("[0-9]+"))
          .mapToLong(Long::parseLong)
          .max()
          .orElse(-1);
    } catch (IOException e) {
      return -1;
    }
  }

  /** How many batches the job has recorded in {@code ingest_batches}. */
  long batches() {
    return rows(Tables.INGEST_BATCHES, "batch_id").size();
  }

  /**
   * Sends the quotes {@code chunk} at a time, a chunk every {@code everyMillis}, while {@code
   * sending} holds.
   *
   * @return how many were sent (and acknowledged)
   */
  int trickle(List<Quote> quotes, int chunk, long everyMillis, AtomicBoolean sending) {
    int sent = 0;
    try {
      while (sending.get() && sent < quotes.size()) {
        int next = Math.min(quotes.size(), sent + chunk);
        produce(quotes.subList(sent, next));
        sent = next;
        TimeUnit.MILLISECONDS.sleep(everyMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return sent;
  }
}
