package io.smack.localstack;

import com.datastax.oss.driver.api.core.CqlSession;
import io.smack.common.CqlSchema;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A single Cassandra node from the {@code cassandra-all} artifact, in a JVM of its own, with the
 * JVM options of Cassandra's own {@code jvm17-server.options} (it does not start on Java 17 without
 * them). Its data survives restarts in its folder.
 */
final class CassandraNode implements AutoCloseable {

  static final String DATACENTER = "datacenter1";
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
  private final int port;

  private CassandraNode(ServerProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the node; does not wait for it. */
  static CassandraNode start(Path home, int port, int storagePort, String heap) {
    Path config = home.resolve("cassandra.yaml");
    Path logback = home.resolve("logback.xml");
    StackFiles.write(config, yaml(home, port, storagePort));
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
            // one node: nobody to gossip with, nothing to wait for
            "-Dcassandra.skip_wait_for_gossip_to_settle=0",
            "-Dcassandra.ring_delay_ms=0",
            "-Dcassandra.superuser_setup_delay_ms=0"));
    ServerProcess process =
        ServerProcess.start(
            "Cassandra",
            CLASSPATH,
            jvm,
            "org.apache.cassandra.service.CassandraDaemon",
            List.of(),
            home.resolve("cassandra.log"));
    return new CassandraNode(process, port);
  }

  int port() {
    return port;
  }

  String contactPoint() {
    return Ports.HOST + ":" + port;
  }

  ServerProcess process() {
    return process;
  }

  /** Waits until the node accepts a CQL session. */
  void awaitReady(Duration timeout) {
    process.awaitReady(timeout, () -> Ports.listening(port) && acceptsSession());
  }

  /** Creates the keyspace and tables of {@code cql/schema.cql} if they do not exist. */
  void applySchema(String keyspace, String replication) {
    try (CqlSession session = session()) {
      CqlSchema.apply(session, keyspace, replication);
    }
  }

  @Override
  public void close() {
    process.close();
  }

  private boolean acceptsSession() {
    try (CqlSession session = session()) {
      return session.execute("SELECT release_version FROM system.local").one() != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private CqlSession session() {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress(Ports.HOST, port))
        .withLocalDatacenter(DATACENTER)
        .build();
  }

  private static String yaml(Path home, int port, int storagePort) {
    return String.join(
        "\n",
        "# Written by the local stack at each start; edits are overwritten.",
        "cluster_name: smack-local",
        "num_tokens: 1",
        "initial_token: 0",
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
        "      - seeds: \"" + Ports.HOST + ":" + storagePort + "\"",
        "listen_address: " + Ports.HOST,
        "rpc_address: " + Ports.HOST,
        "storage_port: " + storagePort,
        "native_transport_port: " + port,
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
