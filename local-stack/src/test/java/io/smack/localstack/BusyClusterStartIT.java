package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.smack.common.CqlSchema;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The local cluster comes up on a machine whose every core is kept busy, as on a shared CI machine:
 * the ring's joins, the topics and the schema changes hold their own timeouts and retries. Tagged
 * {@code chaos} (a second cluster start of two to four minutes): {@code bin/smack chaos} runs it;
 * in {@code bin/smack test}, {@code LocalStackIT} starts the single-node stack under the same load.
 */
@Tag("chaos")
class BusyClusterStartIT {

  @Test
  void should_start_the_cluster_and_apply_the_schema_while_every_core_is_busy() throws Exception {
    long started = System.nanoTime();
    try (BusyCores busy = BusyCores.everyCore();
        LocalStack cluster =
            LocalStack.start(
                LocalStackMain.settings(new String[] {"--cluster"})
                    .withFreePorts()
                    .withDir(Path.of("target", "it-cluster-busy")))) {
      StackAddresses addresses = cluster.addresses();
      String keyspace = "busy_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (CqlSession session =
          CqlSession.builder()
              .addContactPoint(
                  new InetSocketAddress(addresses.cassandraHost(), addresses.cassandraPort()))
              .withLocalDatacenter(addresses.cassandraDatacenter())
              .build()) {
        CqlSchema.apply(
            session,
            keyspace,
            "{'class': 'NetworkTopologyStrategy', '" + addresses.cassandraDatacenter() + "': 3}");
        assertThat(session.getMetadata().getNodes().values())
            .hasSize(3)
            .allMatch(node -> node.getState() == NodeState.UP);
        assertThat(session.getMetadata().getKeyspace(keyspace).orElseThrow().getTables())
            .containsKey(CqlIdentifier.fromCql("quotes_by_day"));
      }
      Properties properties = new Properties();
      properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, addresses.kafkaBootstrapServers());
      try (Admin admin = Admin.create(properties)) {
        assertThat(admin.describeCluster().nodes().get(60, TimeUnit.SECONDS)).hasSize(3);
        assertThat(admin.listTopics().names().get(60, TimeUnit.SECONDS))
            .containsAll(List.of("quotes", "quotes.dlq"));
      }
      assertThat(busy.busy()).as("the load held throughout").isTrue();
      long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
      System.out.printf(
          "local cluster: started, topics and schema made in %d s with %d cores kept busy%n",
          seconds, busy.loops());
      FaultFigures.record("busy-cluster-start", Map.of("seconds", seconds));
    }
  }
}
