package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.localstack.Await;
import io.smack.localstack.Haproxy;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.Ports;
import io.smack.localstack.StackAddresses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rate limit behind a real HAProxy configured as marathon-lb's frontends are ({@code option
 * forwardfor}): clients connecting from addresses of their own (127.0.0.2, 127.0.0.3) write {@code
 * X-Forwarded-For} headers of their choosing, and only the address HAProxy added counts.
 */
@ExtendWith(LocalStackExtension.class)
class ForwardedForIT {

  private static final String ATTACKER = "127.0.0.2";
  private static final String VICTIM = "127.0.0.3";
  private static TestTables tables;
  private static RunningService service;
  private static Haproxy haproxy;

  @BeforeAll
  static void start(StackAddresses stack) throws InterruptedException {
    assertThat(Haproxy.binary()).as("haproxy (bin/smack test installs it)").isPresent();
    String keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    tables = new TestTables(stack, keyspace);
    // a burst of 3, then one request every 100 s: the test's requests never wait for a refill
    service =
        RunningService.start(
            stack,
            keyspace,
            Map.of(
                "ACCESS_RATE_LIMIT", "0.01",
                "ACCESS_RATE_LIMIT_BURST", "3",
                "ACCESS_TRUST_FORWARDED_FOR", "true"));
    haproxy =
        Haproxy.start(
            Path.of("target", "forwarded-for-haproxy").toAbsolutePath(),
            Ports.free(),
            List.of(new InetSocketAddress("127.0.0.1", service.port())));
    // the balancer serves once its first check of the instance passed (health is not limited)
    Await.until(
        () -> {
          try {
            return get("127.0.0.5", "/health/live", null) == 200;
          } catch (IOException notYet) {
            return false;
          }
        },
        Duration.ofSeconds(60),
        Duration.ofMillis(500));
  }

  @AfterAll
  static void stop() {
    if (haproxy != null) {
      haproxy.close();
    }
    if (service != null) {
      service.close();
    }
    if (tables != null) {
      tables.close();
    }
  }

  @Test
  void should_count_a_client_that_writes_a_new_forwarded_for_on_each_request_as_one_client()
      throws IOException {
    // when one client sends six requests, each claiming another address
    List<Integer> statuses = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      statuses.add(get(ATTACKER, "/symbols", "198.51.100." + i));
    }

    // then its burst of three is spent all the same
    assertThat(statuses.subList(0, 3)).containsOnly(200);
    assertThat(statuses.subList(3, 6)).containsOnly(429);
  }

  @Test
  void should_not_charge_a_client_for_requests_that_name_it_in_forwarded_for() throws IOException {
    // when another client sends six requests claiming to be the victim
    for (int i = 0; i < 6; i++) {
      get("127.0.0.4", "/symbols", VICTIM);
    }

    // then the victim's own request is served
    assertThat(get(VICTIM, "/symbols", null)).isEqualTo(200);
  }

  /** A GET through HAProxy from {@code source}, with {@code forwardedFor} if given: its status. */
  private static int get(String source, String path, String forwardedFor) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", haproxy.port()), 5_000);
      socket.setSoTimeout(20_000);
      String request =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
              + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n")
              + "\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}
