package io.smack.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka node in KRaft mode, both broker and controller, from the {@code kafka_2.13} artifact, in
 * a JVM of its own: alone, or one of the {@link Quorum}'s nodes, each on its own loopback address.
 * Its data survives restarts in its folder.
 */
final class KafkaNode implements AutoCloseable {

  private static final String CLASSPATH = "/io/smack/localstack/kafka.classpath";

  /**
   * The nodes of one Kafka cluster: node {@code i} (id {@code i + 1}) listens on {@link
   * Ports#host}(i), on the same client and controller ports as the others; every node votes. Topics
   * get a replica per node, at most three, and need two in sync to accept a write when there are
   * several.
   */
  record Quorum(int nodes, int port, int controllerPort) {

    String host(int node) {
      return Ports.host(node);
    }

    String voters() {
      return IntStream.range(0, nodes)
          .mapToObj(node -> (node + 1) + "@" + host(node) + ":" + controllerPort)
          .collect(Collectors.joining(","));
    }

    String bootstrapServers() {
      return IntStream.range(0, nodes)
          .mapToObj(node -> host(node) + ":" + port)
          .collect(Collectors.joining(","));
    }

    short replicas() {
      return (short) Math.min(3, nodes);
    }

    int minInSync() {
      return Math.min(2, replicas());
    }
  }

  private final ServerProcess process;
  private final Quorum quorum;
  private final int node;
  private final Optional<StackSecurity> security;

  private KafkaNode(
      ServerProcess process, Quorum quorum, int node, Optional<StackSecurity> security) {
    this.process = process;
    this.quorum = quorum;
    this.node = node;
    this.security = security;
  }

  /**
   * Formats the storage on first use (every node of a cluster with the same {@code clusterId}),
   * then starts node {@code node} of {@code quorum}; does not wait for it. With {@code security},
   * clients talk SASL_SSL, and the format creates its SCRAM users.
   */
  static KafkaNode start(
      Path home,
      Quorum quorum,
      int node,
      String heap,
      List<String> moreJvmOptions,
      String clusterId,
      Duration timeout,
      Optional<StackSecurity> security) {
    Path data = home.resolve("data");
    Path config = home.resolve("server.properties");
    Path log4j = home.resolve("log4j.properties");
    writeConfig(config, data, quorum, node, security);
    writeLog4j(log4j);
    List<String> jvm =
        new ArrayList<>(
            List.of("-Xms" + heap, "-Xmx" + heap, "-Dlog4j.configuration=" + log4j.toUri()));
    jvm.addAll(moreJvmOptions);
    if (!Files.exists(data.resolve("meta.properties"))) {
      List<String> format =
          new ArrayList<>(List.of("format", "-t", clusterId, "-c", config.toString()));
      security.ifPresent(s -> format.addAll(s.scramUsers()));
      ServerProcess.runToCompletion(
          "Kafka storage format",
          CLASSPATH,
          List.of("-Xmx128m", "-Dlog4j.configuration=" + log4j.toUri()),
          "kafka.tools.StorageTool",
          format,
          home.resolve("format.log"),
          timeout);
    }
    ServerProcess process =
        ServerProcess.start(
            quorum.nodes() == 1 ? "Kafka" : "Kafka node " + (node + 1),
            CLASSPATH,
            jvm,
            "kafka.Kafka",
            List.of(config.toString()),
            home.resolve("kafka.log"));
    return new KafkaNode(process, quorum, node, security);
  }

