package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.access.TestTables.Written;
import io.smack.localstack.Await;
import io.smack.localstack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cassandra stopped under the running service: requests get a JSON 503 within the request timeout,
 * readiness goes false, and both come back by themselves once the node is started again. Runs a
 * stack of its own, since it stops the node.
 */
class CassandraOutageIT {

  @TempDir static Path dir;

  private static LocalStack stack;
  private static RunningService service;
  private static ApiClient api;

  @BeforeAll
  static void start() throws InterruptedException {
    stack = LocalStack.startOnFreePorts(dir);
    try (TestTables tables = new TestTables(stack.addresses(), "outage")) {
      tables.quote(new Written("AAPL", Instant.parse("2026-11-23T14:30:00Z"), 189.5, 100));
    }
    service =
        RunningService.start(stack.addresses(), "outage", Map.of("ACCESS_REQUEST_TIMEOUT", "2s"));
    api = service.api();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void should_answer_503_while_cassandra_is_down_and_recover_by_itself()
      throws InterruptedException {
    // given
    assertThat(api.get("/quotes/AAPL/latest").status()).isEqualTo(200);

    // when
    stack.stopCassandra();

    // then: a JSON 503 within the request timeout (plus the second the route adds), never a hang
    long started = System.nanoTime();
    ApiClient.Reply down = api.get("/quotes/AAPL/latest");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(down.status()).as(down.body()).isEqualTo(503);
    assertThat(down.json().get("error").asText()).isIn("unavailable", "timeout");
    assertThat(took).isLessThan(Duration.ofSeconds(4));
    Await.until(() -> api.get("/health/ready").status() == 503, Duration.ofSeconds(15));
    assertThat(api.get("/health/ready").json().get("status").asText()).isEqualTo("not ready");
    assertThat(api.get("/health/live").status()).isEqualTo(200);
    // and the open readiness answer and /status name the kind of failure, not the nodes
    assertThat(api.get("/health/ready").json().get("detail").asText())
        .matches("Cassandra does not answer \\([A-Za-z]+Exception\\)");
    ApiClient.Reply status = api.get("/status");
    assertThat(status.status()).as(status.body()).isEqualTo(503);
    assertThat(status.json().get("verdict").asText()).isEqualTo("down");
    assertThat(status.body())
        .doesNotContain(":" + stack.addresses().cassandraPort())
        .doesNotContain("/" + stack.addresses().cassandraHost());

    // when
    stack.startCassandra();

    // then
    Await.until(() -> api.get("/health/ready").status() == 200, Duration.ofSeconds(60));
    Await.until(() -> api.get("/quotes/AAPL/latest").status() == 200, Duration.ofSeconds(30));
    assertThat(api.json("/quotes/AAPL/latest").get("price").asDouble()).isEqualTo(189.5);
    assertThat(api.get("/metrics").body()).contains("access_cassandra_errors_total{kind=");
  }
}
