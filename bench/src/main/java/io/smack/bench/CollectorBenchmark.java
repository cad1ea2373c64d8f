package io.smack.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.smack.collector.Collector;
import io.smack.collector.MarketSimulator;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Settings;
import io.smack.localstack.StackAddresses;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;

/**
 * The collector's sustained rate with the market simulator at full speed, against two loops in the
 * same JVM with the same producer settings, each timed the same way ({@link
 * KafkaProducerBaseline#timedLoop}):
 *
 * <ul>
 *   <li>the plain loop: the same simulator, the same quotes validated (the {@code Quote}
 *       constructor), encoded and sent from one thread, without Pekko: what the collector's
 *       architecture (streams, supervision, batching, a sending thread of its own) costs;
 *   <li>the bare loop: pre-encoded records, only the producer's work: what Kafka can take.
 * </ul>
 *
 * <p>With CPU nanoseconds per quote of each: the loops' one thread, the collector's sending thread
 * and its sources' threads (generation, validation, encoding, batching).
 */
final class CollectorBenchmark implements Benchmark {

  static final String QUOTES = "collector.quotes";
  static final String PLAIN = "collector.plain-loop";
  static final String RAW = "collector.bare-producer";

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
    return "collector with the simulator at full speed, against a plain loop doing the same work"
        + " without Pekko and the bare producer (quotes/s, CPU ns/quote)";
  }

  @Override
  public void run(StackAddresses stack, BenchOptions options, Consumer<Figure> out)
      throws Exception {
    int count = options.scale(1_000_000);
    ActorSystem system =
        ActorSystem.create(
            SYSTEM,
            ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
                .withFallback(ConfigFactory.load()));
    try {
      Paired.Rounds rounds =
          Paired.of(name())
              .trial("collector", before -> collectorRound(system, stack, count))
              .trial("plain-loop", before -> plainLoopRound(stack, count).sample())
              .trial("bare-loop", before -> KafkaProducerBaseline.round(stack, count).sample())
              .rounds(options.rounds())
              .run();
      Figure bare = rounds.raw(RAW, "records/s", "bare-loop", "records/s");
      Figure plain = rounds.against(bare, PLAIN, "plain-loop", "records/s");
      out.accept(bare);
      out.accept(plain);
      out.accept(rounds.against(plain, QUOTES, "collector", "records/s"));
      out.accept(rounds.against(bare, QUOTES + ".vs-bare", "collector", "records/s"));
      Figure bareCpu = rounds.raw(RAW + ".cpu", "ns/quote", "bare-loop", "cpu-ns/record");
      Figure plainCpu = rounds.against(bareCpu, PLAIN + ".cpu", "plain-loop", "cpu-ns/record");
      out.accept(bareCpu);
      out.accept(plainCpu);
      out.accept(rounds.against(plainCpu, "collector.cpu", "collector", "cpu-ns/record"));
      out.accept(rounds.against(plainCpu, "collector.send.cpu", "collector", "send-cpu"));
      out.accept(rounds.against(plainCpu, "collector.sources.cpu", "collector", "sources-cpu"));
    } finally {
      system.terminate();
    }
  }

  /**
   * The collector's simulator source at full speed for a tenth of {@code count} and {@code count}.
   */
  private static Config simulator(StackAddresses stack, String topic, int count) {
    return ConfigFactory.parseString(
            """
            smack.collector {
              sources = "sim"
              source.sim { rate = 0, limit = %d }
            }
            """
                .formatted(count / 10 + count))
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
  }

  /**
   * The plain loop: the quotes the collector's simulator makes, each built (and so validated),
   * encoded and sent on this thread, keyed by symbol as the collector keys them.
   */
  private static KafkaProducerBaseline.Round plainLoopRound(StackAddresses stack, int count)
      throws Exception {
    return KafkaProducerBaseline.onNewTopic(
        stack,
        topic -> {
          MarketSimulator simulator =
              MarketSimulator.of(simulator(stack, topic, count), "sim", Instant.now());
          return KafkaProducerBaseline.timedLoop(
              stack,
              count,
              i -> {
                Quote quote = simulator.next();
                return new ProducerRecord<>(topic, quote.symbol(), QuoteCodec.encode(quote));
              });
        });
  }

  private static Map<String, Double> collectorRound(
      ActorSystem system, StackAddresses stack, int count) throws Exception {
    return KafkaProducerBaseline.onNewTopic(
        stack, topic -> collectorRound(system, simulator(stack, topic, count), count));
  }

  /**
   * A timed round of the collector: its rate, timed as the loops are (the clock starts once a tenth
   * is acknowledged and stops at the last acknowledgement), and the CPU time per quote of the
   * thread its producer sends on and of the threads its sources, validation, encoding and batching
   * run on.
   */
  private static Map<String, Double> collectorRound(ActorSystem system, Config config, int count)
      throws Exception {
    int warmUp = count / 10;
    int quotes = warmUp + count;
    Collector collector = Collector.start(system, config);
    CompletableFuture<Done> done = collector.done().toCompletableFuture();
    // acknowledgements come a batch at a time: take the count reached when the clock starts
    while (collector.sent() < warmUp && !done.isDone()) {
      Thread.onSpinWait();
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
    return Map.of(
        "records/s",
        timed / seconds,
        "cpu-ns/record",
        (send + sources) / timed,
        "send-cpu",
        send / timed,
        "sources-cpu",
        sources / timed);
  }

  /** CPU time so far of this JVM's threads whose names start with {@code prefix}. */
  private static long cpuOfThreads(String prefix) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
        .filter(thread -> thread != null && thread.getThreadName().startsWith(prefix))
        .mapToLong(thread -> Math.max(0, threads.getThreadCpuTime(thread.getThreadId())))
        .sum();
  }
}
