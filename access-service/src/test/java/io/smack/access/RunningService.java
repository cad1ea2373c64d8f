package io.smack.access;

import io.smack.common.Settings;
import io.smack.localstack.Await;
import io.smack.localstack.StackAddresses;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;

/**
 * The access service started in the test's JVM on a free port against a keyspace of the stack,
 * ready (Cassandra answers, statements prepared) before the test goes on.
 */
final class RunningService implements AutoCloseable {

  private final ActorSystem system;
  private final ApiClient api;
  private final int port;

  private RunningService(ActorSystem system, int port) {
    this.system = system;
    this.port = port;
    this.api = new ApiClient(port);
  }

  /**
   * @param settings environment variables beside the stack's, the keyspace and the port
   */
  static RunningService start(StackAddresses stack, String keyspace, Map<String, String> settings)
      throws InterruptedException {
    Map<String, String> env = new HashMap<>(stack.environment());
    env.put("CASSANDRA_KEYSPACE", keyspace);
    env.put("HTTP_PORT", "0");
    // these tests write quotes and predict on demand; the streamed path is the e2e ScoringIT's
    env.put("PREDICTION_SERIES", "quotes");
    env.put("PREDICTIONS", "on-demand");
    env.putAll(settings);
    ActorSystem system = AccessRoutesTest.testSystem("access-" + keyspace);
    AccessServer server =
        AccessServer.start(system, AccessSettings.from(Settings.load(env)))
            .toCompletableFuture()
            .join();
    RunningService running = new RunningService(system, server.port());
    Await.until(() -> running.api.get("/health/ready").status() == 200, Duration.ofSeconds(30));
    return running;
  }

  ApiClient api() {
    return api;
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    // returns once the server's port is closed: a test that stops a service sees it stopped
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
  }
}
