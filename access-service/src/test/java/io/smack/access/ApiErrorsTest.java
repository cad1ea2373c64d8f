package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {

  private final HttpMetrics metrics = new HttpMetrics();

  @Test
  void should_answer_503_when_a_node_goes_away_mid_request() {
    // given: what the driver completes a request with when its node's connection is reset
    Throwable reset =
        new CompletionException(new ClosedConnectionException("Unexpected error on channel"));

    // when
    HttpResponse response = ApiErrors.of(reset, metrics);

    // then
    assertThat(response.status().intValue()).isEqualTo(503);
    assertThat(body(response)).contains("\"error\":\"unavailable\"");
    assertThat(new String(metrics.text())).contains("kind=\"ClosedConnectionException\"");
  }

  @Test
  void should_answer_503_on_a_driver_timeout_and_500_on_anything_else() {
    assertThat(ApiErrors.of(new DriverTimeoutException("slow"), metrics).status().intValue())
        .isEqualTo(503);
    assertThat(ApiErrors.of(new IllegalStateException("bug"), metrics).status().intValue())
        .isEqualTo(500);
  }

  @Test
  void should_name_no_internals_in_a_503_or_a_500() {
    // given: a driver failure whose message names a node, and a bug whose message names a secret
    Throwable timeout =
        new DriverTimeoutException("Query timed out after PT2S on /10.0.3.7:9042 (node dc1-rack2)");
    Throwable bug = new IllegalStateException("password=hunter2 in /etc/smack/secret.conf");

    // when
    String unavailable = body(ApiErrors.of(timeout, metrics));
    String internal = body(ApiErrors.of(bug, metrics));

    // then
    assertThat(unavailable)
        .isEqualTo(
            "{\"error\":\"unavailable\","
                + "\"detail\":\"Cassandra did not answer (DriverTimeoutException)\"}");
    assertThat(internal)
        .matches(
            "\\{\"error\":\"internal\",\"detail\":\"the service failed \\(error id"
                + " [0-9a-f]{8}\\); see its log\"}")
        .doesNotContain("hunter2");
  }

  private static String body(HttpResponse response) {
    return new String(
        ((org.apache.pekko.http.javadsl.model.HttpEntity.Strict) response.entity())
            .getData()
            .toArray());
  }
}
