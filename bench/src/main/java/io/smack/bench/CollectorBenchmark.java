package io.smack.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.smack.collector.Collector;
import io.smack.common.Settings;
import io.smack.localstack.StackAddresses;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;

/**
 * The collector's sustained rate with the market simulator at full speed (generation, validation,
 * JSON encoding, batching, the idempotent producer), against the bare producer loop measured in the
 * same run.
 */
final class CollectorBenchmark implements Benchmark {

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
      int rounds = options.pick(1, 2, 3);
      double[] raw = new double[rounds];
      double[] collector = new double[rounds];
      run(system, stack, count / 10); // warm-up
      for (int round = 0; round < rounds; round++) {
        raw[round] = KafkaProducerBaseline.recordsPerSecond(stack, count);
        long start = System.nanoTime();
        long sent = run(system, stack, count);
        collector[round] = sent / ((System.nanoTime() - start) / 1e9);
      }
      Figure baseline = Figure.raw(RAW, Figure.median(raw), "records/s");
      return List.of(baseline, Figure.against(baseline, QUOTES, Figure.median(collector)));
    } finally {
      system.terminate();
    }
  }

  private static long run(ActorSystem system, StackAddresses stack, int quotes) throws Exception {
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
    collector.done().toCompletableFuture().get(10, TimeUnit.MINUTES);
    if (collector.sent() != quotes) {
      throw new IllegalStateException("the collector sent " + collector.sent() + " of " + quotes);
    }
    return quotes;
  }
}
