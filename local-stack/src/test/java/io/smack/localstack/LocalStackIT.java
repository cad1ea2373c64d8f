package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.common.CqlSchema;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Settings;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stack is real: a Kafka broker that round-trips quotes and a Cassandra node that stores them.
 */
class LocalStackIT {

  private static final Instant NOW = Instant.parse("2026-11-23T15:00:00Z");

  private static LocalStack stack;

  @BeforeAll
  static void startStack() {
    stack = LocalStack.start(settings().withFreePorts().withDir(Path.of("target", "it-stack")));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void should_deliver_every_quote_produced_to_a_topic_back_to_a_consumer() throws Exception {
    // given
    String topic = "quotes-" + UUID.randomUUID();
    stack.createTopics(Map.of(topic, 3));
    List<Quote> sent = quotes(300);

    // when
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (Quote quote : sent) {
        producer.send(new ProducerRecord<>(topic, quote.symbol(), QuoteCodec.encode(quote)));
      }
      producer.flush();
    }
    List<ConsumerRecord<String, byte[]>> received = consume(topic, sent.size());

    // then
    assertThat(received)
        .allSatisfy(
            record ->
                assertThat(record.key())
                    .isEqualTo(
                        QuoteCodec.decode(record.value(), NOW, Duration.ofMinutes(5)).symbol()));
    assertThat(
            received.stream()
                .map(record -> QuoteCodec.decode(record.value(), NOW, Duration.ofMinutes(5))))
        .containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void should_accept_every_record_produced_the_moment_a_topic_is_created() throws Exception {
    // given a connected idempotent producer with many requests in flight, and a short delivery
    // timeout, so that a refused record shows in seconds rather than in Kafka's two minutes
    Properties properties = new Properties();
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    try (KafkaProducer<String, byte[]> producer = producer(properties)) {
      for (int round = 0; round < 5; round++) {
        String topic = "new-" + UUID.randomUUID();

        // when records are sent as soon as the topic is created
        stack.createTopics(Map.of(topic, 6));
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        List<Quote> quotes = quotes(20_000);
        for (int i = 0; i < quotes.size(); i++) {
          // keys spread over every partition
          String key = "key-" + i % 60;
          sent.add(
              producer.send(new ProducerRecord<>(topic, key, QuoteCodec.encode(quotes.get(i)))));
        }

        // then Kafka acknowledges each of them
        for (Future<RecordMetadata> record : sent) {
          assertThat(record.get(30, TimeUnit.SECONDS).topic()).isEqualTo(topic);
        }
      }
    }
  }

  @Test
  void should_write_and_read_quotes_with_prepared_statements() {
    // given
    String keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    List<Quote> sent = quotes(50);

    try (CqlSession session = session()) {
      CqlSchema.apply(session, keyspace, settings().replication());
      PreparedStatement insert =
          session.prepare(
              "INSERT INTO "
                  + keyspace
                  + ".quotes_by_day (symbol, day, ts, price, volume, source)"
                  + " VALUES (?, ?, ?, ?, ?, ?)");
      PreparedStatement select =
          session.prepare(
              "SELECT symbol, ts, price, volume, source FROM "
                  + keyspace
                  + ".quotes_by_day WHERE symbol = ? AND day = ?");

      // when
      for (Quote quote : sent) {
        session.execute(
            insert.bind(
                quote.symbol(),
                quote.day(),
                quote.ts(),
                quote.price(),
                quote.volume(),
                quote.source()));
      }
      List<Quote> read = new ArrayList<>();
      for (String symbol : List.of("AAPL", "MSFT")) {
        for (Row row : session.execute(select.bind(symbol, sent.get(0).day()))) {
          read.add(
              new Quote(
                  row.getString("symbol"),
                  row.getInstant("ts"),
                  row.getDouble("price"),
                  row.getLong("volume"),
                  row.getString("source")));
        }
      }

      // then: every row, newest first within each symbol's day
      List<Quote> expected = new ArrayList<>(sent);
      expected.sort(
          Comparator.comparing(Quote::symbol).thenComparing(Quote::ts, Comparator.reverseOrder()));
      assertThat(read).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void should_fail_clearly_when_a_port_is_taken_and_start_nothing() throws Exception {
    // given
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(Ports.HOST, 0));
      int port = taken.getLocalPort();
      LocalStackSettings clashing =
          new LocalStackSettings(
              Path.of("target", "it-clash"),
              1,
              port,
              0,
              "256m",
              0,
              0,
              "256m",
              Duration.ofSeconds(30),
              Map.of("quotes", 1),
              "smack",
              "{}",
              false,
              Optional.empty());
      long javaProcessesBefore = javaChildren();

      // when / then
      assertThatThrownBy(() -> LocalStack.start(clashing))
          .isInstanceOf(StackStartException.class)
          .hasMessageContaining("port " + port + " for Kafka is in use");
      assertThat(javaChildren()).isEqualTo(javaProcessesBefore);
    }
  }

  @Test
  void should_start_while_every_core_is_busy_and_leave_no_process_running_once_closed()
      throws Exception {
    // given: a second stack started, its topics created and the pipeline's schema applied, while
    // a busy loop runs on every core (what a shared CI machine does to a cold start)
    LocalStack second;
    long started = System.nanoTime();
    String keyspace = "busy_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (BusyCores busy = BusyCores.everyCore()) {
      second =
          LocalStack.start(settings().withFreePorts().withDir(Path.of("target", "it-stack-2")));
      second.createTopics(Map.of("busy-" + UUID.randomUUID(), 6));
      try (CqlSession session = session(second)) {
        CqlSchema.apply(session, keyspace, settings().replication());
        assertThat(session.getMetadata().getKeyspace(keyspace).orElseThrow().getTables())
            .containsKey(CqlIdentifier.fromCql("quotes_by_day"));
      }
      assertThat(busy.busy()).as("the load held throughout").isTrue();
      System.out.printf(
          "single-node stack: started, topics and schema made in %d s with %d cores kept busy%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), busy.loops());
    }
    List<ProcessHandle> servers =
        second.processes().stream().map(p -> ProcessHandle.of(p.pid()).orElseThrow()).toList();
    assertThat(servers).allMatch(ProcessHandle::isAlive);

    // when
    second.close();

    // then
    assertThat(servers).noneMatch(ProcessHandle::isAlive);
  }

  private static long javaChildren() {
    return ProcessHandle.current().children().count();
  }

  private static LocalStackSettings settings() {
    return LocalStackSettings.from(Settings.load(Map.of()));
  }

  private static List<Quote> quotes(int count) {
    List<Quote> quotes = new ArrayList<>();
    Instant start = Instant.parse("2026-11-23T14:30:00Z");
    for (int i = 0; i < count; i++) {
      String symbol = i % 2 == 0 ? "AAPL" : "MSFT";
      quotes.add(new Quote(symbol, start.plusMillis(250L * i), 100 + i * 0.25, i * 10L, "it"));
    }
    return quotes;
  }

  private static CqlSession session() {
    return session(stack);
  }

  private static CqlSession session(LocalStack of) {
    StackAddresses addresses = of.addresses();
    return CqlSession.builder()
        .addContactPoint(
            new InetSocketAddress(addresses.cassandraHost(), addresses.cassandraPort()))
        .withLocalDatacenter(addresses.cassandraDatacenter())
        .build();
  }

  private static KafkaProducer<String, byte[]> producer() {
    return producer(new Properties());
  }

  private static KafkaProducer<String, byte[]> producer(Properties properties) {
    properties.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.addresses().kafkaBootstrapServers());
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
  }

  private static List<ConsumerRecord<String, byte[]>> consume(String topic, int expected) {
    Properties properties = new Properties();
    properties.put(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.addresses().kafkaBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
      // one more poll: anything beyond what was sent would be a duplicate
      consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
    }
    return records;
  }
}
