package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.smack.common.CqlSchema;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local cluster is a real one: three KRaft nodes whose topics have three replicas and need two
 * in sync, a three-node Cassandra ring with the keyspace at three replicas, and both survive the
 * crash (SIGKILL) of a node with nothing lost or doubled.
 */
class LocalClusterIT {

  private static LocalStack cluster;

  @BeforeAll
  static void startCluster() {
    long started = System.nanoTime();
    cluster = LocalStack.startClusterOnFreePorts(Path.of("target", "it-cluster"));
    long rss = 0;
    StringBuilder each = new StringBuilder();
    for (ServerProcess server : cluster.processes()) {
      long bytes = residentBytes(server.pid());
      rss += bytes;
      each.append(String.format(" %s %d MB;", server.name(), bytes >> 20));
    }
    System.out.printf(
        "local cluster: started in %d s, resident memory %d MB:%s%n",
        Duration.ofNanos(System.nanoTime() - started).toSeconds(), rss >> 20, each);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void should_replicate_every_topic_three_times_and_need_two_in_sync() throws Exception {
    try (Admin admin = admin()) {
      // then: three brokers, the pipeline's topics with three replicas all in sync
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
      Map<String, TopicDescription> topics =
          admin.describeTopics(List.of("quotes", "quotes.dlq")).allTopicNames().get();
      for (TopicDescription topic : topics.values()) {
        assertThat(topic.partitions())
            .allSatisfy(
                p -> {
                  assertThat(p.replicas()).as(topic.name()).hasSize(3);
                  assertThat(p.isr()).as(topic.name()).hasSize(3);
                });
      }
      ConfigResource quotes = new ConfigResource(ConfigResource.Type.TOPIC, "quotes");
      Config config = admin.describeConfigs(List.of(quotes)).all().get().get(quotes);
      assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
      assertThat(config.get("unclean.leader.election.enable").value()).isEqualTo("false");
    }
  }

  @Test
  void should_lose_and_double_nothing_when_the_leader_broker_is_killed_mid_send() throws Exception {
    // given: a topic of three partitions, and the broker leading its first one
    String topic = "ha-" + UUID.randomUUID();
    cluster.createTopics(Map.of(topic, 3));
    int leader;
    try (Admin admin = admin()) {
      leader =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .get(0)
              .leader()
              .id();
    }
    int count = 30_000;
    List<Future<RecordMetadata>> acks = new ArrayList<>();

    // when: records go out at a steady pace, and the leader is killed (SIGKILL) a third in
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < count; i++) {
        acks.add(producer.send(new ProducerRecord<>(topic, "key-" + i % 30, "record-" + i)));
        if (i == count / 3) {
          cluster.killKafka(leader - 1);
        }
        if (i % 1_000 == 0) {
          TimeUnit.MILLISECONDS.sleep(100);
        }
      }
      producer.flush();
      for (Future<RecordMetadata> ack : acks) {
        ack.get(2, TimeUnit.MINUTES);
      }
    }
    // and the broker comes back
    cluster.startKafka(leader - 1);

