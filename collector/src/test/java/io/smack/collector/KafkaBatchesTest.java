package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.smack.common.DeadLetter;
import io.smack.common.KafkaSettings;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Rejection;
import io.smack.common.Rejection.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaBatchesTest {

  private static final KafkaSettings TOPICS =
      new KafkaSettings("unused:9092", "quotes", "quotes.dlq");
  private static final Instant OPEN = Instant.parse("2026-11-23T14:30:00Z");

  private static ActorSystem system;

  @BeforeAll
  static void start() {
    system = TestSystems.actorSystem("kafka-batches-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void should_batch_quotes_by_symbol_and_dead_letters_by_source_into_their_topics()
      throws Exception {
    // given
    Quote aaplAtOpen = new Quote("AAPL", OPEN, 189.5, 10, "sim");
    Quote msftAtOpen = new Quote("MSFT", OPEN, 410.2, 5, "sim");
    DeadLetter htmlFromFeed =
        new DeadLetter(
            "feed",
            new Rejection(Reason.MALFORMED, "not JSON"),
            "<html/>".getBytes(StandardCharsets.UTF_8),
            OPEN);
    List<Collected> collected =
        List.of(
            new Collected.Accepted("sim", aaplAtOpen),
            new Collected.Rejected(htmlFromFeed),
            new Collected.Accepted("sim", msftAtOpen));

    // when
    List<KafkaBatches.Batch> batches =
        Source.from(collected)
            .map(List::of)
            .via(KafkaBatches.batch(TOPICS, 2, Duration.ofSeconds(1)))
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);

    // then
    assertThat(batches).extracting(b -> b.records().size()).containsExactly(2, 1);
    assertThat(batches.stream().flatMap(b -> b.tallies().stream()))
        .extracting(SourceHealth.Tally::source, SourceHealth.Tally::accepted)
        .containsExactly(tuple("sim", 1L), tuple("feed", 0L), tuple("sim", 1L));
    List<ProducerRecord<String, byte[]>> records =
        batches.stream().flatMap(b -> b.records().stream()).toList();
    assertThat(records)
        .extracting(ProducerRecord::topic, ProducerRecord::key)
        .containsExactly(
            tuple("quotes", "AAPL"), tuple("quotes.dlq", "feed"), tuple("quotes", "MSFT"));
    assertThat(records.get(0).value()).isEqualTo(QuoteCodec.encode(aaplAtOpen));
    assertThat(records.get(1).value()).isEqualTo(htmlFromFeed.toJson());
  }
}
