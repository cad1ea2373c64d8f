package io.smack.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.smack.collector.Collector;
import io.smack.common.Settings;
import io.smack.localstack.StackAddresses;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
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
  static final String RAW_CPU = "collector.bare-producer.cpu";
  static final String SEND_CPU = "collector.send.cpu";
  static final String SOURCE_CPU = "collector.sources.cpu";

  private static final String SYSTEM = "bench-collector";

  /** The collector's threads as Pekko names them: the producer's sends, and the rest. */
  private static final String SEND_THREADS = SYSTEM + "-" + Collector.PRODUCER_DISPATCHER;

  private static final String SOURCE_THREADS = SYSTEM + "-pekko.actor.default-dispatcher";

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
            SYSTEM,
            ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
                .withFallback(ConfigFactory.load()));
    try {
      // a full untimed round of each first: the bare loop's first round ran at a third to a half
      // of its later speed, which its own tenth's warm-up did not cure
      KafkaProducerBaseline.round(stack, count);
      sustainedRound(system, stack, count);
      int rounds = options.pick(1, 3, 5);
      KafkaProducerBaseline.Round[] raw = new KafkaProducerBaseline.Round[rounds];
      Round[] collector = new Round[rounds];
      for (int round = 0; round < rounds; round++) {
        // which goes first alternates, so that a drift of the machine's speed favours neither
        if (round % 2 == 0) {
          raw[round] = KafkaProducerBaseline.round(stack, count);
          collector[round] = sustainedRound(system, stack, count);
        } else {
          collector[round] = sustainedRound(system, stack, count);
          raw[round] = KafkaProducerBaseline.round(stack, count);
        }
        LOG.info(
            "round {}: bare producer {} records/s, collector {} quotes/s ({}); CPU per record: bare"
                + " loop's thread {} ns, collector's sending thread {} ns, its sources' {} ns",
            round + 1,
            Math.round(raw[round].recordsPerSecond()),
            Math.round(collector[round].quotesPerSecond()),
            String.format(
                "%.2f", collector[round].quotesPerSecond() / raw[round].recordsPerSecond()),
            Math.round(raw[round].cpuNanosPerRecord()),
            Math.round(collector[round].sendCpuNanos()),
            Math.round(collector[round].sourceCpuNanos()));
      }
      Figure baseline =
          Figure.raw(RAW, median(raw, KafkaProducerBaseline.Round::recordsPerSecond), "records/s");
      Figure baselineCpu =
          Figure.raw(
              RAW_CPU, median(raw, KafkaProducerBaseline.Round::cpuNanosPerRecord), "ns/record");
      return List.of(
          baseline,
          Figure.against(baseline, QUOTES, median(collector, Round::quotesPerSecond)),
          baselineCpu,
          Figure.against(baselineCpu, SEND_CPU, median(collector, Round::sendCpuNanos)),
          Figure.against(baselineCpu, SOURCE_CPU, median(collector, Round::sourceCpuNanos)));
    } finally {
      system.terminate();
    }
  }

  /**
   * A timed round of the collector: its rate, and the CPU time per quote of the thread its producer
   * sends on (the bare loop's work) and of the threads its sources, validation, encoding and
   * batching run on.
   */
  record Round(double quotesPerSecond, double sendCpuNanos, double sourceCpuNanos) {}

  /**
   * Runs the collector on a new topic for a tenth of {@code count} and then {@code count} more
   * quotes, and returns the rate of the latter: measured as the bare loop is, from a connected,
   * warmed-up producer to the last acknowledgement, so that both are sustained rates. (Creating the
   * topic, starting the collector and its first acknowledgement take ~0.2 s here, a sixth of a
   * round's time, and would be counted against the collector only.)
   */
  private static Round sustainedRound(ActorSystem system, StackAddresses stack, int count)
      throws Exception {
    String topic = "bench-collector-" + UUID.randomUUID();
    KafkaProducerBaseline.createTopic(stack, topic);
    try {
      return sustainedRound(system, stack, topic, count);
    } finally {
      KafkaProducerBaseline.deleteTopic(stack, topic);
    }
  }

  private static Round sustainedRound(
      ActorSystem system, StackAddresses stack, String topic, int count) throws Exception {
    int warmUp = count / 10;
    int quotes = warmUp + count;
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
    long sendBefore = cpuOfThreads(SEND_THREADS);
    long sourcesBefore = cpuOfThreads(SOURCE_THREADS);
    done.get(10, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    long send = cpuOfThreads(SEND_THREADS) - sendBefore;
    long sources = cpuOfThreads(SOURCE_THREADS) - sourcesBefore;
    if (collector.sent() != quotes) {
      throw new IllegalStateException("the collector sent " + collector.sent() + " of " + quotes);
    }
    if (send == 0 || sources == 0) {
      throw new IllegalStateException(
          "no CPU time read for threads named " + SEND_THREADS + "-N or " + SOURCE_THREADS + "-N");
    }
    double timed = quotes - acknowledgedBefore;
    return new Round(timed / seconds, send / timed, sources / timed);
  }

  /** CPU time so far of this JVM's threads whose names start with {@code prefix}. */
  private static long cpuOfThreads(String prefix) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
        .filter(thread -> thread != null && thread.getThreadName().startsWith(prefix))
        .mapToLong(thread -> Math.max(0, threads.getThreadCpuTime(thread.getThreadId())))
        .sum();
  }

  private static <T> double median(T[] rounds, ToDoubleFunction<T> figure) {
    return Figure.median(Arrays.stream(rounds).mapToDouble(figure).toArray());
  }
}
