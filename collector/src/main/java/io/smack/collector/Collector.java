package io.smack.collector;

import io.smack.common.KafkaSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running collector: every source, each restarted with backoff when it fails, merged into one
 * stream that batches quotes (and dead letters) into an idempotent Kafka producer ({@link
 * KafkaBatches}), which bounds the batches in flight, so a slow broker slows the sources instead of
 * filling memory.
 */
public final class Collector {

  private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

  /** The dispatcher the producer's sends run on, defined in the collector's reference.conf. */
  public static final String PRODUCER_DISPATCHER = "smack.collector.kafka.dispatcher";

  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Done> done;
  private final List<SourceHealth> sources;
  private final Producer<String, byte[]> producer;
  private final KafkaReach reach;
  private final ActorSystem system;
  private volatile boolean stopping;

  private Collector(
      UniqueKillSwitch killSwitch,
      CompletionStage<Done> done,
      List<SourceHealth> sources,
      Producer<String, byte[]> producer,
      KafkaReach reach,
      ActorSystem system) {
    this.killSwitch = killSwitch;
    this.done = done;
    this.sources = sources;
    this.producer = producer;
    this.reach = reach;
    this.system = system;
  }

  /**
   * Starts the collector that {@code config} describes ({@code smack.collector}, {@code
   * smack.kafka}), as {@code CollectorMain} does; for tools that run it in their own JVM.
   */
  public static Collector start(ActorSystem system, com.typesafe.config.Config config) {
    return start(
        system,
        CollectorSettings.from(config, Clock.systemUTC()),
        KafkaSettings.from(config),
        new SourceHealth.Metrics());
  }

  static Collector start(
      ActorSystem system,
      CollectorSettings settings,
      KafkaSettings kafka,
      SourceHealth.Metrics metrics) {
    List<SourceHealth> health =
        settings.sources().stream().map(s -> new SourceHealth(s.name(), metrics)).toList();
    Map<String, SourceHealth> byName =
        health.stream().collect(Collectors.toMap(SourceHealth::name, Function.identity()));
    // a source that can never work is not restarted (Pekko's restartOn), and ends alone
    RestartSettings restart =
        RestartSettings.create(settings.minBackoff(), settings.maxBackoff(), 0.2)
            .withRestartOn(error -> !(error instanceof SourceMisconfigured));
    List<Source<List<Collected>, NotUsed>> supervised =
        settings.sources().stream()
            .map(source -> supervised(system, source, byName.get(source.name()), restart))
            .toList();
    Producer<String, byte[]> producer = producer(kafka, settings);
    KafkaReach reach = new KafkaReach(Clock.systemUTC());
    Pair<UniqueKillSwitch, CompletionStage<Done>> running =
        Source.from(supervised)
            .flatMapMerge(Math.max(1, supervised.size()), source -> source)
            .viaMat(KillSwitches.single(), Keep.right())
            .via(KafkaBatches.batch(kafka, settings.batchRecords(), settings.batchWithin()))
            // the sources and encoding on the default dispatcher, the producer's sends on a thread
            // of their own; one batch waits between them, the rest stay unmade in the sources
            .async()
            .via(
                KafkaBatches.send(producer, settings.inFlightBatches(), reach)
                    .addAttributes(Attributes.inputBuffer(1, 1))
                    .addAttributes(ActorAttributes.dispatcher(PRODUCER_DISPATCHER)))
            .toMat(Sink.foreach(tallies -> SourceHealth.acknowledge(tallies, byName)), Keep.both())
            .run(system);
    CompletionStage<Done> done =
        running
            .second()
            .whenComplete(
                (ok, error) -> {
                  producer.close(); // all that was sent is acknowledged: nothing left to flush
                  health.forEach(SourceHealth::stopped);
                  health.forEach(
                      source ->
                          LOG.info(
                              "source {} finished: sent {}, rejected {} (acknowledged by Kafka)",
                              source.name(),
                              source.sent(),
                              source.rejected()));
                });
    return new Collector(running.first(), done, health, producer, reach, system);
  }

  List<SourceHealth> sources() {
    return sources;
  }

  /** Whether a source has failed for good ({@link SourceMisconfigured}). */
  boolean anyFailed() {
    return sources.stream().anyMatch(source -> source.state() == SourceHealth.State.FAILED);
  }

  /** Quotes sent and acknowledged so far, over all sources. */
  public long sent() {
    return sources.stream().mapToLong(SourceHealth::sent).sum();
  }

  /** Completes when every source has completed and all was acknowledged, or after {@link #stop}. */
  public CompletionStage<Done> done() {
    return done;
  }

  /** Kafka's answer to what the collector sends; see {@link KafkaReach}. */
  KafkaReach kafka() {
    return reach;
  }

  /** Whether {@link #stop} was called: a stream that fails after it is not a failure to report. */
  boolean stopping() {
    return stopping;
  }

  /** Stops the sources; what they already yielded is still sent and acknowledged. */
  public CompletionStage<Done> stop() {
    return stop(Duration.ofDays(1));
  }

  /**
   * Stops the sources; what they already yielded is sent, and acknowledged within {@code within},
   * else left unsent (Kafka away: the producer would wait out its delivery timeout, past any grace
   * period a scheduler gives): the producer is closed at once and the stop says how many quotes it
   * leaves. Completes normally either way.
   */
  CompletionStage<Done> stop(Duration within) {
    stopping = true;
    sources.forEach(SourceHealth::stopped);
    killSwitch.shutdown();
    Cancellable giveUp =
        system
            .scheduler()
            .scheduleOnce(
                within,
                () -> {
                  if (!done.toCompletableFuture().isDone()) {
                    LOG.warn(
                        "Kafka acknowledged nothing within {} of the stop: {} records handed to the"
                            + " producer left unsent, with what the sources still held (sent and"
                            + " acknowledged: {})",
                        within,
                        reach.waiting(),
                        sent());
                    producer.close(Duration.ZERO);
                  }
                },
                system.dispatcher());
    return done.handle(
        (ok, error) -> {
          giveUp.cancel();
          return Done.getInstance();
        });
  }

  private static Source<List<Collected>, NotUsed> supervised(
      ActorSystem system, QuoteSource source, SourceHealth health, RestartSettings restart) {
    return RestartSource.onFailuresWithBackoff(
            restart,
            () -> {
              health.started();
              return source
                  .chunks(system)
                  .watchTermination(
                      (mat, terminated) -> {
                        terminated.whenComplete(
                            (ok, error) -> {
                              if (error != null) {
                                health.failed(error);
                              } else if (health.state() == SourceHealth.State.RUNNING) {
                                health.completed();
                              }
                            });
                        return mat;
                      });
            })
        // the failure is in its health; the other sources go on
        .recoverWithRetries(1, SourceMisconfigured.class, Source::empty);
  }

  private static Producer<String, byte[]> producer(
      KafkaSettings kafka, CollectorSettings settings) {
    Properties properties = kafka.clientConfig();
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.LINGER_MS_CONFIG, (int) settings.lingerMs().toMillis());
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, settings.batchBytes());
    properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.compression());
    return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
  }
}
