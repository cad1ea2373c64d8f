package io.smack.localstack;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.smack.common.CqlSchema;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A Cassandra node from the {@code cassandra-all} artifact, in a JVM of its own, with the JVM
 * options of Cassandra's own {@code jvm17-server.options} (it does not start on Java 17 without
 * them): alone, or one node of a {@link Ring}, each on its own loopback address. Its data survives
 * restarts in its folder.
 */
final class CassandraNode implements AutoCloseable {

  /**
   * The nodes of one ring: node {@code i} listens on {@link Ports#host}(i), on the same CQL and
   * storage ports as the others; the first is the seed. Each owns one token, evenly spaced, so that
   * with a replica per node every node holds every row.
   */
  record Ring(int nodes, int port, int storagePort) {

    String host(int node) {
      return Ports.host(node);
    }

    /** The CQL address of every node, {@code host:port,...}. */
    String contactPoints() {
      return IntStream.range(0, nodes)
          .mapToObj(node -> host(node) + ":" + port)
          .collect(Collectors.joining(","));
    }

    /** Node {@code node}'s token: 0 alone (as the single node always had), else evenly spaced. */
    String token(int node) {
      if (nodes == 1) {
        return "0";
      }
      BigInteger range = BigInteger.TWO.pow(64);
      return BigInteger.valueOf(Long.MIN_VALUE)
          .add(range.multiply(BigInteger.valueOf(node)).divide(BigInteger.valueOf(nodes)))
          .toString();
    }
  }

  static final String DATACENTER = "datacenter1";

  /** A ring's node waits twice this for a seed's answer when it starts. */
  private static final Duration RING_DELAY = Duration.ofSeconds(30);

  private static final String CLASSPATH = "/io/smack/localstack/cassandra.classpath";

  /** The module exports and opens of Cassandra 5.0's conf/jvm17-server.options. */
  private static final List<String> JAVA_17_OPTIONS =
      List.of(
          "-Djdk.attach.allowAttachSelf=true",
          "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports=java.sql/java.sql=ALL-UNNAMED",
          "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
          "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true",
          "-XX:+UseG1GC");

  private final ServerProcess process;
  private final Ring ring;
  private final int node;
  private final Optional<StackSecurity> security;

  private CassandraNode(
      ServerProcess process, Ring ring, int node, Optional<StackSecurity> security) {
    this.process = process;
    this.ring = ring;
    this.node = node;
    this.security = security;
  }

  /**
   * Starts node {@code node} of {@code ring}, with password authentication and TLS when {@code
   * security} is there; does not wait for it.
   */
  static CassandraNode start(
      Path home,
      Ring ring,
      int node,
      String heap,
      List<String> moreJvmOptions,
      Optional<StackSecurity> security) {
    Path config = home.resolve("cassandra.yaml");
    Path logback = home.resolve("logback.xml");
    String yaml = yaml(home, ring, node);
    if (security.isPresent()) {
      yaml += String.join("\n", security.get().cassandraConfig()) + "\n";
    }
    StackFiles.write(config, yaml);
    StackFiles.write(logback, LOGBACK);
    List<String> jvm = new ArrayList<>(JAVA_17_OPTIONS);
    jvm.addAll(
        List.of(
            "-Xms" + heap,
            "-Xmx" + heap,
            "-Dcassandra.config=" + config.toUri(),
            "-Dcassandra-foreground=yes",
            "-Dcassandra.storagedir=" + home.resolve("data"),
            "-Dcassandra.logdir=" + home,
            "-Dlogback.configurationFile=" + logback,
            // alone, nobody to gossip with; in a new ring, nothing to stream (auto_bootstrap off)
            "-Dcassandra.skip_wait_for_gossip_to_settle=0",
            // Alone, no ring to wait for. In a ring, the ring delay is also how long a node that is
            // not a seed waits (twice it) for a seed's answer before it gives up with "Unable to
            // gossip with any peers": on a busy machine the seed can take many seconds to answer.
            "-Dcassandra.ring_delay_ms=" + (ring.nodes() == 1 ? 0 : RING_DELAY.toMillis()),
            "-Dcassandra.superuser_setup_delay_ms=0"));
    jvm.addAll(moreJvmOptions);
    ServerProcess process =
        ServerProcess.start(
            ring.nodes() == 1 ? "Cassandra" : "Cassandra node " + (node + 1),
            CLASSPATH,
            jvm,
            "org.apache.cassandra.service.CassandraDaemon",
            List.of(),
            home.resolve("cassandra.log"));
    return new CassandraNode(process, ring, node, security);
  }

