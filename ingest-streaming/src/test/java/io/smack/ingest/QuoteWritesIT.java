package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.NewTopics;
import io.smack.localstack.StackAddresses;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The writes into the real Cassandra node: idempotent, and latest never goes back in time. */
@ExtendWith(LocalStackExtension.class)
class QuoteWritesIT {

  private static SparkSession spark;
  private static String keyspace;

  @BeforeAll
  static void start(StackAddresses stack) {
    spark = TestSparks.withCassandra("quote-writes-it", stack);
    QuoteParsing.register(spark, Duration.ofMinutes(5));
    keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    IngestJob.createSchema(
        CassandraConnector.apply(spark.sparkContext().getConf()),
        keyspace,
        "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void should_keep_the_newest_quote_by_event_time_when_a_late_older_one_arrives_later() {
    // given
    Quote aaplAt1431 = quote("AAPL", "2026-11-23T14:31:00Z", 190.0);
    Quote lateAaplAt1430 = quote("AAPL", "2026-11-23T14:30:00Z", 189.0);
    Quote msftAt1430 = quote("MSFT", "2026-11-23T14:30:00Z", 410.0);
    Quote msftAt1432 = quote("MSFT", "2026-11-23T14:32:00Z", 411.0);

    // when: the newer AAPL first, then a batch with the late AAPL and two MSFT quotes
    TestSparks.writeAsTheJob(spark, keyspace, List.of(aaplAt1431));
    TestSparks.writeAsTheJob(spark, keyspace, List.of(lateAaplAt1430, msftAt1430, msftAt1432));

    // then
    assertThat(read("latest_quote").stream().map(r -> tuple(r.getString(0), r.getDouble(2))))
        .containsExactlyInAnyOrder(tuple("AAPL", 190.0), tuple("MSFT", 411.0));
    assertThat(read("quotes_by_day")).hasSize(4);
  }

  @Test
  void should_write_the_same_rows_again_without_duplicates() {
    // given
    List<Quote> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(
          quote("IBM", Instant.parse("2026-11-24T09:00:00Z").plusSeconds(i).toString(), 160 + i));
    }
    TestSparks.writeAsTheJob(spark, keyspace, batch);
    long before = read("quotes_by_day").stream().filter(r -> r.getString(0).equals("IBM")).count();

    // when: the batch is replayed, as after a crash before its offsets were committed
    TestSparks.writeAsTheJob(spark, keyspace, batch);

    // then
    assertThat(before).isEqualTo(50);
    assertThat(read("quotes_by_day").stream().filter(r -> r.getString(0).equals("IBM")).count())
        .isEqualTo(50);
  }

  @Test
  void should_send_rejects_to_the_dead_letter_topic_with_their_reason(StackAddresses stack)
      throws Exception {
    // given
    String topic = "dlq-it-" + UUID.randomUUID();
    NewTopics.create(stack.kafkaBootstrapServers(), topic, 1);
    List<Row> rows =
        List.of(
            RowFactory.create(null, "<html>".getBytes(StandardCharsets.UTF_8), "quotes", 0, 1L),
            RowFactory.create(
                null,
                QuoteCodec.encode(quote("IBM", "2026-11-24T09:00:00Z", 160)),
                "quotes",
                0,
                2L),
            RowFactory.create(
                null,
                "{\"v\":1,\"symbol\":\"IBM\",\"ts\":\"2026-11-24T09:00:00Z\",\"price\":-1,\"volume\":1,\"source\":\"x\"}"
                    .getBytes(StandardCharsets.UTF_8),
                "quotes",
                0,
                3L));
    Dataset<Row> decoded = QuoteParsing.decode(spark.createDataFrame(rows, TestSparks.KAFKA_ROWS));

    // when
    QuoteWrites.deadLetters(
        QuoteParsing.deadLetters(decoded),
        Map.of("kafka.bootstrap.servers", stack.kafkaBootstrapServers()),
        topic);

    // then
    Properties consumer = new Properties();
    consumer.put("bootstrap.servers", stack.kafkaBootstrapServers());
    consumer.put("group.id", "it-" + UUID.randomUUID());
    consumer.put("auto.offset.reset", "earliest");
    List<String> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> client =
        new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      client.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (letters.size() < 2 && System.nanoTime() < deadline) {
        client
            .poll(Duration.ofMillis(200))
            .forEach(r -> letters.add(new String(r.value(), StandardCharsets.UTF_8)));
      }
    }
    assertThat(letters).hasSize(2);
    assertThat(letters)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("\"reason\":\"malformed\"")
                    .contains("\"raw_text\":\"<html>\""))
        .anySatisfy(l -> assertThat(l).contains("\"reason\":\"bad_price\""));
  }

  private static Quote quote(String symbol, String ts, double price) {
    return new Quote(symbol, Instant.parse(ts), price, 1, "it");
  }

  private static List<Row> read(String table) {
    Dataset<Row> rows =
        spark
            .read()
            .format("org.apache.spark.sql.cassandra")
            .options(Map.of("keyspace", keyspace, "table", table))
            .load();
    return rows.select("symbol", "ts", "price").collectAsList();
  }
}
