package io.smack.collector;

import com.typesafe.config.Config;
import io.smack.common.HttpTls;
import io.smack.common.KafkaSettings;
import io.smack.common.Settings;
import io.smack.common.Startup;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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
 * Runs the collector until SIGTERM or Ctrl-C: loads the settings (failing fast on a bad one),
 * starts the sources into Kafka and serves health and metrics. On SIGTERM it stops the sources,
 * waits until Kafka has acknowledged everything they yielded, and exits 0.
 */
public final class CollectorMain {

  private static final Logger LOG = LoggerFactory.getLogger(CollectorMain.class);

  private CollectorMain() {}

  public static void main(String[] args) {
    Config config = Startup.orExit("the collector", Settings::load);
    CollectorSettings settings =
        Startup.orExit("the collector", () -> CollectorSettings.from(config, Clock.systemUTC()));
    KafkaSettings kafka = Startup.orExit("the collector", () -> KafkaSettings.from(config));
    HttpTls tls = HttpTls.from(config);
    // a keystore that cannot serve stops the collector here, before anything starts
    Optional<SSLContext> https = Startup.orExit("the collector", tls::context);
    // so do credentials or a truststore Kafka refuses; Kafka down is left to the producer's retries
    Startup.orExit("the collector", () -> kafka.checkLogin(Startup.LOGIN_CHECK_TIMEOUT))
        .ifPresent(why -> LOG.warn("Kafka does not answer yet ({}); the producer retries", why));
    ActorSystem system = ActorSystem.create("collector", Settings.actorSystem());
    SourceHealth.Metrics metrics = new SourceHealth.Metrics();
    Collector collector = Collector.start(system, settings, kafka, metrics);
    LOG.info(
        "collector sending {} to {} (dead letters to {})",
        settings.sources().stream().map(QuoteSource::name).toList(),
        kafka.quotesTopic(),
        kafka.deadLetterTopic());

    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "stop-sources-and-flush",
        // within the phase's own timeout (shutdown-timeout), so that a stop with Kafka away still
        // ends cleanly, saying what it left unsent
        () -> collector.stop(giveUpAfter(settings.shutdownTimeout())));
    ExitOnSignal.install(() -> shutdown.run(ExitOnSignal.SIGNAL));

    // health is bound before a one-off run may end: a short replay finishes in milliseconds, and
    // binding while the actor system terminates fails ("cannot create children while
    // terminating") with a stack trace on a clean run
    CompletionStage<ServerBinding> bound =
        serverAt(system, settings.httpHost(), settings.httpPort(), https)
            .bind(
                new CollectorRoutes(
                        collector.sources(),
                        metrics.registry,
                        collector.kafka(),
                        settings.kafkaUnreachableAfter())
                    .routes())
            .whenComplete(
                (binding, error) -> {
                  if (error != null) {
                    LOG.error(
                        "cannot serve health on {}:{}: {}",
                        settings.httpHost(),
                        settings.httpPort(),
                        error.getMessage());
                    System.exit(1);
                  } else {
                    LOG.info(
                        "health and metrics on {}://{}/health",
                        tls.scheme(),
                        binding.localAddress());
                    shutdown.addTask(
                        CoordinatedShutdown.PhaseServiceUnbind(),
                        "unbind-health",
                        () -> binding.unbind().thenApply(x -> Done.getInstance()));
                  }
                });

    collector
        .done()
        .thenCombine(bound, (done, binding) -> done)
        .whenComplete(
            (done, error) -> {
              if (error != null && collector.stopping()) {
                Throwable cause = error;
                while (cause.getCause() != null) {
                  cause = cause.getCause();
                }
                LOG.info("the stream into Kafka ended with the stop ({})", cause.getMessage());
              } else if (error != null) {
                LOG.error(
                    "the stream into Kafka failed; exiting so that the scheduler restarts it",
                    error);
                System.exit(1);
              } else if (settings.exitWhenDone() && collector.anyFailed()) {
                LOG.error("a source cannot work (see above); exiting 2");
                shutdown.run(SourcesFailed.INSTANCE);
              } else if (settings.exitWhenDone()) {
                LOG.info("every source is done and acknowledged; exiting");
                shutdown.run(CoordinatedShutdown.unknownReason());
              }
            });
  }

  /** A stop gives Kafka the shutdown timeout but 2 s (at least 1 s) to acknowledge. */
  static Duration giveUpAfter(Duration shutdownTimeout) {
    Duration margin = Duration.ofSeconds(2);
    return shutdownTimeout.compareTo(margin.plusSeconds(1)) > 0
        ? shutdownTimeout.minus(margin)
        : Duration.ofSeconds(1);
  }

  /**
   * Why the collector stops when a one-off run had a source that cannot work: its exit code is 2,
   * set in the collector's reference.conf ({@code pekko.coordinated-shutdown.reason-overrides}).
   */
  static final class SourcesFailed implements CoordinatedShutdown.Reason {
    static final SourcesFailed INSTANCE = new SourcesFailed();

    private SourcesFailed() {}
  }

  /** Where health and metrics are served: HTTPS when {@code smack.http.tls} has a keystore. */
  static ServerBuilder serverAt(
      ActorSystem system, String host, int port, Optional<SSLContext> https) {
    ServerBuilder server = Http.get(system).newServerAt(host, port);
    return https.isPresent()
        ? server.enableHttps(ConnectionContext.httpsServer(https.get()))
        : server;
  }
}
