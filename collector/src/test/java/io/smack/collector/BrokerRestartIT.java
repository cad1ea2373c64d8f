package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.common.Quote;
import io.smack.localstack.Await;
import io.smack.localstack.FaultFigures;
import io.smack.localstack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The broker stops in the middle of a run and comes back: the idempotent producer retries what was
 * in flight, the sources wait meanwhile, and every quote ends in the topic exactly once. Tagged
 * {@code chaos} (a stack of its own): {@code bin/smack chaos} runs it; {@code bin/smack test} has
 * the leader broker of a three-node cluster killed mid-send ({@code LocalClusterIT}).
 */
@Tag("chaos")
class BrokerRestartIT {

  private static final Instant NOW = Instant.parse("2026-11-23T15:00:00Z");

  private static LocalStack stack;
  private static ActorSystem system;

  @BeforeAll
  static void start() {
    stack = LocalStack.startOnFreePorts(Path.of("target", "broker-restart-stack"));
    system = TestSystems.actorSystem("broker-restart-it");
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.terminate();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void should_deliver_every_quote_exactly_once_across_a_broker_restart() throws Exception {
    // given: 15 s of quotes at 2000 a second
    CollectorIT.Run run =
        CollectorIT.Run.of(
            stack.addresses(),
            "sim",
            """
            type = simulator, symbols = "AAPL:189.5,MSFT:410.2,GOOG:171.3", volatility = 0.3,
            drift = 0.05, rate = 2000, seed = 11, limit = 30000
            """);
    List<Quote> expected = new ArrayList<>();
    SimulatorSettings simulator = SimulatorSettings.from("sim", run.sourceConfig(), "sim");
    new MarketSimulator(simulator, MarketSimulator.start(simulator, NOW))
        .forEachRemaining(expected::add);
    Collector collector = run.start(system);
    SourceHealth sim = collector.sources().get(0);

    // when: the broker goes down for five seconds a third of the way through
    Await.until(() -> sim.sent() >= 10_000, Duration.ofSeconds(60));
    stack.stopKafka();
    long sentWhenDown = sim.sent();
    TimeUnit.SECONDS.sleep(5); // the outage itself, not a wait for something
    stack.startKafka();
    collector.done().toCompletableFuture().get(2, TimeUnit.MINUTES);

    // then
    List<ConsumerRecord<String, byte[]>> records = run.quotes(expected.size());
    assertThat(sentWhenDown).isLessThan(expected.size());
    assertThat(records).hasSize(expected.size());
    assertThat(records.stream().map(CollectorIT::decode))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(sim.sent()).isEqualTo(expected.size());
    FaultFigures.record(
        "broker-restart",
        Map.of(
            "produced", expected.size(),
            "sentWhenDown", sentWhenDown,
            "inKafka", records.size()));
  }
}
