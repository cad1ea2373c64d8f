package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.smack.common.KafkaSettings;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.common.Settings;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each source end to end into the real broker, read back and compared field by field. */
@ExtendWith(LocalStackExtension.class)
class CollectorIT {

  static final Path VEGA = Path.of("target", "vega-datasets");
  private static final Instant NOW = Instant.parse("2026-11-23T15:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ActorSystem system;

  @BeforeAll
  static void startSystem() {
    system = TestSystems.actorSystem("collector-it");
  }

  @AfterAll
  static void stopSystem() {
    system.terminate();
  }

  @Test
  void should_send_every_simulated_quote_once_keyed_by_symbol(StackAddresses stack)
      throws Exception {
    // given
    Run run =
        Run.of(
            stack,
            "sim",
            """
            type = simulator, symbols = "AAPL:189.5,MSFT:410.2,^GSPC:4500", volatility = 0.3,
            drift = 0.05, rate = 0, seed = 7, limit = 3000
            """);
    List<Quote> expected = new ArrayList<>();
    SimulatorSettings simulator = SimulatorSettings.from("sim", run.sourceConfig(), "sim");
    new MarketSimulator(simulator, MarketSimulator.start(simulator, NOW))
        .forEachRemaining(expected::add);

    // when
    Collector collector = run.start(system);
    collector.done().toCompletableFuture().get(60, TimeUnit.SECONDS);

    // then
    List<ConsumerRecord<String, byte[]>> records = run.quotes(3000);
    assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo(decode(r).symbol()));
    assertThat(records.stream().map(CollectorIT::decode))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(collector.sources().get(0).sent()).isEqualTo(3000);
  }

  @Test
  void should_replay_every_row_of_the_vega_stocks_file(StackAddresses stack) throws Exception {
    // given
    Path stocks = VEGA.resolve("stocks.csv");
    Run run =
        Run.of(
            stack,
            "stocks",
            """
            type = csv, path = "%s", delimiter = ",", symbol-field = symbol, time-field = date,
            time-format = "MMM d yyyy", zone = UTC, price-field = price, speed = 0
            """
                .formatted(stocks.toAbsolutePath()));
    List<Quote> rows = stocksRowsReadByHand(stocks);

    // when
    Collector collector = run.start(system);
    collector.done().toCompletableFuture().get(60, TimeUnit.SECONDS);

    // then
    assertThat(rows).hasSize(560); // 123 monthly prices of AAPL, AMZN, IBM, MSFT and 68 of GOOG
    assertThat(run.quotes(rows.size()).stream().map(CollectorIT::decode))
        .containsExactlyInAnyOrderElementsOf(rows);
    assertThat(run.deadLetters(0)).isEmpty();
  }

  @Test
  void should_replay_a_daily_ohlc_file_with_configuration_alone(StackAddresses stack)
      throws Exception {
    // given
    Path sp500 = VEGA.resolve("sp500-2000.csv");
    Run run =
        Run.of(
            stack,
            "sp500",
            """
            type = csv, path = "%s", delimiter = ",", symbol = "^GSPC", time-field = date,
            time-format = "yyyy-MM-dd", zone = UTC, price-field = close, volume-field = volume,
            speed = 0
            """
                .formatted(sp500.toAbsolutePath()));
    List<String> lines = Files.readAllLines(sp500);

    // when
    run.start(system).done().toCompletableFuture().get(60, TimeUnit.SECONDS);

    // then: every row, its close as the price and its volume
    List<Quote> sent = run.quotes(lines.size() - 1).stream().map(CollectorIT::decode).toList();
    assertThat(sent).hasSize(lines.size() - 1);
    String[] last = lines.get(lines.size() - 1).split(",");
    assertThat(sent)
        .contains(
            new Quote(
                "^GSPC",
                LocalDate.parse(last[0]).atStartOfDay(ZoneOffset.UTC).toInstant(),
                Double.parseDouble(last[4]),
                Long.parseLong(last[6]),
                "sp500"));
  }

