package io.smack.access;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access service wired and bound: Cassandra connection, service, routes, metrics. Stopped by
 * the actor system's coordinated shutdown: unbind, let requests in flight finish, close the
 * session.
 */
final class AccessServer {

  private static final Logger LOG = LoggerFactory.getLogger(AccessServer.class);

  private final ServerBinding binding;

  private AccessServer(ServerBinding binding) {
    this.binding = binding;
  }

  /**
   * @throws com.typesafe.config.ConfigException.BadValue when TLS is on and its keystore cannot
   *     serve
   */
  static CompletionStage<AccessServer> start(ActorSystem system, AccessSettings settings) {
    return start(system, settings, settings.tls().context());
  }

  /**
   * @param https the TLS context, already read from the keystore; empty: plain HTTP
   */
  static CompletionStage<AccessServer> start(
      ActorSystem system, AccessSettings settings, Optional<SSLContext> https) {
    ServerBuilder server = Http.get(system).newServerAt(settings.httpHost(), settings.httpPort());
    if (https.isPresent()) {
      server = server.enableHttps(ConnectionContext.httpsServer(https.get()));
    }
    HttpMetrics metrics = new HttpMetrics();
    CassandraConnection cassandra = CassandraConnection.open(settings, Json.MAPPER, metrics);
    AccessService service =
        new AccessService(cassandra, settings, Clock.systemUTC(), system, metrics);
    AccessRoutes routes = new AccessRoutes(service, cassandra, settings, metrics);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "close-cassandra",
        () -> {
          cassandra.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    return server
        .bind(routes.routes())
        .thenApply(
            binding -> {
              binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
              LOG.info(
                  "access service on {}://{} (Cassandra {}, keyspace {}, authentication {})",
                  settings.tls().scheme(),
                  binding.localAddress(),
                  settings.cassandra().contactPoints(),
                  settings.cassandra().keyspace(),
                  settings.authenticationOn() ? "on" : "off");
              return new AccessServer(binding);
            });
  }

  int port() {
    return binding.localAddress().getPort();
  }
}
