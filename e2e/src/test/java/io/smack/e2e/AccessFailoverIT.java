package io.smack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.smack.common.CqlSchema;
import io.smack.localstack.Await;
import io.smack.localstack.FaultFigures;
import io.smack.localstack.Haproxy;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.ModuleProcess;
import io.smack.localstack.Ports;
import io.smack.localstack.StackAddresses;
import io.smack.localstack.TestTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two access-service instances behind a real HAProxy, configured as marathon-lb balances them: one
 * instance killed (SIGKILL) under a steady load through HAProxy, and the other answers every
 * request, the ones in flight at the kill included (HAProxy sends them again). Tagged {@code
 * chaos}: {@code bin/smack chaos} runs it; {@code HaproxyTest} has HAProxy check the same
 * configuration in {@code bin/smack test}.
 */
@Tag("chaos")
@ExtendWith(LocalStackExtension.class)
class AccessFailoverIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WORK = Path.of("target", "access-failover").toAbsolutePath();
  private static final Duration LOAD = Duration.ofSeconds(20);
  private static final Pattern LATEST_ANSWERED =
      Pattern.compile(
          "^access_requests_total\\{[^}]*route=\"/quotes/\\{symbol}/latest\"[^}]*status=\"200\"[^}]*}"
              + " ([0-9.eE+]+)$",
          Pattern.MULTILINE);

  @Test
  void should_answer_every_request_through_haproxy_when_an_instance_is_killed(StackAddresses stack)
      throws Exception {
    TestTools.required(
        "HAProxy", Haproxy.binary(), "Debian package haproxy; bin/smack test installs it as root");
    // given: a keyspace with AAPL's latest quote, two instances, HAProxy in front
    String keyspace = "failover_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(stack.cassandraHost(), stack.cassandraPort()))
            .withLocalDatacenter(stack.cassandraDatacenter())
            .build()) {
      CqlSchema.apply(session, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      session.execute(
          "INSERT INTO "
              + keyspace
              + ".latest_quote (symbol, ts, price, volume, source) VALUES ('AAPL', '"
              + Instant.parse("2026-12-02T14:30:00Z")
              + "', 190.5, 100, 'it')");
    }
    List<ModuleProcess> instances = new ArrayList<>();
    List<InetSocketAddress> servers = new ArrayList<>();
    try {
      for (int i = 1; i <= 2; i++) {
        int port = Ports.free();
        Map<String, String> env = new HashMap<>(stack.environment());
        env.put("CASSANDRA_KEYSPACE", keyspace);
        env.put("HTTP_PORT", String.valueOf(port));
        instances.add(
            ModuleProcess.accessService(
                ROOT, "access-service-" + i, List.of(), env, WORK.resolve("access-" + i + ".log")));
        servers.add(InetSocketAddress.createUnresolved("127.0.0.1", port));
      }
      for (int i = 0; i < 2; i++) {
        instances
            .get(i)
            .awaitOk(
                "http://127.0.0.1:" + servers.get(i).getPort() + "/health/ready",
                Duration.ofMinutes(2));
      }
      try (Haproxy haproxy = Haproxy.start(WORK.resolve("haproxy"), Ports.free(), servers)) {
        String latest = haproxy.url() + "/quotes/AAPL/latest";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Await.until(() -> status(http, latest) == 200, Duration.ofSeconds(30));

        // when: four clients ask without pause, and one instance is killed a third of the way
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong afterKill = new AtomicLong();
        AtomicBoolean killed = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
          Thread client =
              new Thread(
                  () -> {
                    while (loading.get()) {
                      int status = status(http, latest);
                      outcomes
                          .computeIfAbsent(
                              status == 200 ? "200" : "failed " + status, k -> new AtomicLong())
                          .incrementAndGet();
                      if (killed.get()) {
                        afterKill.incrementAndGet();
                      }
                    }
                  });
          client.start();
          clients.add(client);
        }
        Thread.sleep(LOAD.toMillis() / 3);
        // the instance about to be killed has been serving its share
        long servedByKilled = answered(http, servers.get(0).getPort());
        long servedBySurvivor = answered(http, servers.get(1).getPort());
        ProcessHandle.of(instances.get(0).pid()).orElseThrow().destroyForcibly(); // SIGKILL
        killed.set(true);
        Thread.sleep(LOAD.toMillis() * 2 / 3);
        loading.set(false);
        for (Thread client : clients) {
          client.join();
        }

        // then: every request answered 200, many of them by the survivor alone
        long ok = outcomes.getOrDefault("200", new AtomicLong()).get();
        long failed =
            outcomes.entrySet().stream()
                .filter(e -> !e.getKey().equals("200"))
                .mapToLong(e -> e.getValue().get())
                .sum();
        System.out.printf(
            "one access instance of two killed under load through HAProxy: %d requests, %d"
                + " answered 200, %d failed %s, %d after the kill%n",
            ok + failed, ok, failed, outcomes, afterKill.get());
        assertThat(failed).as(outcomes.toString()).isZero();
        assertThat(afterKill.get()).isPositive();
        // both served before the kill (HAProxy balanced them), the survivor every request after
        assertThat(servedByKilled).as("answered by the killed instance before").isPositive();
        assertThat(servedBySurvivor).as("answered by the survivor before").isPositive();
        assertThat(answered(http, servers.get(1).getPort()) - servedBySurvivor)
            .as("answered by the survivor after")
            .isGreaterThanOrEqualTo(afterKill.get());
        FaultFigures.record(
            "access-failover",
            Map.of("requests", ok + failed, "answered", ok, "afterKill", afterKill.get()));
      }
    } finally {
      instances.forEach(ModuleProcess::close);
    }
  }

  /** The status of a GET, or -1 when no answer came (refused, reset, timed out). */
  /** The latest-quote requests {@code port}'s instance has answered 200, from its metrics. */
  private static long answered(HttpClient http, int port) {
    try {
      String metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher sample = LATEST_ANSWERED.matcher(metrics);
      return sample.find() ? (long) Double.parseDouble(sample.group(1)) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int status(HttpClient http, String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
