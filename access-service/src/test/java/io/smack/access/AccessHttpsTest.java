package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.common.Settings;
import io.smack.localstack.SelfSignedKeystore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over HTTPS with a key made by the test, through a real socket, to a client that trusts
 * that certificate alone. No Cassandra: liveness answers without it.
 */
class AccessHttpsTest {

  @Test
  void should_serve_over_https_with_the_configured_key(@TempDir Path dir) throws Exception {
    // given: the settings a Marathon app would set from its secrets
    SelfSignedKeystore key = SelfSignedKeystore.create(dir);
    AccessSettings settings =
        AccessSettings.from(
            Settings.load(
                Map.of(
                    "HTTP_PORT",
                    "0",
                    "CASSANDRA_CONTACT_POINTS",
                    "127.0.0.1:9",
                    "HTTP_TLS_KEYSTORE",
                    key.keystore().toString(),
                    "HTTP_TLS_KEYSTORE_PASSWORD",
                    key.password())));
    ActorSystem system = AccessRoutesTest.testSystem("access-https-test");
    try {
      AccessServer server = AccessServer.start(system, settings).toCompletableFuture().join();

      // when
      HttpResponse<String> live = key.get("https://localhost:" + server.port() + "/health/live");

      // then: TLS, with this key (the client trusts nothing else), for the name localhost
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.sslSession()).isPresent();
      assertThat(live.body()).contains("\"status\":\"ok\"");
    } finally {
      system.terminate();
    }
  }
}
