package io.smack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.common.Tables;
import io.smack.common.Topics;
import io.smack.localstack.Await;
import io.smack.localstack.FaultFigures;
import io.smack.localstack.Haproxy;
import io.smack.localstack.LocalStack;
import io.smack.localstack.ModuleProcess;
import io.smack.localstack.NetworkFaults;
import io.smack.localstack.Pipeline;
import io.smack.localstack.Ports;
import io.smack.localstack.SlowClients;
import io.smack.localstack.StackAddresses;
import io.smack.localstack.TestTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The faults a deployment must survive, each on the whole pipeline as it runs on Mesos: the local
 * cluster (three KRaft nodes, replication 3 and two in sync; a three-node Cassandra ring at
 * replication 3), the streaming job and the access service at {@code LOCAL_QUORUM}, the collector
 * replaying a load the test knows quote by quote, users asking the API meanwhile. Each fault is
 * injected with real signals on the real processes, and each test ends by counting: produced, in
 * Kafka, stored (read at {@code ALL}), duplicates, lost, and the bars and latest quotes the API
 * serves against the ones worked out from the load apart from the pipeline. Every test prints its
 * counts in one line and fails on any loss or duplicate; a passing one records them for the
 * README's fault table ({@link FaultFigures}).
 *
 * <p>The streaming job runs on Spark local here, restarted from its checkpoint whenever it exits,
 * as Marathon restarts it; the faults of Spark's own processes (a worker, the driver, with remote
 * executors) are {@code IngestOnSparkClusterIT}'s. {@code bin/smack test} runs one leader kill
 * under a minute of load; the faults tagged {@code chaos} are {@code bin/smack chaos}'s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultsIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WORK = Path.of("target", "cluster-faults").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Quotes a second of each load, and how long it lasts. */
  private static final int RATE = 300;

  private static final Duration LOAD = Duration.ofSeconds(60);

  /** The leader-kill test's load: two kills, each followed by the wait for every replica. */
  private static final Duration LEADER_KILL_LOAD = Duration.ofSeconds(150);

  /** The access service's request timeout (its default), which bounds a failure's wait. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /** What a loaded 2-core machine may add to a request's own time. */
  private static final Duration SLACK = Duration.ofSeconds(4);

  /** How long each network fault cuts or slows its link. */
  private static final Duration CUT = Duration.ofSeconds(30);

  /** The slow link's bandwidth: below what the streaming job writes through one node. */
  private static final String SLOW_LINK_RATE = "256kbit";

  /** More than HAProxy's front end holds (2 000): without a per-address limit they take it all. */
  private static final int SLOW_CONNECTIONS = 2_500;

  /** Null where this machine cannot cut links (not root, no iptables, no cgroup v2). */
  private static NetworkFaults links;

  private static String linksMissing;
  private static LocalStack cluster;
  private static StackAddresses stack;
  private static CqlSession cql;
  private static Pipeline pipeline;
  private static Api api;

  @BeforeAll
  static void start() throws IOException {
    TestFolders.deleteRecursively(WORK);
    long started = System.nanoTime();
    try {
      links = NetworkFaults.open("cluster-faults");
    } catch (IllegalStateException e) {
      linksMissing = e.getMessage();
    }
    cluster =
        links == null
            ? LocalStack.startClusterOnFreePorts(WORK.resolve("cluster"))
            : LocalStack.startClusterOnFreePorts(WORK.resolve("cluster"), links);
    System.out.printf(
        "local cluster started in %d s%n",
        Duration.ofNanos(System.nanoTime() - started).toSeconds());
    stack = cluster.addresses();
    cql = session();

    // the streaming job (on Spark local) and the access service as bin/smack up starts them, each
    // restarted when it exits, as Marathon restarts it: a batch that failed runs again on the
    // checkpoint; the collectors are each test's own
    Pipeline.Options options =
        Pipeline.Options.defaults()
            .withFreePorts()
            .withCollector(Pipeline.CollectorRun.NONE, Map.of());
    pipeline =
        Pipeline.start(
            ROOT,
            stack,
            WORK.resolve("pipeline"),
            links == null ? options : options.withNetworkFaults(links));
    pipeline.supervise();
    api = new Api(pipeline.accessUrl(""));
  }

  @AfterAll
  static void stop() {
    Stream.of(pipeline, cql, cluster, links)
        .filter(java.util.Objects::nonNull)
        .forEach(
            c -> {
              try {
                c.close();
              } catch (Exception e) {
                System.out.println("closing " + c + " failed: " + e);
              }
            });
    if (links != null) {
      // no rule, chain or cgroup left on the machine
      assertThat(links.leftBehind()).as("network faults left behind").isFalse();
    }
  }

  @Test
  @Order(0)
  void should_lose_and_double_nothing_when_the_leader_broker_is_killed() throws Exception {
    // bin/smack test's whole-pipeline fault: the first half of the chaos run's one below
    killLeaders(KnownLoad.of("KL", RATE, LOAD, Instant.now(), 5), 1);
  }

  @Test
  @Order(1)
  @Tag("chaos")
  void should_lose_and_double_nothing_when_the_leader_broker_is_killed_twice() throws Exception {
    // long enough that the second kill, after the brokers are in sync again, lands mid-load
    KnownLoad load = KnownLoad.of("KB", RATE, LEADER_KILL_LOAD, Instant.now(), 1);
    Map<String, Number> figures = killLeaders(load, 2);
    figures.put("seconds", LEADER_KILL_LOAD.toSeconds());
    FaultFigures.record("leader-kill", figures);
  }

  /**
   * Kills the broker leading the busiest symbol's partition {@code kills} times under {@code load},
   * each time restarting it and waiting until every replica is in sync again; checks that nothing
   * was lost or doubled and nothing restarted.
   */
  private static Map<String, Number> killLeaders(KnownLoad load, int kills) throws Exception {
    String busiest = load.symbols().get(0);
    Restarts restarts = Restarts.now();
    try (Collector collector = Collector.start(load, "leader-kill-" + kills)) {
      awaitFlowing(load);
      for (int kill = 1; kill <= kills; kill++) {
        // when: the broker leading the busiest symbol's partition is killed, and comes back later,
        // while the collector is still sending
        assertThat(collector.sending()).as("the collector still sending at kill " + kill).isTrue();
        int leader = leaderOf(busiest);
        cluster.killKafka(leader - 1);
        TimeUnit.SECONDS.sleep(10);
        cluster.startKafka(leader - 1);
        // as a rolling operation would: the next kill once every replica is in sync again
        Await.until(ClusterFaultsIT::allInSync, Duration.ofMinutes(2), Duration.ofSeconds(1));
      }
      collector.awaitDone();
    }
    // then: nothing lost or doubled, and no part of the pipeline restarted: the collector and the
    // streaming job go on through the other leaders
    Counts counts =
        countAndCheck(load, "kill the leader broker x" + kills + " at " + RATE + " quotes/s");
    restarts.assertSince(Map.of("ingest-streaming", 0, "access-service", 0));
    return figures(counts, restarts);
  }

  @Test
  @Order(2)
  @Tag("chaos")
  void should_go_on_at_local_quorum_with_a_cassandra_node_killed_and_catch_it_up()
      throws Exception {
    KnownLoad load = load("KC", 2);
    Restarts restarts = Restarts.now();
    ApiLoad users;
    try (Collector collector = Collector.start(load, "cassandra-kill")) {
      awaitFlowing(load);
      users = ApiLoad.start(api, load.symbols(), 4);
      try (users) {
        // when: the third node crashes under ingest and API load, and is started again 20 s later
        cluster.killCassandra(2);
        TimeUnit.SECONDS.sleep(20);
        cluster.startCassandra(2);
        collector.awaitDone();
      }
    }
    // then: every request answered without a 5xx, and the node holds every row by itself (hints)
    Counts counts = countAndCheck(load, "kill a Cassandra node at " + RATE + " quotes/s");
    assertThat(users.failures()).as(users.summary()).isZero();
    assertThat(users.total()).as("the API load ran").isGreaterThan(100);
    assertThat(users.died()).as("API clients that died").isZero();
    assertThat(users.slowest()).as(users.summary()).isLessThan(REQUEST_TIMEOUT.plus(SLACK));
    // the streaming job goes on at LOCAL_QUORUM: no restart of anything
    restarts.assertSince(Map.of("ingest-streaming", 0, "access-service", 0));
    Duration catchUp = awaitOnNode(load, 2);
    System.out.printf(
        "  API meanwhile: %s; the killed node held all %d rows at ONE %d s after the counts%n",
        users.summary(), counts.stored(), catchUp.toSeconds());
    Map<String, Number> figures = figures(counts, restarts, users);
    figures.put("catchUpSeconds", catchUp.toSeconds());
    FaultFigures.record("cassandra-kill", figures);
  }

  @Test
  @Order(3)
  @Tag("chaos")
  void should_answer_or_fail_within_the_timeout_while_a_cassandra_node_is_frozen()
      throws Exception {
    KnownLoad load = load("KF", 3);
    Restarts restarts = Restarts.now();
    long threadsBefore = procStatus(access().pid(), "Threads");
    long rssBefore = procStatus(access().pid(), "VmRSS");
    ApiLoad users;
    long threadsFrozen;
    try (Collector collector = Collector.start(load, "cassandra-freeze")) {
      awaitFlowing(load);
      users = ApiLoad.start(api, load.symbols(), 4);
      try (users) {
        // when: the second node is frozen (SIGSTOP) for 30 s: it holds its sockets, answers nothing
        cluster.freezeCassandra(1);
        try {
          TimeUnit.SECONDS.sleep(30);
          threadsFrozen = procStatus(access().pid(), "Threads");
        } finally {
          cluster.thawCassandra(1);
        }
        collector.awaitDone();
      }
    }
    long threadsAfter = procStatus(access().pid(), "Threads");
    long rssAfter = procStatus(access().pid(), "VmRSS");
    // then: every request got an answer, a failure no later than the request timeout allows
    Counts counts = countAndCheck(load, "freeze a Cassandra node 30 s at " + RATE + " quotes/s");
    System.out.printf(
        "  API meanwhile: %s, slowest failure %d ms; access-service threads %d before, %d frozen,"
            + " %d after; resident %d MB before, %d MB after%n",
        users.summary(),
        users.slowestFailure().toMillis(),
        threadsBefore,
        threadsFrozen,
        threadsAfter,
        rssBefore >> 10,
        rssAfter >> 10);
    assertThat(users.total()).as("the API load ran").isGreaterThan(100);
    assertThat(users.died()).as("API clients that died").isZero();
    assertThat(users.count("none")).as("requests with no answer: " + users.summary()).isZero();
    assertThat(users.failures()).as("failures other than 503").isEqualTo(users.count("503"));
    // every request, answered or failed, within the request timeout and what a loaded machine adds
    assertThat(users.slowest()).as(users.summary()).isLessThan(REQUEST_TIMEOUT.plus(SLACK));
    // the access service never restarts; the streaming job at most once (its bars query may fail
    // on the frozen node, and it is started again from its checkpoint)
    restarts.assertAtMost(Map.of("ingest-streaming", 1, "access-service", 0));
    assertThat(threadsFrozen).as("no pile-up of threads").isLessThan(threadsBefore + 20);
    assertThat(counts.stored()).isEqualTo(load.size());
    Map<String, Number> figures = figures(counts, restarts, users);
    figures.put("threadsBefore", threadsBefore);
    figures.put("threadsFrozen", threadsFrozen);
    figures.put("threadsAfter", threadsAfter);
    FaultFigures.record("cassandra-freeze", figures);
  }

  @Test
  @Order(4)
  @Tag("chaos")
  void should_refuse_fast_without_a_quorum_and_lose_nothing_once_it_is_back() throws Exception {
    KnownLoad load = load("KQ", 4);
    Restarts restarts = Restarts.now();
    ApiLoad withoutQuorum;
    try (Collector collector = Collector.start(load, "quorum-loss")) {
      awaitFlowing(load);
      // when: two of the three nodes crash: no quorum of the three replicas
      cluster.killCassandra(1);
      cluster.killCassandra(2);
      withoutQuorum = ApiLoad.start(api, load.symbols(), 2);
      try (withoutQuorum) {
        TimeUnit.SECONDS.sleep(30);
      }
      // and they come back together, as a ring does
      Thread second = new Thread(() -> cluster.startCassandra(1));
      second.start();
      cluster.startCassandra(2);
      second.join();
      collector.awaitDone();
    }
    // then: without a quorum the API said 503, fast; the job's failed batches ran again after
    // its restarts; nothing lost
    Counts counts = countAndCheck(load, "lose the Cassandra quorum 30 s at " + RATE + " quotes/s");
    System.out.printf(
        "  API without a quorum: %s, slowest failure %d ms; the streaming job restarted %d"
            + " time(s)%n",
        withoutQuorum.summary(),
        withoutQuorum.slowestFailure().toMillis(),
        restarts.since("ingest-streaming"));
    // every request without a quorum a 503, within the request timeout
    assertThat(withoutQuorum.total()).as("the API load ran").isGreaterThan(100);
    assertThat(withoutQuorum.died()).as("API clients that died").isZero();
    assertThat(withoutQuorum.count("503"))
        .as(withoutQuorum.summary())
        .isEqualTo(withoutQuorum.total());
    assertThat(withoutQuorum.slowest()).isLessThan(REQUEST_TIMEOUT.plus(SLACK));
    // the streaming job's batch failed: it exited and was started again from its checkpoint, and
    // the access service went on
    restarts.assertAtMost(Map.of("ingest-streaming", 1, "access-service", 0));
    assertThat(restarts.since("ingest-streaming")).as("streaming job restarts").isEqualTo(1);
    assertThat(counts.stored()).isEqualTo(load.size());
    FaultFigures.record("quorum-loss", figures(counts, restarts, withoutQuorum));
  }

  @Test
  @Order(5)
  @Tag("chaos")
  void should_lose_and_double_nothing_when_the_leader_broker_is_cut_off_from_the_others()
      throws Exception {
    NetworkFaults cut = links();
    KnownLoad load = load("KP", 5);
    Restarts restarts = Restarts.now();
    int leader;
    try (Collector collector = Collector.start(load, "broker-partition")) {
      awaitFlowing(load);
      // when: the broker leading the busiest symbol's partition loses its links to the other two,
      // both ways (replication and the controllers' quorum), for 30 s; clients still reach it
      leader = leaderOf(load.symbols().get(0));
      try {
        for (int other = 1; other <= cluster.nodes(); other++) {
          if (other != leader) {
            cut.drop(kafka(leader), LocalStack.host(other - 1), cluster.kafkaPorts());
            cut.drop(kafka(other), LocalStack.host(leader - 1), cluster.kafkaPorts());
          }
        }
        TimeUnit.SECONDS.sleep(CUT.toSeconds());
        assertThat(collector.sending()).as("the collector sending through the cut").isTrue();
      } finally {
        cut.heal();
      }
      Await.until(ClusterFaultsIT::allInSync, Duration.ofMinutes(3), Duration.ofSeconds(1));
      collector.awaitDone();
    }
    // then: the partition moved the leadership; no acknowledged quote lost, none doubled
    Counts counts =
        countAndCheck(
            load, "partition broker " + leader + " from the others " + CUT.toSeconds() + " s");
    System.out.printf(
        "  the busiest partition's leader after the heal: broker %d; the streaming job restarted"
            + " %d time(s)%n",
        leaderOf(load.symbols().get(0)), restarts.since("ingest-streaming"));
    restarts.assertAtMost(Map.of("ingest-streaming", 1, "access-service", 0));
    FaultFigures.record("broker-partition", figures(counts, restarts));
  }

  @Test
  @Order(6)
  @Tag("chaos")
  void should_keep_every_row_on_every_replica_when_a_cassandra_node_is_cut_off_from_the_ring()
      throws Exception {
    NetworkFaults cut = links();
    KnownLoad load = load("KR", 6);
    Restarts restarts = Restarts.now();
    ApiLoad users;
    int node = 3;
    try (Collector collector = Collector.start(load, "ring-partition")) {
      awaitFlowing(load);
      users = ApiLoad.start(api, load.symbols(), 4);
      try (users) {
        // when: the third node loses its links to the other two (gossip, writes, both ways) for
        // 30 s; clients still reach it, and it still coordinates what they send it
        try {
          for (int other = 1; other <= cluster.nodes(); other++) {
            if (other != node) {
              int storage = cluster.cassandraStoragePort();
              cut.drop(cassandra(node), LocalStack.host(other - 1), storage);
              cut.drop(cassandra(other), LocalStack.host(node - 1), storage);
            }
          }
          TimeUnit.SECONDS.sleep(CUT.toSeconds());
        } finally {
          cut.heal();
        }
        collector.awaitDone();
      }
    }
    // then: what went through the cut node failed cleanly or was retried elsewhere, nothing was
    // lost, and the node catches up by itself (hints) until it holds every row alone
    Counts counts =
        countAndCheck(
            load, "partition Cassandra node " + node + " from the ring " + CUT.toSeconds() + " s");
    Duration catchUp = awaitOnNode(load, node - 1);
    System.out.printf(
        "  API meanwhile: %s, slowest failure %d ms; the streaming job restarted %d time(s); node"
            + " %d held all %d rows at ONE %d s after the counts%n",
        users.summary(),
        users.slowestFailure().toMillis(),
        restarts.since("ingest-streaming"),
        node,
        counts.stored(),
        catchUp.toSeconds());
    assertUsersServedOrRefused(users);
    restarts.assertAtMost(Map.of("ingest-streaming", 1, "access-service", 0));
    Map<String, Number> figures = figures(counts, restarts, users);
    figures.put("catchUpSeconds", catchUp.toSeconds());
    FaultFigures.record("ring-partition", figures);
  }

  @Test
  @Order(7)
  @Tag("chaos")
  void should_resume_from_its_checkpoint_when_the_streaming_job_is_cut_off_from_a_broker()
      throws Exception {
    NetworkFaults cut = links();
    KnownLoad load = load("KS", 7);
    Restarts restarts = Restarts.now();
    int broker;
    try (Collector collector = Collector.start(load, "job-partition")) {
      awaitFlowing(load);
      // when: the streaming job (driver and executors: one JVM on Spark local) loses its link to
      // the broker leading the busiest symbol's partition for 30 s
      broker = leaderOf(load.symbols().get(0));
      try {
        cut.drop("ingest-streaming", LocalStack.host(broker - 1), cluster.kafkaPorts());
        TimeUnit.SECONDS.sleep(CUT.toSeconds());
      } finally {
        cut.heal();
      }
      collector.awaitDone();
    }
    // then: the job waited or failed its batch and went on from its checkpoint; nothing lost
    Counts counts =
        countAndCheck(
            load,
            "partition the streaming job from broker " + broker + " " + CUT.toSeconds() + " s");
    System.out.printf(
        "  the streaming job restarted %d time(s)%n", restarts.since("ingest-streaming"));
    restarts.assertAtMost(Map.of("ingest-streaming", 1, "access-service", 0));
    FaultFigures.record("job-partition", figures(counts, restarts));
  }

  @Test
  @Order(8)
  @Tag("chaos")
  void should_answer_or_refuse_within_the_timeout_when_the_api_is_cut_off_from_two_nodes()
      throws Exception {
    NetworkFaults cut = links();
    KnownLoad load = load("KA", 8);
    Restarts restarts = Restarts.now();
    ApiLoad users;
    ApiLoad healed;
    try (Collector collector = Collector.start(load, "api-partition")) {
      awaitFlowing(load);
      users = ApiLoad.start(api, load.symbols(), 4);
      try (users) {
        // when: the access service loses its links to the second and third Cassandra nodes for
        // 30 s (the first still answers it, and still reaches the others itself)
        try {
          for (int node = 2; node <= cluster.nodes(); node++) {
            cut.drop("access-service", LocalStack.host(node - 1), cluster.cassandraPort());
          }
          TimeUnit.SECONDS.sleep(CUT.toSeconds());
        } finally {
          cut.heal();
        }
      }
      // and the users go on asking after the heal
      healed = ApiLoad.start(api, load.symbols(), 4);
      try (healed) {
        TimeUnit.SECONDS.sleep(10);
      }
      collector.awaitDone();
    }
    Counts counts =
        countAndCheck(
            load,
            "partition the access service from 2 of 3 Cassandra nodes " + CUT.toSeconds() + " s");
    System.out.printf(
        "  API during the cut: %s, slowest failure %d ms; in the 10 s after the heal: %s%n",
        users.summary(), users.slowestFailure().toMillis(), healed.summary());
    // then: every request answered or refused (503) within the request timeout, never a hang
    assertUsersServedOrRefused(users);
    // and every one answered after the heal
    assertThat(healed.failures()).as(healed.summary()).isZero();
    assertThat(healed.total()).as("the API load ran after the heal").isGreaterThan(20);
    restarts.assertSince(Map.of("ingest-streaming", 0, "access-service", 0));
    FaultFigures.record("api-partition", figures(counts, restarts, users));
  }

  @Test
  @Order(9)
  @Tag("chaos")
  void should_answer_within_the_timeout_over_a_slow_lossy_link_to_a_cassandra_node()
      throws Exception {
    NetworkFaults slow = links();
    KnownLoad load = load("KW", 9);
    Restarts restarts = Restarts.now();
    ApiLoad users;
    try (Collector collector = Collector.start(load, "slow-link")) {
      awaitFlowing(load);
      users = ApiLoad.start(api, load.symbols(), 4);
      try (users) {
        // when: the third node's link to its clients (the API, the streaming job, the collector's
        // checks) narrows to 256 kbit/s and loses a twentieth of its packets, for 30 s; its links
        // to the other nodes stay as they were
        try {
          slow.slow(LocalStack.host(2), cluster.cassandraPort(), SLOW_LINK_RATE, 0.05);
          TimeUnit.SECONDS.sleep(CUT.toSeconds());
        } finally {
          slow.heal();
        }
      }
      collector.awaitDone();
    }
    Counts counts =
        countAndCheck(
            load,
            "slow link to Cassandra node 3 ("
                + SLOW_LINK_RATE
                + ", 5 % loss) "
                + CUT.toSeconds()
                + " s");
    System.out.printf("  API over the slow link: %s%n", users.summary());
    // then: every request answered, 99 in 100 well within the timeout: the driver sent what the
    // slow node did not answer in 200 ms to another replica (without that, 7 of 2 203 requests
    // got a 503 and the slowest took 3 s)
    assertUsersServedOrRefused(users);
    assertThat(users.failures()).as(users.summary()).isZero();
    assertThat(users.p99()).as(users.summary()).isLessThan(REQUEST_TIMEOUT);
    restarts.assertSince(Map.of("ingest-streaming", 0, "access-service", 0));
    FaultFigures.record("slow-link", figures(counts, restarts, users));
  }

  @Test
  @Order(10)
  @Tag("chaos")
  void should_serve_users_while_slow_clients_hold_more_connections_than_haproxy() throws Exception {
    TestTools.required(
        "HAProxy", Haproxy.binary(), "Debian package haproxy; bin/smack chaos installs it as root");
    KnownLoad load = load("KH", 10);
    Restarts restarts = Restarts.now();
    ApiLoad users;
    SlowClients attack;
    // HAProxy as marathon-lb runs it in front of the access service: the one entry point
    URI instance = URI.create(pipeline.accessUrl(""));
    try (Collector collector = Collector.start(load, "slow-clients");
        Haproxy haproxy =
            Haproxy.start(
                WORK.resolve("haproxy"),
                Ports.free(),
                List.of(new InetSocketAddress(instance.getHost(), instance.getPort())))) {
      Api balanced = new Api(haproxy.url());
      awaitFlowing(load);
      InetSocketAddress entry = new InetSocketAddress("127.0.0.1", haproxy.port());
      // HAProxy serves once its first check of the instance passed
      Await.until(
          () ->
              SlowClients.statusOnNewConnection(entry, "/health/ready", Duration.ofSeconds(5))
                  .equals("200"),
          Duration.ofSeconds(60),
          Duration.ofMillis(500));
      // when: one address opens more connections than HAProxy's front end holds, each sending
      // its headers a byte a second (slowloris), for 30 s
      try (SlowClients slow = SlowClients.start("127.0.0.9", entry, SLOW_CONNECTIONS)) {
        attack = slow;
        Await.until(
            () -> slow.tried() >= SLOW_CONNECTIONS, Duration.ofSeconds(60), Duration.ofMillis(200));
        // and users ask meanwhile, each request on a connection of its own
        users = ApiLoad.startOnNewConnections(balanced, load.symbols(), 4);
        try (users) {
          TimeUnit.SECONDS.sleep(CUT.toSeconds());
        }
      }
      collector.awaitDone();
    }
    Counts counts =
        countAndCheck(
            load,
            "slowloris: "
                + SLOW_CONNECTIONS
                + " slow connections through HAProxy "
                + CUT.toSeconds()
                + " s");
    System.out.printf("  %s; the users: %s%n", attack.summary(), users.summary());
    // then: not one user's request failed
    assertThat(users.failures()).as(users.summary()).isZero();
    assertThat(users.total()).as("the API load ran").isGreaterThan(100);
    // and HAProxy refused the attacker's connections over its share and cut off the slow ones
    assertThat(attack.refused()).as(attack.summary()).isGreaterThan(SLOW_CONNECTIONS / 2);
    assertThat(attack.timedOut()).as(attack.summary()).isPositive();
    restarts.assertSince(Map.of("ingest-streaming", 0, "access-service", 0));
    Map<String, Number> figures = figures(counts, restarts, users);
    figures.put("slowConnections", SLOW_CONNECTIONS);
    figures.put("refused", attack.refused());
    figures.put("timedOut", attack.timedOut());
    FaultFigures.record("slow-clients", figures);
  }

  /**
   * Every user's request got an answer: a success or a 503, none later than the request timeout
   * (and what a loaded machine adds), and no user died.
   */
  private static void assertUsersServedOrRefused(ApiLoad users) {
    assertThat(users.total()).as("the API load ran").isGreaterThan(100);
    assertThat(users.died()).as("API clients that died").isZero();
    assertThat(users.count("none")).as("requests with no answer: " + users.summary()).isZero();
    assertThat(users.failures()).as("failures other than 503").isEqualTo(users.count("503"));
    assertThat(users.slowest()).as(users.summary()).isLessThan(REQUEST_TIMEOUT.plus(SLACK));
  }

  /** The links of the cluster's processes, or a skip (a failure in bin/smack test) naming why. */
  private static NetworkFaults links() {
    return TestTools.required(
        "a way to cut links (" + linksMissing + ")",
        Optional.ofNullable(links),
        "run as root, with iptables and a cgroup v2 hierarchy");
  }

  /** The cgroup of Kafka node {@code node} (1-based, as Kafka numbers them). */
  private static String kafka(int node) {
    return "kafka-" + node;
  }

  /** The cgroup of Cassandra node {@code node} (1-based). */
  private static String cassandra(int node) {
    return "cassandra-" + node;
  }

  /**
   * A fault's counts and the parts' restarts since it began, named as the fault table names them.
   */
  private static Map<String, Number> figures(Counts counts, Restarts restarts) {
    Map<String, Number> figures = new LinkedHashMap<>();
    figures.put("produced", counts.produced());
    figures.put("inKafka", counts.inKafka());
    figures.put("doubled", counts.doubledInKafka());
    figures.put("stored", counts.stored());
    figures.put("duplicates", counts.duplicates());
    figures.put("lost", counts.lost());
    figures.put("ingestRestarts", restarts.since("ingest-streaming"));
    figures.put("accessRestarts", restarts.since("access-service"));
    return figures;
  }

  /** As above, with what the users' requests met. */
  private static Map<String, Number> figures(Counts counts, Restarts restarts, ApiLoad users) {
    Map<String, Number> figures = figures(counts, restarts);
    figures.put("requests", users.total());
    figures.put("answered", users.count("200"));
    figures.put("unavailable", users.count("503"));
    figures.put("slowestSeconds", users.slowest().toMillis() / 1000.0);
    figures.put("p99Millis", users.p99().toMillis());
    return figures;
  }

  private static ModuleProcess access() {
    return pipeline.part("access-service");
  }

  /** The parts' restart counts at a moment, to hold a fault's restarts against what it allows. */
  private record Restarts(Map<String, Integer> before) {

    static Restarts now() {
      Map<String, Integer> before = new HashMap<>();
      for (String part : List.of("ingest-streaming", "access-service")) {
        before.put(part, pipeline.restarts(part));
      }
      return new Restarts(before);
    }

    int since(String part) {
      return pipeline.restarts(part) - before.get(part);
    }

    void assertSince(Map<String, Integer> expected) {
      expected.forEach(
          (part, count) -> assertThat(since(part)).as("restarts of " + part).isEqualTo(count));
    }

    void assertAtMost(Map<String, Integer> most) {
      most.forEach(
          (part, count) ->
              assertThat(since(part)).as("restarts of " + part).isLessThanOrEqualTo(count));
    }
  }

  /** A load of its own symbols, stamped from now on. */
  private static KnownLoad load(String prefix, long seed) {
    return KnownLoad.of(prefix, RATE, LOAD, Instant.now(), seed);
  }

  /**
   * Waits until every symbol of the load has its latest quote and its first bars through the API:
   * the pipeline runs before the fault, and the users ask for data that exists (a symbol without
   * bars yet is a 404, which the load counts as a failure).
   */
  private static void awaitFlowing(KnownLoad load) throws InterruptedException {
    Await.until(
        () ->
            load.symbols().stream()
                .allMatch(
                    symbol -> {
                      try {
                        return api.json("/quotes/" + symbol + "/latest").has("ts")
                            && !api.json("/bars/" + symbol + "?limit=1").get("bars").isEmpty();
                      } catch (AssertionError notYet) {
                        return false;
                      }
                    }),
        Duration.ofMinutes(3),
        Duration.ofSeconds(1));
  }

  /** What each stage holds of a load; {@code doubledInKafka} records beyond one per quote. */
  record Counts(
      long produced, long inKafka, long doubledInKafka, long stored, long duplicates, long lost) {}

  /**
   * Waits until the pipeline has stored the load, then counts it: Kafka's records, the rows read at
   * {@code ALL}, the quotes the bars count (a quote counted twice would show there), and compares
   * the API's bars and latest quotes with the load's. Prints the counts in one line.
   */
  private static Counts countAndCheck(KnownLoad load, String fault) throws InterruptedException {
    Set<String> expected = load.rows().stream().map(KnownLoad.Row::key).collect(Collectors.toSet());
    try {
      Await.until(
          () ->
              stored(load, ConsistencyLevel.LOCAL_QUORUM).size() >= expected.size()
                  && load.symbols().stream().allMatch(s -> bars(s).equals(load.bars(s))),
          Duration.ofMinutes(5),
          Duration.ofSeconds(2));
    } catch (AssertionError e) {
      System.out.printf("%s: not all stored in 5 minutes (%s)%n", fault, e.getMessage());
    }
    List<String> records = kafkaRecords(load);
    Set<String> stored = stored(load, ConsistencyLevel.ALL);
    long counted = 0;
    for (String symbol : load.symbols()) {
      counted += bars(symbol).values().stream().mapToLong(KnownLoad.Bar::quotes).sum();
    }
    long lost = expected.stream().filter(k -> !stored.contains(k)).count();
    Counts counts =
        new Counts(
            load.size(),
            new HashSet<>(records).size(),
            records.size() - new HashSet<>(records).size(),
            stored.size(),
            counted - stored.size(),
            lost);
    System.out.printf(
        "%s: %,d produced, %,d in Kafka (%d doubled), %,d stored, %d duplicates, %d lost%n",
        fault,
        counts.produced(),
        counts.inKafka(),
        counts.doubledInKafka(),
        counts.stored(),
        counts.duplicates(),
        counts.lost());
    assertThat(counts.lost()).as("lost").isZero();
    assertThat(counts.doubledInKafka()).as("records doubled in Kafka").isZero();
    assertThat(counts.duplicates()).as("quotes counted twice in the bars").isZero();
    assertThat(stored).isEqualTo(expected);
    for (String symbol : load.symbols()) {
      assertThat(bars(symbol)).as("bars of " + symbol).isEqualTo(load.bars(symbol));
      JsonNode latest = api.json("/quotes/" + symbol + "/latest");
      KnownLoad.Row last = load.latest(symbol);
      assertThat(latest.get("ts").asText())
          .as("latest of " + symbol)
          .isEqualTo(Api.instant(last.ts()));
      assertThat(latest.get("price").asDouble()).isEqualTo(Double.parseDouble(last.price()));
    }
    return counts;
  }

  /** The keys ("symbol@ts") of the load's stored quotes, read at {@code consistency}. */
  private static Set<String> stored(KnownLoad load, ConsistencyLevel consistency) {
    return stored(load, consistency, null);
  }

  private static Set<String> stored(KnownLoad load, ConsistencyLevel consistency, Node node) {
    PreparedStatement select =
        cql.prepare(
            "SELECT symbol, ts FROM smack."
                + Tables.QUOTES_BY_DAY
                + " WHERE symbol = ? AND day = ?");
    Set<String> keys = new HashSet<>();
    try {
      for (String symbol : load.symbols()) {
        for (LocalDate day : load.days()) {
          for (Row row :
              cql.execute(
                  select
                      .bind(symbol, day)
                      .setConsistencyLevel(consistency)
                      .setNode(node)
                      .setTimeout(Duration.ofSeconds(20)))) {
            keys.add(row.getString("symbol") + "@" + row.getInstant("ts"));
          }
        }
      }
    } catch (DriverException notNow) {
      return Set.of();
    }
    return keys;
  }

  /** Waits until node {@code node} alone (at {@code ONE}) holds every row of the load. */
  private static Duration awaitOnNode(KnownLoad load, int node) throws InterruptedException {
    long began = System.nanoTime();
    Node target =
        cql.getMetadata().getNodes().values().stream()
            .filter(n -> n.getEndPoint().resolve().toString().contains("127.0.0." + (node + 1)))
            .findFirst()
            .orElseThrow();
    Await.until(
        () -> stored(load, ConsistencyLevel.ONE, target).size() == load.size(),
        Duration.ofMinutes(3),
        Duration.ofSeconds(2));
    return Duration.ofNanos(System.nanoTime() - began);
  }

  /** Every bar of {@code symbol} the API serves, by minute (empty while it has none). */
  private static Map<Instant, KnownLoad.Bar> bars(String symbol) {
    Map<Instant, KnownLoad.Bar> bars = new TreeMap<>();
    String next = null;
    try {
      do {
        JsonNode page =
            api.json("/bars/" + symbol + "?limit=1000" + (next == null ? "" : "&cursor=" + next));
        for (JsonNode bar : page.get("bars")) {
          Instant minute = Instant.parse(bar.get("minute").asText());
          bars.put(
              minute,
              new KnownLoad.Bar(
                  minute,
                  bar.get("open").asDouble(),
                  bar.get("high").asDouble(),
                  bar.get("low").asDouble(),
                  bar.get("close").asDouble(),
                  bar.get("volume").asLong(),
                  bar.get("quotes").asLong()));
        }
        next = page.get("next").isNull() ? null : page.get("next").asText();
      } while (next != null);
    } catch (AssertionError notYet) {
      return Map.of();
    }
    return bars;
  }

  /** Every record of the quotes topic for the load's symbols, as "symbol@ts", doubles kept. */
  private static List<String> kafkaRecords(KnownLoad load) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.QUOTES).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        assertThat(System.nanoTime()).as("reading the topic to its end").isLessThan(deadline);
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (load.symbols().contains(record.key())) {
            JsonNode quote = readJson(record.value());
            records.add(
                quote.get("symbol").asText() + "@" + Instant.parse(quote.get("ts").asText()));
          }
        }
      }
    }
    return records;
  }

  /** The Kafka node id leading the partition that {@code symbol}'s quotes go to. */
  private static int leaderOf(String symbol) throws Exception {
    try (Admin admin = admin()) {
      TopicDescription topic =
          admin.describeTopics(List.of(Topics.QUOTES)).allTopicNames().get().get(Topics.QUOTES);
      int partition =
          Utils.toPositive(Utils.murmur2(symbol.getBytes(StandardCharsets.UTF_8)))
              % topic.partitions().size();
      return topic.partitions().get(partition).leader().id();
    }
  }

  private static boolean allInSync() {
    try (Admin admin = admin()) {
      return admin
          .describeTopics(List.of(Topics.QUOTES, Topics.QUOTES_DLQ))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .values()
          .stream()
          .flatMap(t -> t.partitions().stream())
          .allMatch(p -> p.isr().size() == p.replicas().size());
    } catch (Exception notYet) {
      return false;
    }
  }

  private static Admin admin() {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    return Admin.create(properties);
  }

  private static CqlSession session() {
    var builder = CqlSession.builder().withLocalDatacenter(stack.cassandraDatacenter());
    for (String point : stack.cassandraContactPoints().split(",")) {
      int colon = point.lastIndexOf(':');
      builder.addContactPoint(
          new InetSocketAddress(
              point.substring(0, colon), Integer.parseInt(point.substring(colon + 1))));
    }
    return builder.build();
  }

  private static JsonNode readJson(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A line of {@code /proc/PID/status} as a number (kB for memory). */
  private static long procStatus(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
  }

  /** The collector replaying a load at its own pace; exits once Kafka acknowledged every quote. */
  private static final class Collector implements AutoCloseable {

    private final ModuleProcess process;
    private final Duration length;

    private Collector(ModuleProcess process, Duration length) {
      this.process = process;
      this.length = length;
    }

    static Collector start(KnownLoad load, String name) {
      Path csv = load.writeCsv(WORK.resolve(name + ".csv"));
      Map<String, String> env = new HashMap<>(stack.environment());
      env.put("HTTP_PORT", String.valueOf(Ports.free()));
      env.put("COLLECTOR_SOURCES", "stocks");
      env.put("CSV_PATH", csv.toString());
      env.put("CSV_SPEED", "1");
      env.put("COLLECTOR_EXIT_WHEN_DONE", "true");
      return new Collector(
          ModuleProcess.service(
              ROOT,
              "collector",
              "collector.classpath",
              "io.smack.collector.CollectorMain",
              List.of(
                  "-Dsmack.collector.source.stocks.time-field=ts",
                  "-Dsmack.collector.source.stocks.time-format=epoch-millis",
                  "-Dsmack.collector.source.stocks.volume-field=volume"),
              env,
              WORK.resolve("collector-" + name + ".log")),
          load.duration());
    }

    /**
     * Whether it is still replaying: a one-off collector exits once every quote is acknowledged.
     */
    boolean sending() {
      return process.isAlive();
    }

    /** Waits until the replay is done and acknowledged (what is left of it and 4 min): exit 0. */
    void awaitDone() throws InterruptedException {
      assertThat(process.awaitExit(length.plus(Duration.ofMinutes(4))))
          .as("the collector's exit; its log: " + process.logFile())
          .hasValue(0);
    }

    @Override
    public void close() {
      process.close();
    }
  }
}
