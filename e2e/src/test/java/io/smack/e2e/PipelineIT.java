package io.smack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.smack.common.CassandraSettings;
import io.smack.common.Settings;
import io.smack.common.model.PortableModel;
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
 * ({@link Pipeline}), on the real broker and node, configured by one file as {@code bin/smack up
 * --config FILE} configures it: the CSV replays of vega-datasets' stocks.csv (monthly, five
 * symbols) and sp500-2000.csv (daily OHLC rows of one index, a layout of its own) and a simulator
 * burst → collector → Kafka → the streaming job (Spark local) → Cassandra → the training job → the
 * access service, checked through HTTP against the CSV rows.
 */
@ExtendWith(LocalStackExtension.class)
class PipelineIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WORK = Path.of("target", "e2e").toAbsolutePath();
  private static final Path VEGA = Path.of("target", "vega-datasets").toAbsolutePath();
  private static final DateTimeFormatter CSV_DATE =
      DateTimeFormatter.ofPattern("MMM d yyyy", Locale.ENGLISH);
  private static final int BURST = 600;

  /** stocks.csv by symbol, oldest first. */
  private static final Map<String, List<Row>> CSV = new LinkedHashMap<>();

  /** sp500-2000.csv, oldest first, as the symbol SPX. */
  private static final List<Day> SPX = new ArrayList<>();

  private static Pipeline pipeline;
  private static Api api;
  private static StackAddresses addresses;
  private static String keyspace;

  record Row(Instant ts, double price) {}

  /** A row of sp500-2000.csv: date,open,high,low,close,adjclose,volume. */
  record Day(Instant ts, double open, double high, double low, double close, long volume) {}

  @BeforeAll
  static void start(StackAddresses stack) throws IOException, InterruptedException {
    Path stocks = VEGA.resolve("stocks.csv");
    List<String> lines = Files.readAllLines(stocks);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      Instant ts = LocalDate.parse(f[1], CSV_DATE).atStartOfDay(ZoneOffset.UTC).toInstant();
      CSV.computeIfAbsent(f[0], s -> new ArrayList<>()).add(new Row(ts, Double.parseDouble(f[2])));
    }
    CSV.values().forEach(rows -> rows.sort(Comparator.comparing(Row::ts)));
    Path sp500 = VEGA.resolve("sp500-2000.csv");
    for (String line : Files.readAllLines(sp500).stream().skip(1).toList()) {
      String[] f = line.split(",");
      SPX.add(
          new Day(
              LocalDate.parse(f[0]).atStartOfDay(ZoneOffset.UTC).toInstant(),
              Double.parseDouble(f[1]),
              Double.parseDouble(f[2]),
              Double.parseDouble(f[3]),
              Double.parseDouble(f[4]),
              Long.parseLong(f[6])));
    }

    // one configuration file, as a user writes it for bin/smack up --config: a keyspace of its
    // own, the two replays and a burst of simulated quotes; the collector exits once Kafka has
    // them (what bin/smack up adds for a one-off run)
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    addresses = stack;
    keyspace = "e2e_" + suffix;
    Files.createDirectories(WORK);
    Path config = WORK.resolve("pipeline-" + suffix + ".conf");
    Files.writeString(
        config,
        """
        smack.cassandra.keyspace = "e2e_%s"
        smack.collector {
          sources = "stocks,sp500,sim"
          source.stocks.path = "%s"
          source.sp500 {
            type = csv
            path = "%s"
            delimiter = ","
            symbol = SPX
            time-field = date
            time-format = "yyyy-MM-dd"
            zone = UTC
            price-field = close
            volume-field = volume
            open-field = open
            high-field = high
            low-field = low
            speed = 0
          }
          source.sim { symbols = "SIMA:100,SIMB:50", rate = 300, limit = %d }
        }
        """
            .formatted(suffix, stocks, sp500, BURST));
    Pipeline.Options options =
        Pipeline.Options.defaults()
            .withFreePorts()
            .withConfig(config)
            .withCollector(Pipeline.CollectorRun.ONE_OFF, Map.of())
            // the collector stops after its replays, and the training of every family on eight
            // series takes minutes: "stale" would tell the test's pace, not the pipeline's
            .withEnvironment(
                Map.of(
                    "STATUS_STALE_AFTER",
                    "30m",
                    // which family wins is TrainingIT's and WalkForwardEvidenceIT's subject, on
                    // the same files; here the served version's use: two families keep it short
                    "TRAINING_FAMILIES",
                    "linear_regression,drift"));
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
                && api.count("/quotes/SPX") == SPX.size()
                && api.count("/quotes/SIMA") + api.count("/quotes/SIMB") == BURST,
        Duration.ofMinutes(3));

    // a served version per symbol: the family that beats naive walk-forward, else naive
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
    expected.addAll(List.of("SPX", "SIMA", "SIMB"));
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
    List<String> symbols = new ArrayList<>(CSV.keySet());
    symbols.add("SPX");
    for (String symbol : symbols) {
      JsonNode models = api.json("/models/" + symbol);
      // one training, every model served locally: version 1
      assertThat(models.get("served").asInt()).as(symbol).isEqualTo(1);
      assertThat(models.get("versions")).as(symbol).hasSize(1);
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
    // on the file's newest 21 prices
    List<Double> newest =
        msft.subList(msft.size() - 21, msft.size()).stream().map(Row::price).toList();
    List<Double> prices = new ArrayList<>();
    prediction.get("prices").forEach(p -> prices.add(p.asDouble()));
    assertThat(prices).containsExactlyElementsOf(newest);
    double last = newest.get(20);
    assertThat(prediction.get("lastPrice").asDouble()).isEqualTo(last);
    // features worked out here from the file: the newest log return, the gap to the 20-price mean
    JsonNode inputs = prediction.get("inputs");
    assertThat(inputs.get("ret_1").asDouble())
        .isCloseTo(Math.log(last / newest.get(19)), within(1e-12));
    double mean20 = newest.subList(1, 21).stream().mapToDouble(Double::doubleValue).sum() / 20;
    assertThat(inputs.get("ma_20_gap").asDouble()).isCloseTo(last / mean20 - 1, within(1e-12));
    // and the stored model, read from Cassandra, applied to them: by hand where it is linear,
    // naive (no change) or drift; the trees' walk is held to Spark's in TrainerTest
    PortableModel model = storedModel("MSFT", prediction.get("modelVersion").asInt());
    double[] x = new double[model.features().size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = inputs.get(model.features().get(i)).asDouble();
    }
    double expected;
    if (model instanceof PortableModel.Naive) {
      expected = 0;
    } else if (model instanceof PortableModel.Drift drift) {
      expected = drift.drift();
    } else if (model instanceof PortableModel.Linear linear) {
      expected = linear.intercept();
      for (int i = 0; i < x.length; i++) {
        expected +=
            linear.coefficients().get(i) * (x[i] - linear.mean().get(i)) / linear.std().get(i);
      }
    } else {
      expected = model.predict(x);
    }
    System.out.printf("MSFT on stocks.csv: %s serves%n", model.kind());
    assertThat(prediction.get("predictedReturn").asDouble()).isCloseTo(expected, within(1e-12));
    assertThat(prediction.get("predicted").asDouble())
        .isCloseTo(last * Math.exp(expected), within(1e-9));
    JsonNode errors = api.json("/predictions/MSFT/errors").get("errors");
    assertThat(errors.findValuesAsText("asOf")).contains(prediction.get("asOf").asText());
    assertThat(errors.get(0).get("predicted").asDouble())
        .isEqualTo(prediction.get("predicted").asDouble());
  }

  private static PortableModel storedModel(String symbol, int version) {
    try (CqlSession session =
        CassandraSettings.from(Settings.load(addresses.environment())).sessionBuilder().build()) {
      com.datastax.oss.driver.api.core.cql.Row row =
          session
              .execute(
                  "SELECT model FROM " + keyspace + ".models WHERE symbol = ? AND version = ?",
                  symbol,
                  version)
              .one();
      assertThat(row).as("%s v%d in %s.models", symbol, version, keyspace).isNotNull();
      return PortableModel.fromJson(row.getString("model"));
    }
  }

  @Test
  void should_serve_the_daily_index_newest_first_equal_to_its_file() {
    // when
    JsonNode quotes = api.json("/quotes/SPX?limit=10000").get("quotes");

    // then: 5 105 days, newest first, each day's close
    List<Row> served = new ArrayList<>();
    quotes.forEach(
        q -> served.add(new Row(Instant.parse(q.get("ts").asText()), q.get("price").asDouble())));
    List<Row> expected =
        SPX.stream()
            .sorted(Comparator.comparing(Day::ts).reversed())
            .map(d -> new Row(d.ts(), d.close()))
            .toList();
    assertThat(served).hasSize(5105).containsExactlyElementsOf(expected);
  }

  @Test
  void should_answer_2008_with_exactly_its_days_and_the_last_day_as_latest() {
    // when
    JsonNode year =
        api.json("/quotes/SPX?from=2008-01-01T00:00:00Z&to=2009-01-01T00:00:00Z").get("quotes");
    JsonNode latest = api.json("/quotes/SPX/latest");

    // then
    List<String> expected =
        SPX.stream()
            .filter(d -> d.ts().atZone(ZoneOffset.UTC).getYear() == 2008)
            .sorted(Comparator.comparing(Day::ts).reversed())
            .map(d -> Api.instant(d.ts()))
            .toList();
    assertThat(year.findValuesAsText("ts")).hasSize(253).containsExactlyElementsOf(expected);
    assertThat(latest.get("ts").asText()).isEqualTo(Api.instant(SPX.get(SPX.size() - 1).ts()));
    assertThat(SPX.get(SPX.size() - 1).ts()).isEqualTo(Instant.parse("2020-04-17T00:00:00Z"));
    assertThat(latest.get("price").asDouble()).isEqualTo(2874.560059);
  }

  @Test
  void should_make_each_days_bar_of_its_open_high_low_and_close() {
    // when: the bars of the last week of the file
    JsonNode bars = api.json("/bars/SPX?from=2020-04-13T00:00:00Z").get("bars");

    // then: one bar per trading day, the row's four prices and volume
    List<Day> lastWeek =
        SPX.stream()
            .filter(d -> !d.ts().isBefore(Instant.parse("2020-04-13T00:00:00Z")))
            .sorted(Comparator.comparing(Day::ts).reversed())
            .toList();
    assertThat(bars).hasSize(lastWeek.size());
    for (int i = 0; i < lastWeek.size(); i++) {
      Day day = lastWeek.get(i);
      JsonNode bar = bars.get(i);
      assertThat(bar.get("minute").asText()).isEqualTo(Api.instant(day.ts()));
      assertThat(List.of(bar.get("open").asDouble(), bar.get("high").asDouble()))
          .containsExactly(day.open(), day.high());
      assertThat(List.of(bar.get("low").asDouble(), bar.get("close").asDouble()))
          .containsExactly(day.low(), day.close());
      assertThat(bar.get("volume").asLong()).isEqualTo(day.volume());
    }
  }

  @Test
  void should_report_data_flowing() {
    JsonNode status = api.json("/status");
    assertThat(status.get("verdict").asText()).as(status.toString()).isEqualTo("ok");
    assertThat(status.get("symbols").findValuesAsText("symbol")).contains("AAPL", "SIMA");
  }
}
