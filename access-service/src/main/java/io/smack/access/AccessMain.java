package io.smack.access;

import io.smack.common.Settings;
import io.smack.common.Startup;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the access service until SIGTERM: loads the settings (failing fast on a bad one), connects
 * to Cassandra in the background and serves the API at once (503 until Cassandra answers). On
 * SIGTERM, Pekko's coordinated shutdown stops taking requests, lets those in flight finish and
 * closes the session.
 */
public final class AccessMain {

  private static final Logger LOG = LoggerFactory.getLogger(AccessMain.class);

  private AccessMain() {}

  public static void main(String[] args) {
    AccessSettings settings =
        Startup.orExit("the access service", () -> AccessSettings.from(Settings.load()));
    // a keystore that cannot serve stops the service here, before anything starts
    Optional<SSLContext> https = Startup.orExit("the access service", settings.tls()::context);
    // so do credentials or a truststore Cassandra refuses; Cassandra down is only waited for
    Startup.orExit(
            "the access service",
            () -> settings.cassandra().checkLogin(Startup.LOGIN_CHECK_TIMEOUT))
        .ifPresent(
            why -> LOG.warn("Cassandra does not answer yet ({}); serving 503 until it does", why));
    ActorSystem system = ActorSystem.create("access", Settings.actorSystem());
    AccessServer.start(system, settings, https)
        .whenComplete(
            (server, error) -> {
              if (error != null) {
                LOG.error(
                    "cannot serve on {}:{}: {}",
                    settings.httpHost(),
                    settings.httpPort(),
                    error.getMessage());
                System.exit(1);
              }
            });
  }
}