  int port() {
    return ring.port();
  }

  Ring ring() {
    return ring;
  }

  int node() {
    return node;
  }

  /** This node's CQL address, {@code host:port}. */
  String contactPoint() {
    return ring.host(node) + ":" + ring.port();
  }

  ServerProcess process() {
    return process;
  }

  /** Waits until the node accepts a CQL session. */
  void awaitReady(Duration timeout) {
    process.awaitReady(
        timeout, () -> Ports.listening(ring.host(node), ring.port()) && acceptsSession());
  }

  /** Waits until this node's session sees every node of the ring up. */
  void awaitRing(Duration timeout) {
    process.awaitReady(timeout, this::seesRingUp);
  }

  /** Creates the keyspace and tables of {@code cql/schema.cql} if they do not exist. */
  void applySchema(String keyspace, String replication) {
    try (CqlSession session = session()) {
      CqlSchema.apply(session, keyspace, replication);
    }
  }

  /**
   * On a secured node, gives each principal its permissions on {@code keyspace} ({@link Grants}).
   */
  void grant(String keyspace) {
    if (security.isPresent()) {
      try (CqlSession session = session()) {
        security.get().grantCassandra(session, keyspace);
      }
    }
  }

  /** On a secured node, makes the principals' roles (see {@link StackSecurity#setUpCassandra}). */
  void setUpUsers() {
    if (security.isPresent()) {
      try (CqlSession session = session()) {
        security.get().setUpCassandra(session);
      }
    }
  }

  @Override
  public void close() {
    process.close();
  }

  private boolean seesRingUp() {
    try (CqlSession session = session()) {
      return session.getMetadata().getNodes().values().stream()
              .filter(n -> n.getState() == NodeState.UP)
              .count()
          == ring.nodes();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private boolean acceptsSession() {
    try (CqlSession session = session()) {
      return session.execute("SELECT release_version FROM system.local").one() != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A session on this node: as the stack's superuser over TLS when the node is secured. */
  private CqlSession session() {
    CqlSessionBuilder builder =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(ring.host(node), ring.port()))
            .withLocalDatacenter(DATACENTER);
    return security.isPresent() ? security.get().adminSession(builder) : builder.build();
  }

  private static String yaml(Path home, Ring ring, int node) {
    String host = ring.host(node);
    return String.join(
        "\n",
        "# Written by the local stack at each start; edits are overwritten.",
        "cluster_name: smack-local",
        "num_tokens: 1",
        "initial_token: " + ring.token(node),
        // a new ring has nothing to stream; a node that joins later would need it on
        "auto_bootstrap: " + (ring.nodes() == 1),
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "data_file_directories: [" + home.resolve("data/data") + "]",
        "commitlog_directory: " + home.resolve("data/commitlog"),
        "hints_directory: " + home.resolve("data/hints"),
        "saved_caches_directory: " + home.resolve("data/saved_caches"),
        "cdc_raw_directory: " + home.resolve("data/cdc_raw"),
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"" + ring.host(0) + ":" + ring.storagePort() + "\"",
        "listen_address: " + host,
        "rpc_address: " + host,
        "storage_port: " + ring.storagePort(),
        "native_transport_port: " + ring.port(),
        "start_native_transport: true",
        "endpoint_snitch: SimpleSnitch",
        // small machine: keep memory and background work small
        "concurrent_compactors: 1",
        "key_cache_size: 16MiB",
        "");
  }

  private static final String LOGBACK =
      """
      <configuration>
        <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder><pattern>%d{ISO8601} %-5level [%thread] %logger{1} %msg%n</pattern></encoder>
        </appender>
        <root level="INFO"><appender-ref ref="STDOUT"/></root>
      </configuration>
      """;
}
