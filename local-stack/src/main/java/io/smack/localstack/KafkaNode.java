package io.smack.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka broker in KRaft mode, one node that is both broker and controller, from the {@code
 * kafka_2.13} artifact, in a JVM of its own. Its data survives restarts in its folder.
 */
final class KafkaNode implements AutoCloseable {

  private static final String CLASSPATH = "/io/smack/localstack/kafka.classpath";

  private final ServerProcess process;
  private final int port;

  private KafkaNode(ServerProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Formats the storage on first use, then starts the broker; does not wait for it. */
  static KafkaNode start(Path home, int port, int controllerPort, String heap, Duration timeout) {
    Path data = home.resolve("data");
    Path config = home.resolve("server.properties");
    Path log4j = home.resolve("log4j.properties");
    writeConfig(config, data, port, controllerPort);
    writeLog4j(log4j);
    List<String> jvm =
        List.of("-Xms" + heap, "-Xmx" + heap, "-Dlog4j.configuration=" + log4j.toUri());
    if (!Files.exists(data.resolve("meta.properties"))) {
      ServerProcess.runToCompletion(
          "Kafka storage format",
          CLASSPATH,
          List.of("-Xmx128m", "-Dlog4j.configuration=" + log4j.toUri()),
          "kafka.tools.StorageTool",
          List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
          home.resolve("format.log"),
          timeout);
    }
    ServerProcess process =
        ServerProcess.start(
            "Kafka",
            CLASSPATH,
            jvm,
            "kafka.Kafka",
            List.of(config.toString()),
            home.resolve("kafka.log"));
    return new KafkaNode(process, port);
  }

  String bootstrapServers() {
    return Ports.HOST + ":" + port;
  }

  int port() {
    return port;
  }

  ServerProcess process() {
    return process;
  }

  /** Waits until the broker answers a metadata request. */
  void awaitReady(Duration timeout) {
    process.awaitReady(timeout, () -> Ports.listening(port) && answersMetadata());
  }

  /** Creates the topics that do not exist yet (name to partition count), ready to produce to. */
  void createTopics(Map<String, Integer> topics) {
    try {
      NewTopics.create(bootstrapServers(), topics, Duration.ofSeconds(30));
    } catch (IllegalStateException e) {
      throw new StackStartException(e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    process.close();
  }

  private boolean answersMetadata() {
    try (Admin admin = admin()) {
      return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Admin admin() {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
    return Admin.create(properties);
  }

  private static void writeConfig(Path config, Path data, int port, int controllerPort) {
    String host = Ports.HOST;
    StackFiles.write(
        config,
        String.join(
            "\n",
            "# Written by the local stack at each start; edits are overwritten.",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@" + host + ":" + controllerPort,
            "listeners=PLAINTEXT://"
                + host
                + ":"
                + port
                + ",CONTROLLER://"
                + host
                + ":"
                + controllerPort,
            "advertised.listeners=PLAINTEXT://" + host + ":" + port,
            "inter.broker.listener.name=PLAINTEXT",
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs=" + data,
            "num.partitions=1",
            "auto.create.topics.enable=false",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=6",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
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