    // then: each record acknowledged once is there once
    List<String> received = consume(topic, count);
    Set<String> distinct = new HashSet<>(received);
    long lost = IntStream.range(0, count).filter(i -> !distinct.contains("record-" + i)).count();
    System.out.printf(
        "kill leader broker %d mid-send: %d produced, %d stored, %d duplicates, %d lost%n",
        leader, count, received.size(), received.size() - distinct.size(), lost);
    assertThat(lost).isZero();
    assertThat(received).hasSize(count);
  }

  @Test
  void should_write_at_local_quorum_with_one_node_down_refuse_with_two_and_catch_up()
      throws Exception {
    StackAddresses addresses = cluster.addresses();
    String keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (CqlSession session = session(addresses)) {
      // given: the stack's keyspace and a new one, both at three replicas
      String replication =
          "{'class': 'NetworkTopologyStrategy', '" + addresses.cassandraDatacenter() + "': 3}";
      CqlSchema.apply(session, keyspace, replication);
      assertThat(replicationOf(session, "smack"))
          .containsEntry("class", "org.apache.cassandra.locator.NetworkTopologyStrategy")
          .containsEntry(addresses.cassandraDatacenter(), "3");
      assertThat(session.getMetadata().getNodes().values())
          .hasSize(3)
          .allMatch(n -> n.getState() == NodeState.UP);
      PreparedStatement insert =
          session.prepare(
              "INSERT INTO "
                  + keyspace
                  + ".quotes_by_day (symbol, day, ts, price, volume, source)"
                  + " VALUES (?, ?, ?, ?, ?, ?)");
      LocalDate day = LocalDate.parse("2026-11-23");
      Instant start = Instant.parse("2026-11-23T14:30:00Z");
      // every write through the first node, which stays up: it keeps the hints of the nodes that
      // are down (a coordinator that crashes loses the hints it had not flushed yet)
      Node first = node(session, 0);
      write(session, insert, first, "AAPL", day, start, 0, 200);

      // when: the third node crashes, the writes go on at LOCAL_QUORUM
      cluster.killCassandra(2);
      write(session, insert, first, "AAPL", day, start, 200, 400);
      // and with the second one down too, a quorum is not there: the write fails, fast (in a
      // partition of its own: a write that timed out may still be applied on the first node)
      cluster.killCassandra(1);
      long refused = System.nanoTime();
      assertThatThrownBy(() -> write(session, insert, first, "REFUSED", day, start, 0, 1))
          .isInstanceOf(DriverException.class);
      Duration refusal = Duration.ofNanos(System.nanoTime() - refused);
      assertThat(refusal).isLessThan(Duration.ofSeconds(30));

      // then: back up, the third node has every row written while it was down (hints)
      // both at once, as a ring coming back does
      CompletableFuture<Void> second = CompletableFuture.runAsync(() -> cluster.startCassandra(1));
      cluster.startCassandra(2);
      second.join();
      Node third = node(session, 2);
      String count =
          "SELECT count(*) FROM "
              + keyspace
              + ".quotes_by_day WHERE symbol = 'AAPL' AND day = '"
              + day
              + "'";
      AtomicLong onThird = new AtomicLong(-1);
      long back = System.nanoTime();
      try {
        Await.until(
            () -> {
              try {
                onThird.set(
                    session
                        .execute(
                            SimpleStatement.newInstance(count)
                                .setNode(third)
                                .setConsistencyLevel(ConsistencyLevel.ONE))
                        .one()
                        .getLong(0));
              } catch (DriverException notYet) {
                // the driver has not reconnected to it yet
              }
              return onThird.get() == 400;
            },
            Duration.ofMinutes(3));
      } catch (AssertionError e) {
        throw new AssertionError("the third node holds " + onThird + " of 400 rows", e);
      }
      Duration catchUp = Duration.ofNanos(System.nanoTime() - back);
      long all =
          session
              .execute(SimpleStatement.newInstance(count).setConsistencyLevel(ConsistencyLevel.ALL))
              .one()
              .getLong(0);
      assertThat(all).isEqualTo(400);
      System.out.printf(
          "two Cassandra nodes killed: 400 written at LOCAL_QUORUM, refused without a quorum in %d"
              + " ms, the third node caught up (hints) %d s after the restarts, 400 read at ALL%n",
          refusal.toMillis(), catchUp.toSeconds());
    }
  }

  private static void write(
      CqlSession session,
      PreparedStatement insert,
      Node coordinator,
      String symbol,
      LocalDate day,
      Instant start,
      int from,
      int to) {
    for (int i = from; i < to; i++) {
      session.execute(
          insert
              .bind(symbol, day, start.plusMillis(250L * i), 100 + i * 0.25, (long) i, "it")
              .setNode(coordinator)
              .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)
              .setIdempotent(true));
    }
  }

  /** The driver's view of node {@code node} of the ring. */
  private static Node node(CqlSession session, int node) {
    return session.getMetadata().getNodes().values().stream()
        .filter(n -> n.getEndPoint().resolve().toString().contains(Ports.host(node) + ":"))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> replicationOf(CqlSession session, String keyspace) {
    return session
        .execute(
            "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = '"
                + keyspace
                + "'")
        .one()
        .getMap("replication", String.class, String.class);
  }

  private static CqlSession session(StackAddresses addresses) {
    return CqlSession.builder()
        .addContactPoint(
            new InetSocketAddress(addresses.cassandraHost(), addresses.cassandraPort()))
        .withLocalDatacenter(addresses.cassandraDatacenter())
        .build();
  }

  private static Admin admin() {
    Properties properties = new Properties();
    properties.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.addresses().kafkaBootstrapServers());
    return Admin.create(properties);
  }

  private static KafkaProducer<String, String> producer() {
    Properties properties = new Properties();
    properties.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.addresses().kafkaBootstrapServers());
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
  }

  private static List<String> consume(String topic, int expected) {
    Properties properties = new Properties();
    properties.put(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.addresses().kafkaBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
      }
      // one more poll: anything beyond what was sent would be a duplicate
      consumer.poll(Duration.ofSeconds(2)).forEach(r -> values.add(r.value()));
    }
    return values;
  }

  private static long residentBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or the process is gone
    }
    return 0;
  }
}
