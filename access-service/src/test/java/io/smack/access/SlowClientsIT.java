package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.localstack.Await;
import io.smack.localstack.Haproxy;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.Ports;
import io.smack.localstack.SlowClients;
import io.smack.localstack.StackAddresses;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slow clients (slowloris: headers a byte a second) against a real HAProxy configured as the local
 * cluster's and the deploy files' ({@link Haproxy#SLOW_CLIENT_LIMITS}), in front of a real access
 * service: more slow connections from one address than the front end holds, and the other clients
 * are served all along. {@code ClusterFaultsIT} makes the same attack on the whole pipeline.
 */
@ExtendWith(LocalStackExtension.class)
class SlowClientsIT {

  /** More than the front end's 2 000 connections: without a per-address limit they take it all. */
  private static final int SLOW_CONNECTIONS = 2_500;

  private static final String ATTACKER = "127.0.0.9";

  /** Longer than the 5 s HAProxy gives a request's headers, so that it cuts some off meanwhile. */
  private static final Duration ATTACK = Duration.ofSeconds(20);

  /** A user's patience: what a request through a balancer under attack may take at most. */
  private static final Duration USER_TIMEOUT = Duration.ofSeconds(5);

  @Test
  void should_serve_other_clients_while_one_address_holds_more_slow_connections_than_haproxy(
      StackAddresses stack) throws Exception {
    assertThat(Haproxy.binary()).as("haproxy (bin/smack test installs it)").isPresent();
    String keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Path dir = Path.of("target", "slow-clients-haproxy").toAbsolutePath();
    try (TestTables tables = new TestTables(stack, keyspace);
        RunningService service = RunningService.start(stack, keyspace, Map.of());
        Haproxy haproxy =
            Haproxy.start(
                dir, Ports.free(), List.of(new InetSocketAddress("127.0.0.1", service.port())))) {
      tables.quote(
          new TestTables.Written("AAPL", Instant.parse("2026-12-07T14:30:00Z"), 190.5, 100));
      String latest = "/quotes/AAPL/latest";
      InetSocketAddress balancer = new InetSocketAddress("127.0.0.1", haproxy.port());
      // the balancer serves once its first check of the instance passed
      Await.until(
          () -> SlowClients.statusOnNewConnection(balancer, latest, USER_TIMEOUT).equals("200"),
          Duration.ofSeconds(60),
          Duration.ofMillis(500));

      // when: one address opens more slow connections than the front end holds
      Map<String, Integer> users = new TreeMap<>();
      SlowClients attack;
      try (SlowClients slow = SlowClients.start(ATTACKER, balancer, SLOW_CONNECTIONS)) {
        attack = slow;
        Await.until(
            () -> slow.tried() >= SLOW_CONNECTIONS, Duration.ofSeconds(60), Duration.ofMillis(200));
        // and a user asks for AAPL's latest quote, one request after another, meanwhile
        long end = System.nanoTime() + ATTACK.toNanos();
        while (System.nanoTime() < end) {
          users.merge(
              SlowClients.statusOnNewConnection(balancer, latest, USER_TIMEOUT), 1, Integer::sum);
        }
      }
      System.out.printf(
          "slow clients through HAProxy for %d s: %s; the user's requests: %s%n",
          ATTACK.toSeconds(), attack.summary(), users);

      // then: every one of the user's requests was answered
      assertThat(users.keySet()).as("the user's requests by status").containsOnly("200");
      assertThat(users.get("200")).as("the user's requests").isGreaterThan(20);
      // and HAProxy both refused the connections over one address's share and cut off the slow
      // requests it had taken when their 5 s were up
      assertThat(attack.refused()).as(attack.summary()).isGreaterThan(SLOW_CONNECTIONS / 2);
      assertThat(attack.timedOut()).as(attack.summary()).isGreaterThan(0);
    }
  }
}
