package io.smack.localstack;

import io.smack.common.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real Kafka and Cassandra, each node in a JVM of its own, with the pipeline's topics and schema
 * created: one broker and one node on 127.0.0.1, or a cluster of {@code nodes} of each, node {@code
 * i} on 127.0.0.(i + 1) (a KRaft quorum whose nodes are brokers and controllers, and one Cassandra
 * ring). Closing it stops them all.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

  private final LocalStackSettings settings;
  private final KafkaNode.Quorum quorum;
  private final CassandraNode.Ring ring;
  private final String kafkaClusterId;
  private final Optional<StackSecurity> security;
  private final List<KafkaNode> kafka;
  private final List<CassandraNode> cassandra;

  private LocalStack(
      LocalStackSettings settings,
      KafkaNode.Quorum quorum,
      CassandraNode.Ring ring,
      String kafkaClusterId,
      Optional<StackSecurity> security,
      List<KafkaNode> kafka,
      List<CassandraNode> cassandra) {
    this.settings = settings;
    this.quorum = quorum;
    this.ring = ring;
    this.kafkaClusterId = kafkaClusterId;
    this.security = security;
    this.kafka = kafka;
    this.cassandra = cassandra;
  }

  /**
   * A stack of its own, in this JVM's control, on free ports with its data under {@code dir}: for
   * tests that stop and start a server (most tests share one through {@link LocalStackExtension}).
   */
  public static LocalStack startOnFreePorts(Path dir) {
    return start(LocalStackSettings.from(Settings.load()).withFreePorts().withDir(dir));
  }

  /**
   * A secured stack of its own ({@code bin/smack up --secure}: SCRAM, TLS and ACLs on Kafka,
   * password authentication, grants and TLS on Cassandra), on free ports with its data under {@code
   * dir}: for the tests of the parts' credentials and grants. Its {@link #addresses()} carry every
   * {@link Principal}'s credentials.
   */
  public static LocalStack startSecuredOnFreePorts(Path dir) {
    return start(
        LocalStackSettings.from(Settings.load()).withFreePorts().withDir(dir).withSecurity());
  }

  /**
   * A cluster of its own ({@code bin/smack up --cluster}: three nodes of each server), in this
   * JVM's control, on free ports with its data under {@code dir}: for the fault tests, which kill
   * and freeze its nodes.
   */
  public static LocalStack startClusterOnFreePorts(Path dir) {
    return start(LocalStackMain.settings(new String[] {"--cluster"}).withFreePorts().withDir(dir));
  }

  /**
   * A cluster of its own as above, each server in a cgroup of its own ({@code kafka-1} to {@code
   * kafka-3}, {@code cassandra-1} to {@code cassandra-3}), for the network fault tests: {@code
   * faults} cuts and slows the links between them and to them.
   */
  public static LocalStack startClusterOnFreePorts(Path dir, NetworkFaults faults) {
    return start(
        LocalStackMain.settings(new String[] {"--cluster"})
            .withFreePorts()
            .withDir(dir)
            .withNetworkFaults(faults));
  }

  /**
   * Starts the servers, waits until each answers, creates the topics and applies the schema. A
   * cluster starts its Kafka nodes together (they elect a controller among themselves), its first
   * Cassandra node (the seed) beside them, then the other Cassandra nodes once the seed answers,
   * and waits until every Cassandra node is up before the schema. On any failure, stops what was
   * started and throws {@link StackStartException}.
   */
  static LocalStack start(LocalStackSettings settings) {
    long started = System.nanoTime();
    int nodes = settings.nodes();
    // Claim every port before starting anything, so that a clash fails at once and cleanly.
    List<Integer> ports =
        Ports.claim(
            List.of(
                settings.kafkaPort(),
                settings.kafkaControllerPort(),
                settings.cassandraPort(),
                settings.cassandraStoragePort()),
            List.of("Kafka", "the Kafka controller", "Cassandra (CQL)", "Cassandra (storage)"),
            nodes);
    KafkaNode.Quorum quorum = new KafkaNode.Quorum(nodes, ports.get(0), ports.get(1));
    CassandraNode.Ring ring = new CassandraNode.Ring(nodes, ports.get(2), ports.get(3));
    String clusterId = KafkaNode.clusterId(kafkaHome(settings, 0));
    Duration timeout = settings.startTimeout();
    checkSameSecurity(settings);
    Optional<StackSecurity> security =
        settings.secure()
            ? Optional.of(
                StackSecurity.prepare(
                    settings.dir().resolve("security"),
                    IntStream.range(0, nodes).mapToObj(Ports::host).toList()))
            : Optional.empty();
    // written by a restart on the supervisor's thread, read by the loop that watches them
    List<KafkaNode> kafka = new CopyOnWriteArrayList<>();
    List<CassandraNode> cassandra = new CopyOnWriteArrayList<>();
    try {
      cassandra.add(startCassandra(settings, ring, 0, security));
      for (int node = 0; node < nodes; node++) {
        kafka.add(startKafka(settings, quorum, node, clusterId, security));
      }
      for (KafkaNode node : kafka) {
        node.awaitReady(timeout);
      }
      kafka.get(0).createTopics(settings.topics());
      kafka.get(0).setUpUsers(settings.quotesTopic(), settings.deadLetterTopic(), timeout);
      LOG.info(
          "Kafka ready at {}, topics {}",
          kafka.get(0).bootstrapServers(),
          settings.topics().keySet());
      cassandra.get(0).awaitReady(timeout);
      for (int node = 1; node < nodes; node++) {
        cassandra.add(startCassandra(settings, ring, node, security));
      }
      for (CassandraNode node : cassandra) {
        node.awaitReady(timeout);
      }
      cassandra.get(0).awaitRing(timeout);
      cassandra.get(0).setUpUsers();
      cassandra.get(0).applySchema(settings.keyspace(), settings.replication());
      cassandra.get(0).grant(settings.keyspace());
      LOG.info(
          "Cassandra ready at {}, keyspace {} ({})",
          ring.contactPoints(),
          settings.keyspace(),
          settings.replication());
      LOG.info(
          "local {} ready in {} s",
          settings.cluster() ? "cluster" : "stack",
          Duration.ofNanos(System.nanoTime() - started).toSeconds());
      return new LocalStack(settings, quorum, ring, clusterId, security, kafka, cassandra);
    } catch (RuntimeException e) {
      closeAll(kafka, cassandra);
      throw e;
    }
  }

  public StackAddresses addresses() {
    return new StackAddresses(
        quorum.bootstrapServers(),
        ring.contactPoints(),
        CassandraNode.DATACENTER,
        Math.min(3, settings.nodes()),
        security.map(StackSecurity::clientEnvironment).orElse(Map.of()));
  }

  /** How many nodes of each server the stack runs. */
  public int nodes() {
    return settings.nodes();
  }

  /** The loopback address node {@code node} (0-based) of each server listens on. */
  public static String host(int node) {
    return Ports.host(node);
  }

  /** The ports each Kafka node listens on at its address: clients and brokers, the controller. */
  public int[] kafkaPorts() {
    return new int[] {quorum.port(), quorum.controllerPort()};
  }

  /** The port each Cassandra node answers CQL on at its address. */
  public int cassandraPort() {
    return ring.port();
  }

  /** The port each Cassandra node talks to the others on (gossip, writes, streaming). */
  public int cassandraStoragePort() {
    return ring.storagePort();
  }

  /** Stops the Kafka broker, as a crash or a rolling restart would, keeping its data. */
  public void stopKafka() {
    stopKafka(0);
  }

  /** Stops Kafka node {@code node} (0-based), keeping its data. */
  public void stopKafka(int node) {
    kafka.get(node).close();
  }

  /** Kills Kafka node {@code node} (SIGKILL), as a crash would; its data stays. */
  public void killKafka(int node) {
    kafka.get(node).process().kill();
  }

  /** Starts the broker again on the same ports and data, and waits until it answers. */
  public void startKafka() {
    startKafka(0);
  }

  /** Starts Kafka node {@code node} again on its ports and data, and waits until it answers. */
  public void startKafka(int node) {
    KafkaNode restarted = startKafka(settings, quorum, node, kafkaClusterId, security);
    try {
      restarted.awaitReady(settings.startTimeout());
    } catch (RuntimeException e) {
      restarted.close();
      throw e;
    }
    kafka.set(node, restarted);
  }

  /** Stops the Cassandra node, as a crash or a rolling restart would, keeping its data. */
  public void stopCassandra() {
    stopCassandra(0);
  }

  /** Stops Cassandra node {@code node} (0-based), keeping its data. */
  public void stopCassandra(int node) {
    cassandra.get(node).close();
  }

  /** Kills Cassandra node {@code node} (SIGKILL), as a crash would; its data stays. */
  public void killCassandra(int node) {
    cassandra.get(node).process().kill();
  }

  /** Freezes Cassandra node {@code node} (SIGSTOP): its sockets stay open, it answers nothing. */
  public void freezeCassandra(int node) {
    cassandra.get(node).process().signal("STOP");
  }

  /** Lets a frozen Cassandra node go on (SIGCONT). */
  public void thawCassandra(int node) {
    cassandra.get(node).process().signal("CONT");
  }

  /** Starts the node again on the same ports and data, and waits until it answers. */
  public void startCassandra() {
    startCassandra(0);
  }

  /** Starts Cassandra node {@code node} again on its ports and data, and waits until it answers. */
  public void startCassandra(int node) {
    CassandraNode restarted = startCassandra(settings, ring, node, security);
    try {
      restarted.awaitReady(settings.startTimeout());
    } catch (RuntimeException e) {
      restarted.close();
      throw e;
    }
    cassandra.set(node, restarted);
  }

  /**
   * Every server as a {@link Supervisor.Part}: the current process of each node, restarted on its
   * ports and data.
   */
  List<Supervisor.Part> servers() {
    List<Supervisor.Part> servers = new ArrayList<>();
    for (int i = 0; i < kafka.size(); i++) {
      int node = i;
      servers.add(new Supervisor.Part(() -> kafka.get(node).process(), () -> startKafka(node)));
    }
    for (int i = 0; i < cassandra.size(); i++) {
      int node = i;
      servers.add(
          new Supervisor.Part(() -> cassandra.get(node).process(), () -> startCassandra(node)));
    }
    return servers;
  }

  /** Creates topics that do not exist yet: name to partition count. */
  public void createTopics(Map<String, Integer> topics) {
    kafka.get(0).createTopics(topics);
  }

  /** The server processes, Kafka's nodes first, for their pids and logs. */
  List<ServerProcess> processes() {
    List<ServerProcess> processes = new ArrayList<>();
    kafka.forEach(node -> processes.add(node.process()));
    cassandra.forEach(node -> processes.add(node.process()));
    return processes;
  }

  /** Stops every server, side by side, and waits for them. */
  @Override
  public void close() {
    closeAll(kafka, cassandra);
  }

  private static KafkaNode startKafka(
      LocalStackSettings settings,
      KafkaNode.Quorum quorum,
      int node,
      String clusterId,
      Optional<StackSecurity> security) {
    return KafkaNode.start(
        kafkaHome(settings, node),
        quorum,
        node,
        settings.kafkaHeap(),
        settings.networkFaultOptions("kafka-" + (node + 1)),
        clusterId,
        settings.startTimeout(),
        security);
  }

  private static CassandraNode startCassandra(
      LocalStackSettings settings,
      CassandraNode.Ring ring,
      int node,
      Optional<StackSecurity> security) {
    return CassandraNode.start(
        home(settings, "cassandra", node),
        ring,
        node,
        settings.cassandraHeap(),
        settings.networkFaultOptions("cassandra-" + (node + 1)),
        security);
  }

  /**
   * A stack's data is kept as it was made, secured or not: Kafka's own user is made with its
   * storage, so the other kind cannot start on it.
   *
   * @throws StackStartException naming the folder when the data is of the other kind
   */
  private static void checkSameSecurity(LocalStackSettings settings) {
    boolean hasData = Files.exists(kafkaHome(settings, 0).resolve("data"));
    boolean securedData = Files.exists(settings.dir().resolve("security"));
    if (hasData && securedData != settings.secure()) {
      throw new StackStartException(
          "the stack in "
              + settings.dir()
              + " was made "
              + (securedData ? "with" : "without")
              + " --secure; start it "
              + (securedData ? "with" : "without")
              + " it, or use another --dir");
    }
  }

  private static Path kafkaHome(LocalStackSettings settings, int node) {
    return home(settings, "kafka", node);
  }

  /** {@code dir/kafka} alone (where a single node always kept its data), {@code dir/kafka-1}... */
  private static Path home(LocalStackSettings settings, String server, int node) {
    return settings.cluster()
        ? settings.dir().resolve(server + "-" + (node + 1))
        : settings.dir().resolve(server);
  }

  private static void closeAll(List<KafkaNode> kafka, List<CassandraNode> cassandra) {
    kafka.forEach(node -> node.process().requestStop());
    cassandra.forEach(node -> node.process().requestStop());
    kafka.forEach(KafkaNode::close);
    cassandra.forEach(CassandraNode::close);
  }
}
