package io.smack.collector;

import io.smack.common.KafkaSettings;
import io.smack.common.QuoteCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.javadsl.Producer;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running collector: every source, each restarted with backoff when it fails, merged into one
 * stream that batches quotes (and dead letters) into an idempotent Kafka producer. The producer
 * bounds the batches in flight, so a slow broker slows the sources instead of filling memory.
 */
final class Collector {

  private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Done> done;
  private final List<SourceHealth> sources;

  private Collector(
      UniqueKillSwitch killSwitch, CompletionStage<Done> done, List<SourceHealth> sources) {
    this.killSwitch = killSwitch;
    this.done = done;
    this.sources = sources;
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
    RestartSettings restart =
        RestartSettings.create(settings.minBackoff(), settings.maxBackoff(), 0.2);
    List<Source<Collected, NotUsed>> supervised =
        settings.sources().stream()
            .map(source -> supervised(system, source, byName.get(source.name()), restart))
            .toList();
    Pair<UniqueKillSwitch, CompletionStage<Done>> running =
        Source.from(supervised)
            .flatMapMerge(Math.max(1, supervised.size()), source -> source)
            .viaMat(KillSwitches.single(), Keep.right())
            .via(toEnvelopes(kafka, settings.batchRecords(), settings.batchWithin()))
            .via(Producer.flexiFlow(producerSettings(system, kafka, settings)))
            .toMat(
                Sink.foreach(
                    result ->
                        result.passThrough().forEach(c -> byName.get(c.source()).acknowledged(c))),
                Keep.both())
            .run(system);
    CompletionStage<Done> done =
        running
            .second()
            .whenComplete(
                (ok, error) -> {
                  health.forEach(SourceHealth::stopped);
                  health.forEach(
                      source ->
                          LOG.info(
                              "source {} finished: sent {}, rejected {} (acknowledged by Kafka)",
                              source.name(),
                              source.sent(),
                              source.rejected()));
                });
    return new Collector(running.first(), done, health);
  }

  /**
   * Groups what the sources yield into batches of records for the quotes and dead-letter topics.
   */
  static Flow<Collected, ProducerMessage.Envelope<String, byte[], List<Collected>>, NotUsed>
      toEnvelopes(KafkaSettings kafka, int batchRecords, Duration within) {
    return Flow.<Collected>create()
        .groupedWithin(batchRecords, within)
        .map(
            batch ->
                ProducerMessage.multi(
                    batch.stream().map(collected -> record(kafka, collected)).toList(), batch));
  }

  /** Key = symbol for quotes (so one symbol stays in order), key = source for dead letters. */
  static ProducerRecord<String, byte[]> record(KafkaSettings kafka, Collected collected) {
    if (collected instanceof Collected.Accepted accepted) {
      return new ProducerRecord<>(
          kafka.quotesTopic(), accepted.quote().symbol(), QuoteCodec.encode(accepted.quote()));
    }
    Collected.Rejected rejected = (Collected.Rejected) collected;
    return new ProducerRecord<>(
        kafka.deadLetterTopic(), rejected.letter().source(), rejected.letter().toJson());
  }

  List<SourceHealth> sources() {
    return sources;
  }

  /** Completes when every source has completed and all was acknowledged, or after {@link #stop}. */
  CompletionStage<Done> done() {
    return done;
  }

  /** Stops the sources; what they already yielded is still sent and acknowledged. */
  CompletionStage<Done> stop() {
    sources.forEach(SourceHealth::stopped);
    killSwitch.shutdown();
    return done;
  }

  private static Source<Collected, NotUsed> supervised(
      ActorSystem system, QuoteSource source, SourceHealth health, RestartSettings restart) {
    return RestartSource.onFailuresWithBackoff(
        restart,
        () -> {
          health.started();
          return source
              .create(system)
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
        });
  }

  private static ProducerSettings<String, byte[]> producerSettings(
      ActorSystem system, KafkaSettings kafka, CollectorSettings settings) {
    return ProducerSettings.create(system, new StringSerializer(), new ByteArraySerializer())
        .withBootstrapServers(kafka.bootstrapServers())
        .withProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
        .withProperty(ProducerConfig.ACKS_CONFIG, "all")
        .withProperty(
            ProducerConfig.LINGER_MS_CONFIG, String.valueOf(settings.lingerMs().toMillis()))
        .withProperty(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(settings.batchBytes()))
        .withProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.compression())
        .withParallelism(settings.inFlightBatches());
  }
}
