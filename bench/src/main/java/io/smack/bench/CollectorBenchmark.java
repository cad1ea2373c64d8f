package io.smack.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.smack.collector.Collector;
import io.smack.common.Settings;
import io.smack.localstack.StackAddresses;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's sustained rate with the market simulator at full speed (generation, validation,
 * JSON encoding, batching, the idempotent producer), against the bare producer loop measured in the
 * same run.
 */
final class CollectorBenchmark implements Benchmark {

  private static final Logger LOG = LoggerFactory.getLogger(CollectorBenchmark.class);

  static final String QUOTES = "collector.quotes";
  static final String RAW = "collector.bare-producer";

  @Override
  public String name() {
    return "collector";
  }

  @Override
  public String description() {
    return "collector with the simulator at full speed, against the bare producer (quotes/s)";
  }

  @Override
  public List<Figure> run(StackAddresses stack, BenchOptions options) throws Exception {
    int count = options.scale(1_000_000);
    ActorSystem system =
        ActorSystem.create(
            "bench-collector",
            ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
                .withFallback(ConfigFactory.load()));
    try {
      // a full untimed round of each first: the bare loop's first round ran at a third to a half
      // of its later speed, which its own tenth's warm-up did not cure
      KafkaProducerBaseline.recordsPerSecond(stack, count);
      sustainedRate(system, stack, count);
      int rounds = options.pick(1, 3, 5);
      double[] raw = new double[rounds];
      double[] collector = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        // which goes first alternates, so that a drift of the machine's speed favours neither
        if (round % 2 == 0) {
          raw[round] = KafkaProducerBaseline.recordsPerSecond(stack, count);
          collector[round] = sustainedRate(system, stack, count);
        } else {
          collector[round] = sustainedRate(system, stack, count);
          raw[round] = KafkaProducerBaseline.recordsPerSecond(stack, count);
        }
        LOG.info(
            "round {}: bare producer {} records/s, collector {} quotes/s ({})",
            round + 1,
            Math.round(raw[round]),
            Math.round(collector[round]),
            String.format("%.2f", collector[round] / raw[round]));
      }
      Figure baseline = Figure.raw(RAW, Figure.median(raw), "records/s");
      return List.of(baseline, Figure.against(baseline, QUOTES, Figure.median(collector)));
    } finally {
      system.terminate();
    }
  }

  /**
   * Runs the collector on a new topic for a tenth of {@code count} and then {@code count} more
   * quotes, and returns the rate of the latter: measured as the bare loop is, from a connected,
   * warmed-up producer to the last acknowledgement, so that both are sustained rates. (Creating the
   * topic, starting the collector and its first acknowledgement take ~0.2 s here, a sixth of a
   * round's time, and would be counted against the collector only.)
   */
  private static double sustainedRate(ActorSystem system, StackAddresses stack, int count)
      throws Exception {
    int warmUp = count / 10;
    int quotes = warmUp + count;
    String topic = "bench-collector-" + UUID.randomUUID();
    KafkaProducerBaseline.createTopic(stack, topic);
    Config config =
        ConfigFactory.parseString(
                """
                smack.collector {
                  sources = "sim"
                  source.sim { rate = 0, limit = %d }
                }
                """
                    .formatted(quotes))
            .withFallback(
                Settings.load(
                    Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        stack.kafkaBootstrapServers(),
                        "KAFKA_QUOTES_TOPIC",
                        topic,
                        "KAFKA_DLQ_TOPIC",
                        topic + "-dlq")))
            .resolve();
    Collector collector = Collector.start(system, config);
    CompletableFuture<Done> done = collector.done().toCompletableFuture();
    // acknowledgements come a batch at a time: take the count reached when the clock starts
    while (collector.sent() < warmUp && !done.isDone()) {
      Thread.sleep(1);
    }
    long start = System.nanoTime();
    long acknowledgedBefore = collector.sent();
    done.get(10, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (collector.sent() != quotes) {
      throw new IllegalStateException("the collector sent " + collector.sent() + " of " + quotes);
    }
    return (quotes - acknowledgedBefore) / seconds;
  }
}
