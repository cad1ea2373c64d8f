package io.smack.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.to_date;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.NewTopics;
import io.smack.localstack.StackAddresses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves the chosen versions work together in one JVM: Spark 3.5 Structured Streaming reads the
 * real broker with the pinned kafka-clients and writes through the Spark Cassandra Connector into
 * the real node, with the pinned Jackson, Netty and Scala.
 */
@ExtendWith(LocalStackExtension.class)
class SparkStackIT {

  private static final Instant NOW = Instant.parse("2026-11-23T15:00:00Z");

  private static SparkSession spark;

  @BeforeAll
  static void startSpark(StackAddresses stack) {
    spark = TestSparks.withCassandra("spark-stack-it", stack);
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void should_stream_every_quote_from_kafka_into_cassandra(StackAddresses stack) throws Exception {
    // given
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String topic = "quotes-it-" + suffix;
    String keyspace = "it_" + suffix;
    createTopic(stack, topic);
    CassandraConnector connector = CassandraConnector.apply(spark.sparkContext().getConf());
    IngestJob.createSchema(
        connector, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    List<Quote> sent = quotes(2_000);
    produce(stack, topic, sent);

    // when
    Dataset<Row> quotes =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", stack.kafkaBootstrapServers())
            .option("subscribe", topic)
            .option("startingOffsets", "earliest")
            .load()
            .select(from_json(col("value").cast("string"), quoteSchema()).as("q"))
            .select("q.*")
            .withColumn("day", to_date(col("ts")));
    VoidFunction2<Dataset<Row>, Long> writeBatch =
        (batch, batchId) ->
            batch
                .select("symbol", "day", "ts", "price", "volume", "source")
                .write()
                .format("org.apache.spark.sql.cassandra")
                .options(Map.of("keyspace", keyspace, "table", "quotes_by_day"))
                .mode("append")
                .save();
    StreamingQuery query =
        quotes
            .writeStream()
            .trigger(Trigger.AvailableNow())
            .option("checkpointLocation", "target/checkpoints/" + suffix)
            .foreachBatch(writeBatch)
            .start();
    assertThat(query.awaitTermination(TimeUnit.MINUTES.toMillis(3))).isTrue();

    // then
    List<Quote> stored =
        spark
            .read()
            .format("org.apache.spark.sql.cassandra")
            .options(Map.of("keyspace", keyspace, "table", "quotes_by_day"))
            .load()
            .collectAsList()
            .stream()
            .map(
                row ->
                    new Quote(
                        row.getAs("symbol"),
                        ((java.sql.Timestamp) row.getAs("ts")).toInstant(),
                        row.<Double>getAs("price"),
                        row.<Long>getAs("volume"),
                        row.getAs("source")))
            .toList();
    assertThat(stored).containsExactlyInAnyOrderElementsOf(sent);
  }

  private static StructType quoteSchema() {
    return new StructType()
        .add(QuoteCodec.VERSION, DataTypes.IntegerType)
        .add(QuoteCodec.SYMBOL, DataTypes.StringType)
        .add(QuoteCodec.TS, DataTypes.TimestampType)
        .add(QuoteCodec.PRICE, DataTypes.DoubleType)
        .add(QuoteCodec.VOLUME, DataTypes.LongType)
        .add(QuoteCodec.SOURCE, DataTypes.StringType);
  }

  private static List<Quote> quotes(int count) {
    List<Quote> quotes = new ArrayList<>();
    Instant start = Instant.parse("2026-11-22T23:50:00Z"); // spans two day partitions
    String[] symbols = {"AAPL", "MSFT", "GOOG", "AMZN", "IBM"};
    for (int i = 0; i < count; i++) {
      quotes.add(
          new Quote(
              symbols[i % symbols.length], start.plusMillis(731L * i), 50 + i * 0.01, i, "it"));
    }
    return quotes;
  }

  private static void createTopic(StackAddresses stack, String topic) {
    NewTopics.create(stack.kafkaBootstrapServers(), topic, 3);
  }

  private static void produce(StackAddresses stack, String topic, List<Quote> quotes) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
      for (Quote quote : quotes) {
        producer.send(new ProducerRecord<>(topic, quote.symbol(), QuoteCodec.encode(quote)));
      }
      producer.flush();
    }
  }
}