  /**
   * The cluster id the storage under {@code home} was formatted with, or a new one when it was not
   * formatted yet.
   */
  static String clusterId(Path home) {
    Path meta = home.resolve("data").resolve("meta.properties");
    if (Files.exists(meta)) {
      Properties properties = new Properties();
      try (Reader in = Files.newBufferedReader(meta)) {
        properties.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + meta + " failed", e);
      }
      String id = properties.getProperty("cluster.id");
      if (id != null) {
        return id;
      }
    }
    return Uuid.randomUuid().toString();
  }

  /** This node's own address, {@code host:port}. */
  String address() {
    return quorum.host(node) + ":" + quorum.port();
  }

  /** Every node of the cluster, for a client. */
  String bootstrapServers() {
    return quorum.bootstrapServers();
  }

  /** The broker id of this node. */
  int brokerId() {
    return node + 1;
  }

  Quorum quorum() {
    return quorum;
  }

  int node() {
    return node;
  }

  int port() {
    return quorum.port();
  }

  ServerProcess process() {
    return process;
  }

  /**
   * Waits until this node listens and the cluster it belongs to answers a metadata request with all
   * its brokers.
   */
  void awaitReady(Duration timeout) {
    process.awaitReady(
        timeout, () -> Ports.listening(quorum.host(node), quorum.port()) && answersMetadata());
  }

  /**
   * Creates the topics that do not exist yet (name to partition count), with a replica per node (at
   * most three), ready to produce to.
   */
  void createTopics(Map<String, Integer> topics) {
    try {
      NewTopics.create(adminProperties(bootstrapServers()), topics, Duration.ofSeconds(60));
    } catch (IllegalStateException e) {
      throw new StackStartException(e.getMessage(), e);
    }
  }

  /**
   * On a secured stack: the ACLs of {@link Grants} on the topics, then every principal's SCRAM user
   * (made, or updated to the stack's password), as the stack's admin; then waits until each
   * principal logs in to this broker. Both go through the metadata log in that order, so a login
   * here also means the ACLs are here. Run again at each start: both are idempotent.
   */
  void setUpUsers(String quotes, String deadLetters, Duration timeout) {
    if (security.isEmpty()) {
      return;
    }
    StackSecurity secured = security.get();
    try (Admin admin = admin()) {
      admin.createAcls(Grants.kafka(quotes, deadLetters)).all().get(60, TimeUnit.SECONDS);
      // upserted at every start, not only made when missing: a password changed in the stack's
      // credentials file takes effect at the next start (about a second for all of them)
      admin.alterUserScramCredentials(secured.kafkaUsers()).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new StackStartException("Kafka refused the stack's users or ACLs: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackStartException("interrupted while making Kafka's users", e);
    }
    for (Principal principal : Principal.values()) {
      if (principal.kafka()) {
        process.awaitReady(timeout, () -> logsIn(secured, principal));
      }
    }
  }

  private boolean logsIn(StackSecurity secured, Principal principal) {
    Properties properties = secured.kafkaClient(principal, new Properties());
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address());
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
    try (Admin admin = Admin.create(properties)) {
      admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    process.close();
  }

  private boolean answersMetadata() {
    try (Admin admin = admin()) {
      return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == quorum.nodes();
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Admin admin() {
    Properties properties = adminProperties(address());
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
    return Admin.create(properties);
  }

  /** An admin client's properties for {@code servers}: as the stack's own user when secured. */
  private Properties adminProperties(String servers) {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    return security.map(s -> s.kafkaAdmin(properties)).orElse(properties);
  }

  private static void writeConfig(
      Path config, Path data, Quorum quorum, int node, Optional<StackSecurity> security) {
    String host = quorum.host(node);
    int replicas = quorum.replicas();
    List<String> listeners =
        security
            .map(s -> s.kafkaServerConfig(host, quorum.port(), quorum.controllerPort()))
            .orElse(
                List.of(
                    "listeners=PLAINTEXT://"
                        + host
                        + ":"
                        + quorum.port()
                        + ",CONTROLLER://"
                        + host
                        + ":"
                        + quorum.controllerPort(),
                    "advertised.listeners=PLAINTEXT://" + host + ":" + quorum.port(),
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"));
    StackFiles.write(
        config,
        String.join(
            "\n",
            "# Written by the local stack at each start; edits are overwritten.",
            "process.roles=broker,controller",
            "node.id=" + (node + 1),
            "controller.quorum.voters=" + quorum.voters(),
            String.join("\n", listeners),
            "controller.listener.names=CONTROLLER",
            "log.dirs=" + data,
            "num.partitions=1",
            "auto.create.topics.enable=false",
            // a replica per node (at most three), two in sync for a write on a cluster, and never
            // a leader that may have missed acknowledged records
            "default.replication.factor=" + replicas,
            "min.insync.replicas=" + quorum.minInSync(),
            "unclean.leader.election.enable=false",
            "offsets.topic.replication.factor=" + replicas,
            "offsets.topic.num.partitions=6",
            "transaction.state.log.replication.factor=" + replicas,
            "transaction.state.log.min.isr=" + quorum.minInSync(),
            "group.initial.rebalance.delay.ms=0",
            "log.retention.hours=168",
            ""));
  }

  private static void writeLog4j(Path file) {
    StackFiles.write(
        file,
        String.join(
            "\n",
            "log4j.rootLogger=INFO, stdout",
            "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
            "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
            "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
            "log4j.logger.kafka.request.logger=WARN",
            "log4j.logger.state.change.logger=WARN",
            ""));
  }
}
