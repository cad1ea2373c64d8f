package io.smack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.smack.localstack.Await;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.ModuleProcess;
import io.smack.localstack.Pipeline;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole pipeline, each part in a JVM of its own started by {@code bin/smack up}'s own launcher
 * ({@link Pipeline}), on the real broker and node: the CSV replay of vega-datasets' stocks.csv and
 * a simulator burst → collector → Kafka → the streaming job (Spark local) → Cassandra → the
 * training job → the access service, checked through HTTP against the CSV rows.
 */
@ExtendWith(LocalStackExtension.class)
class PipelineIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WORK = Path.of("target", "e2e").toAbsolutePath();
  private static final DateTimeFormatter CSV_DATE =
      DateTimeFormatter.ofPattern("MMM d yyyy", Locale.ENGLISH);
  private static final int BURST = 600;

  /** stocks.csv by symbol, oldest first. */
  private static final Map<String, List<Row>> CSV = new LinkedHashMap<>();

  private static Pipeline pipeline;
  private static Api api;

  record Row(Instant ts, double price) {}

  @BeforeAll
  static void start(StackAddresses stack) throws IOException, InterruptedException {
    Path stocks = Path.of("target", "vega-datasets", "stocks.csv").toAbsolutePath();
    List<String> lines = Files.readAllLines(stocks);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      Instant ts = LocalDate.parse(f[1], CSV_DATE).atStartOfDay(ZoneOffset.UTC).toInstant();
      CSV.computeIfAbsent(f[0], s -> new ArrayList<>()).add(new Row(ts, Double.parseDouble(f[2])));
    }
    CSV.values().forEach(rows -> rows.sort(Comparator.comparing(Row::ts)));

    // as bin/smack up starts them, on a keyspace of its own: the replay and a burst of simulated
    // quotes, and the collector exits once Kafka has them
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Pipeline.Options options =
        Pipeline.Options.defaults()
            .withFreePorts()
            .withEnvironment(Map.of("CASSANDRA_KEYSPACE", "e2e_" + suffix))
            .withCollector(
                Pipeline.CollectorRun.ONE_OFF,
                Map.of(
                    "COLLECTOR_SOURCES", "stocks,sim",
                    "CSV_PATH", stocks.toString(),
                    "SIMULATOR_SYMBOLS", "SIMA:100,SIMB:50",
                    "SIMULATOR_RATE", "300",
                    "SIMULATOR_LIMIT", String.valueOf(BURST)));
    pipeline = Pipeline.start(ROOT, stack, WORK.resolve(suffix), options);
    api = new Api(pipeline.accessUrl(""));
    ModuleProcess collector = pipeline.oneOffCollector();
    assertThat(collector.awaitExit(Duration.ofMinutes(2)))
        .as("collector exit, log %s", collector.logFile())
        .hasValue(0);

    // every quote visible through the API
    Await.until(
        () ->
            CSV.entrySet().stream()
                    .allMatch(e -> api.count("/quotes/" + e.getKey()) == e.getValue().size())
                && api.count("/quotes/SIMA") + api.count("/quotes/SIMB") == BURST,
        Duration.ofMinutes(3));

    // a model per symbol (served even where it does not beat the naive forecast)
    try (ModuleProcess training = pipeline.train()) {
      OptionalInt exit = training.awaitExit(Duration.ofMinutes(5));
      assertThat(exit).as("training exit, log %s", training.logFile()).hasValue(0);
    }
  }

  @AfterAll
  static void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void should_list_every_symbol() {
    List<String> expected = new ArrayList<>(CSV.keySet());
    expected.addAll(List.of("SIMA", "SIMB"));
    assertThat(Api.texts(api.json("/symbols").get("symbols")))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void should_serve_each_symbols_whole_series_equal_to_the_csv_rows() {
    for (Map.Entry<String, List<Row>> symbol : CSV.entrySet()) {
      JsonNode quotes = api.json("/quotes/" + symbol.getKey() + "?limit=10000").get("quotes");
      List<Row> newestFirst = new ArrayList<>(symbol.getValue());
      newestFirst.sort(Comparator.comparing(Row::ts).reversed());
      List<Row> served = new ArrayList<>();
      quotes.forEach(
          q -> served.add(new Row(Instant.parse(q.get("ts").asText()), q.get("price").asDouble())));
      assertThat(served).as(symbol.getKey()).containsExactlyElementsOf(newestFirst);
    }
  }

  @Test
  void should_answer_a_range_with_exactly_the_rows_in_it() {
    Instant from = Instant.parse("2005-01-01T00:00:00Z");
    Instant to = Instant.parse("2006-01-01T00:00:00Z");
    JsonNode quotes = api.json("/quotes/AAPL?from=" + from + "&to=" + to).get("quotes");
    List<String> expected =
        CSV.get("AAPL").stream()
            .filter(r -> !r.ts().isBefore(from) && r.ts().isBefore(to))
            .sorted(Comparator.comparing(Row::ts).reversed())
            .map(r -> Api.instant(r.ts()))
            .toList();
    assertThat(quotes.findValuesAsText("ts")).hasSize(12).containsExactlyElementsOf(expected);
  }

  @Test
  void should_answer_the_last_row_as_latest() {
    for (Map.Entry<String, List<Row>> symbol : CSV.entrySet()) {
      Row last = symbol.getValue().get(symbol.getValue().size() - 1);
      JsonNode latest = api.json("/quotes/" + symbol.getKey() + "/latest");
      assertThat(latest.get("ts").asText()).as(symbol.getKey()).isEqualTo(Api.instant(last.ts()));
      assertThat(latest.get("price").asDouble()).isEqualTo(last.price());
    }
  }

  @Test
  void should_have_a_model_with_metrics_for_each_symbol() {
    for (String symbol : CSV.keySet()) {
      JsonNode models = api.json("/models/" + symbol);
      assertThat(models.get("served").asInt()).as(symbol).isGreaterThanOrEqualTo(1);
      JsonNode metrics = models.get("versions").get(0).get("metrics");
      assertThat(metrics.get("rmse").asDouble()).as(symbol).isPositive();
      assertThat(metrics.has("baseline_rmse")).isTrue();
    }
  }

  @Test
  void should_serve_a_prediction_record_it_and_show_it_in_the_errors_view() {
    // when
    JsonNode prediction = api.json("/predictions/MSFT");

    // then
    List<Row> msft = CSV.get("MSFT");
    assertThat(prediction.get("asOf").asText())
        .isEqualTo(Api.instant(msft.get(msft.size() - 1).ts()));
    assertThat(prediction.get("predicted").asDouble()).isPositive();
    assertThat(prediction.get("prices")).hasSize(21);
    JsonNode errors = api.json("/predictions/MSFT/errors").get("errors");
    assertThat(errors.findValuesAsText("asOf")).contains(prediction.get("asOf").asText());
    assertThat(errors.get(0).get("predicted").asDouble())
        .isEqualTo(prediction.get("predicted").asDouble());
  }

  @Test
  void should_report_data_flowing() {
    JsonNode status = api.json("/status");
    assertThat(status.get("verdict").asText()).as(status.toString()).isEqualTo("ok");
    assertThat(status.get("symbols").findValuesAsText("symbol")).contains("AAPL", "SIMA");
  }
}