  @Test
  void should_send_bad_rows_to_the_dead_letter_topic_with_their_reason(StackAddresses stack)
      throws Exception {
    // given
    Path file = Files.createTempFile("bad-quotes", ".csv");
    Files.writeString(
        file,
        """
        symbol,date,price
        MSFT,Jan 1 2000,39.81
        MSFT,Feb 1 2000
        MSFT,Mar 1 2000,n/a
        MSFT,Apr 1 2000,-4.5
        MSFT,2000-05-01,40.1
        MSFT,Jun 1 2000,41.25
        """);
    Run run =
        Run.of(
            stack,
            "bad",
            """
            type = csv, path = "%s", delimiter = ",", symbol-field = symbol, time-field = date,
            time-format = "MMM d yyyy", zone = UTC, price-field = price, speed = 0
            """
                .formatted(file));

    // when
    Collector collector = run.start(system);
    collector.done().toCompletableFuture().get(60, TimeUnit.SECONDS);

    // then
    assertThat(run.quotes(2).stream().map(r -> decode(r).price()))
        .containsExactlyInAnyOrder(39.81, 41.25);
    List<JsonNode> letters = run.deadLetters(4).stream().map(CollectorIT::json).toList();
    assertThat(letters)
        .extracting(l -> l.get("reason").asText(), l -> l.get("raw_text").asText())
        .containsExactly(
            tuple("malformed", "MSFT,Feb 1 2000"),
            tuple("bad_price", "MSFT,Mar 1 2000,n/a"),
            tuple("bad_price", "MSFT,Apr 1 2000,-4.5"),
            tuple("bad_timestamp", "MSFT,2000-05-01,40.1"));
    assertThat(letters).allSatisfy(l -> assertThat(l.get("source").asText()).isEqualTo("bad"));
    assertThat(collector.sources().get(0).snapshot())
        .containsEntry("sent", 2L)
        .containsEntry("rejected", 4L);
  }

  /** The rows of vega-datasets stocks.csv, read without the collector's code. */
  static List<Quote> stocksRowsReadByHand(Path stocks) throws Exception {
    DateTimeFormatter monthDayYear = DateTimeFormatter.ofPattern("MMM d yyyy", Locale.ROOT);
    List<Quote> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(stocks);
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split(",");
      rows.add(
          new Quote(
              fields[0],
              LocalDate.parse(fields[1], monthDayYear).atStartOfDay(ZoneOffset.UTC).toInstant(),
              Double.parseDouble(fields[2]),
              0,
              "stocks"));
    }
    return rows;
  }

  static Quote decode(ConsumerRecord<String, byte[]> record) {
    return QuoteCodec.decode(record.value(), NOW, Duration.ofMinutes(5));
  }

  static JsonNode json(ConsumerRecord<String, byte[]> record) {
    try {
      return JSON.readTree(new String(record.value(), StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new AssertionError(
          "not JSON: " + new String(record.value(), StandardCharsets.UTF_8), e);
    }
  }

  /** One collector run with one source, on topics of its own. */
  record Run(Config config, KafkaTopics topics, String source) {

    static Run of(StackAddresses stack, String source, String sourceHocon) throws Exception {
      return withCollector(
          stack,
          source,
          "sources = \"%s\", source.%s { %s }".formatted(source, source, sourceHocon));
    }

    /** A run with the given {@code smack.collector} settings; {@code source} names the first. */
    static Run withCollector(StackAddresses stack, String source, String collectorHocon)
        throws Exception {
      KafkaTopics topics = new KafkaTopics(stack.kafkaBootstrapServers());
      String[] names = topics.createPair(source);
      Config config =
          ConfigFactory.parseString("smack.collector { %s }".formatted(collectorHocon))
              .withFallback(
                  Settings.load(
                      Map.of(
                          "KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers(),
                          "KAFKA_QUOTES_TOPIC", names[0],
                          "KAFKA_DLQ_TOPIC", names[1])))
              .resolve();
      return new Run(config, topics, source);
    }

    Config sourceConfig() {
      return config.getConfig("smack.collector.source." + source);
    }

    Collector start(ActorSystem system) {
      return Collector.start(
          system,
          CollectorSettings.from(config, CLOCK),
          KafkaSettings.from(config),
          new SourceHealth.Metrics());
    }

    List<ConsumerRecord<String, byte[]>> quotes(int expected) {
      return topics.readAll(
          KafkaSettings.from(config).quotesTopic(), expected, Duration.ofSeconds(2));
    }

    List<ConsumerRecord<String, byte[]>> deadLetters(int expected) {
      return topics.readAll(
          KafkaSettings.from(config).deadLetterTopic(), expected, Duration.ofSeconds(2));
    }
  }
}
