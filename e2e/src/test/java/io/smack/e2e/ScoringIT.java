package io.smack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import io.smack.localstack.Await;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.ModuleProcess;
import io.smack.localstack.NewTopics;
import io.smack.localstack.Pipeline;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The streaming job scores every finished bar with the served model and holds it to the naive
 * forecast, on the real stack: one bar a minute of a known AR(2) process of returns, two models
 * trained on it by the training job, then the same process streamed (every finished bar predicted,
 * with its outcome; the rolling RMSE below the naive one; the job killed with SIGKILL and started
 * again on its checkpoint in the middle of it), then a random walk, on which the served model loses
 * to the naive forecast and is demoted, naive serving after it as a version of its own. Beside it
 * all the while, a symbol whose served model is one this version cannot use (as a newer training
 * job writes it in a rolling upgrade): that symbol goes unscored and says why; the stream never
 * stops for it.
 */
@ExtendWith(LocalStackExtension.class)
class ScoringIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WORK = Path.of("target", "scoring").toAbsolutePath();
  private static final String SYMBOL = "ARX";

  /** A symbol whose served version is a model kind this version cannot evaluate. */
  private static final String NEWER = "NXT";

  private static final int WINDOW = 30;

  /** r(t+1) = 0.6 r(t) − 0.3 r(t−1) + 0.002 ε: the model beats next = last by about 15 %. */
  private static double[] returns(int n, boolean autoregressive, long seed) {
    Random random = new Random(seed);
    double[] r = new double[n];
    for (int t = 0; t < n; t++) {
      double shock = 0.002 * random.nextGaussian();
      r[t] =
          autoregressive
              ? 0.6 * (t > 0 ? r[t - 1] : 0) - 0.3 * (t > 1 ? r[t - 2] : 0) + shock
              : shock;
    }
    return r;
  }

  @Test
  void should_score_every_finished_bar_and_demote_a_model_the_naive_forecast_beats(
      StackAddresses stack) throws Exception {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String topic = "quotes-scoring-" + suffix;
    NewTopics.create(stack.kafkaBootstrapServers(), Map.of(topic, 1), Duration.ofSeconds(30));
    Pipeline pipeline =
        Pipeline.start(
            ROOT,
            stack,
            WORK.resolve(suffix),
            Pipeline.Options.defaults()
                .withFreePorts()
                .withCollector(Pipeline.CollectorRun.NONE, Map.of())
                .withEnvironment(
                    Map.of(
                        "CASSANDRA_KEYSPACE",
                        "scoring_" + suffix,
                        "KAFKA_QUOTES_TOPIC",
                        topic,
                        "INGEST_BARS_TRIGGER",
                        "1s",
                        "ACCESS_MODEL_RELOAD_INTERVAL",
                        "2s",
                        "SCORING_WINDOW",
                        String.valueOf(WINDOW),
                        "TRAINING_SYMBOLS",
                        SYMBOL)));
    pipeline.supervise();
    Api api = new Api(pipeline.accessUrl(""));
    try (pipeline;
        CqlSession cql =
            CqlSession.builder()
                .addContactPoint(
                    new InetSocketAddress(stack.cassandraHost(), stack.cassandraPort()))
                .withLocalDatacenter(stack.cassandraDatacenter())
                .withKeyspace("scoring_" + suffix)
                .build()) {
      // given: 500 one-minute bars, one quote each, ending 100 minutes ago: 300 of the AR
      // process (160 to train v1 on, 80 more for v2, 60 streamed), then 200 of a random walk
      Bars bars =
          new Bars(Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(600)));
      bars.add(returns(300, true, 11));
      bars.add(returns(200, false, 12));
      Producer producer = new Producer(stack.kafkaBootstrapServers(), topic);
      servedByANewerTrainingJob(cql, bars.minute(0));
      producer.send(bars.quotes(NEWER, 0, 40));

      producer.send(bars.quotes(0, 160));
      Await.until(() -> barCount(cql) >= 160, Duration.ofMinutes(4));
      train(pipeline);
      producer.send(bars.quotes(160, 240));
      Await.until(() -> barCount(cql) >= 240, Duration.ofMinutes(2));
      train(pipeline);
      JsonNode models = api.json("/models/" + SYMBOL);
      // the second training's version serves: v2, or v3 when the monitor demoted v1 (trained on
      // fewer bars) to a naive version meanwhile
      int trained = models.get("versions").get(0).get("version").asInt();
      assertThat(trained).as(models.toString()).isIn(2, 3);
      assertThat(models.get("served").asInt()).isEqualTo(trained);
      assertThat(models.get("versions").get(0).get("kind").asText()).isNotEqualTo("naive");
      JsonNode promotion = models.get("promotion").get(String.valueOf(trained));
      assertThat(promotion.get("beatsNaive").asBoolean()).as(models.toString()).isTrue();
      assertThat(promotion.get("maeImprovement").asDouble()).isPositive();

      // when: 60 more bars of the same process, the job killed and restarted among them
      for (int i = 240; i < 300; i += 10) {
        producer.send(bars.quotes(i, i + 10));
        Thread.sleep(700);
        if (i == 260) {
          Await.until(() -> scoredSince(cql, bars.minute(240)) >= 10, Duration.ofMinutes(2));
          // in the middle of a bars batch: its offsets are in the checkpoint, its commit is not,
          // so the restarted job runs it again
          Path checkpoint = WORK.resolve(suffix).resolve("checkpoints/ingest/bars");
          Await.until(
              () ->
                  newestBatch(checkpoint.resolve("offsets"))
                      > newestBatch(checkpoint.resolve("commits")),
              Duration.ofSeconds(60));
          ModuleProcess job = pipeline.part("ingest-streaming");
          job.kill(); // SIGKILL; the pipeline's supervisor starts it again on its checkpoint
          assertThat(job.isAlive()).isFalse();
        }
      }
      // then: every bar from the 240th on has one prediction by v2 — the newest too, its minute
      // long over — each with its outcome but the newest's, and the monitor counts each once
      Await.until(() -> scoredSince(cql, bars.minute(240)) >= 60, Duration.ofMinutes(4));
      List<Row> predictions = predictions(cql, bars.minute(240));
      assertThat(predictions).hasSize(60);
      assertThat(predictions.stream().map(r -> r.getInstant("ts")).toList())
          .isEqualTo(bars.minutes(240, 300));
      assertThat(predictions)
          .allSatisfy(r -> assertThat(r.getInt("model_version")).isEqualTo(trained));
      Await.until(
          () ->
              predictions(cql, bars.minute(240)).stream().filter(r -> !r.isNull("actual")).count()
                  >= 59,
          Duration.ofMinutes(1));
      Row ofBar250 = predictions(cql, bars.minute(250)).get(0);
      assertThat(ofBar250.getInstant("ts")).isEqualTo(bars.minute(250));
      assertThat(ofBar250.getDouble("actual")).isEqualTo(bars.close(251));
      assertThat(ofBar250.getDouble("naive")).isEqualTo(bars.close(250));
      assertThat(ofBar250.getDouble("naive_error")).isEqualTo(bars.close(251) - bars.close(250));
      assertThat(ofBar250.getInstant("target_ts")).isEqualTo(bars.minute(251));
      Row monitor = monitor(cql);
      int streamedRows = allPredictions(cql).size();
      assertThat(monitor.getLong("scored")).as("scored once each").isEqualTo(streamedRows);
      List<Double> modelErrorsBefore = monitor.getList("model_errors", Double.class);
      JsonNode live = api.json("/models/" + SYMBOL).get("monitor");
      assertThat(live.get("modelVersion").asInt()).isEqualTo(trained);
      assertThat(live.get("steps").asInt()).isEqualTo(WINDOW);
      assertThat(live.get("rmse").asDouble())
          .as("rolling rmse vs naive: %s", live)
          .isLessThan(live.get("naiveRmse").asDouble());
      // not demoted (a first version that lost live may have been, before it)
      assertThat(live.get("lastDemotion").path("version").asInt(-1)).isNotEqualTo(trained);
      JsonNode streamed = api.json("/predictions/" + SYMBOL);
      assertThat(streamed.get("source").asText()).isEqualTo("stream");
      assertThat(streamed.get("asOf").asText()).isEqualTo(Api.instant(bars.minute(299)));
      assertThat(streamed.get("prices")).hasSize(21);
      // with the model version, the bars it was computed from: the 21 ending at asOf
      assertThat(streamed.get("pricesFrom").asText()).isEqualTo(Api.instant(bars.minute(279)));
      // its newest input is the newest bar, 30 s before the newest quote: fresh
      assertThat(streamed.get("basisLagSeconds").asLong()).isEqualTo(30);
      assertThat(streamed.get("stale").asBoolean()).isFalse();
      JsonNode errors = api.json("/predictions/" + SYMBOL + "/errors?limit=3").get("errors");
      assertThat(errors).hasSize(3);
      assertThat(errors.get(0).get("actual").isNull()).as("the newest waits for its bar").isTrue();
      JsonNode known = errors.get(1);
      assertThat(known.get("asOf").asText()).isEqualTo(Api.instant(bars.minute(298)));
      assertThat(known.get("actual").get("price").asDouble()).isEqualTo(bars.close(299));
      assertThat(known.get("naive").asDouble()).isEqualTo(bars.close(298));
      assertThat(known.get("naiveError").asDouble()).isEqualTo(bars.close(299) - bars.close(298));
      System.out.printf("AR process, v%d over %d bars: %s%n", trained, WINDOW, live);

      // and when: a late quote moves the newest bar's close, after that bar was scored
      double late = bars.close(299) * 1.002;
      producer.send(List.of(new Quote(SYMBOL, bars.minute(299).plusSeconds(45), late, 100, "it")));

      // then: the prediction made at bar 298 is measured again against the new close and the one
      // at bar 299 made again from it; neither counted twice
      Await.until(
          () -> predictions(cql, bars.minute(298)).get(0).getDouble("actual") == late,
          Duration.ofMinutes(2));
      Row at298 = predictions(cql, bars.minute(298)).get(0);
      Await.until(
          () -> predictions(cql, bars.minute(299)).get(0).getDouble("naive") == late,
          Duration.ofMinutes(1));
      // the monitor's row is written after the symbol's predictions (BarScorer): awaited too
      double remeasured = late - at298.getDouble("predicted");
      Await.until(
          () -> monitor(cql).getList("model_errors", Double.class).get(WINDOW - 1) == remeasured,
          Duration.ofMinutes(1));
      Row again = monitor(cql);
      List<Double> modelErrors = again.getList("model_errors", Double.class);
      assertThat(modelErrors).hasSize(WINDOW);
      assertThat(modelErrors.get(WINDOW - 1)).isEqualTo(remeasured);
      assertThat(again.getList("naive_errors", Double.class).get(WINDOW - 1))
          .isEqualTo(late - bars.close(298));
      assertThat(again.getList("model_errors", Double.class).subList(0, WINDOW - 1))
          .isEqualTo(modelErrorsBefore.subList(0, WINDOW - 1));
      assertThat(again.getLong("scored")).isEqualTo(allPredictions(cql).size());
      assertThat(allPredictions(cql)).hasSize(streamedRows);
      bars.replaceClose(299, late);

      // and when: the regime changes to a random walk
      producer.send(bars.quotes(300, 500));

      // then: the trained version is demoted, and the naive forecast serves as a new version, as
      // training falls back when no family beats naive; naive is never demoted, and scores the
      // walk to its end
      Await.until(
          () -> {
            Row m = monitor(cql);
            return !m.isNull("demoted_version") && m.getInt("demoted_version") == trained;
          },
          Duration.ofMinutes(3));
      Await.until(() -> scoredSince(cql, bars.minute(300)) >= 200, Duration.ofMinutes(3));
      List<Row> afterAr = predictions(cql, bars.minute(299));
      List<Integer> versions = afterAr.stream().map(r -> r.getInt("model_version")).toList();
      int naive = trained + 1;
      int firstByNaive = versions.indexOf(naive);
      assertThat(firstByNaive).as("versions after the AR bars: %s", versions).isPositive();
      assertThat(versions.subList(0, firstByNaive)).containsOnly(trained);
      assertThat(versions.subList(firstByNaive, versions.size())).containsOnly(naive);
      assertThat(afterAr.subList(firstByNaive, afterAr.size()))
          .allSatisfy(r -> assertThat(r.getDouble("predicted")).isEqualTo(r.getDouble("naive")));
      assertThat(monitor(cql).getInt("demoted_version")).isEqualTo(trained);
      // the access service reads the pointer again within its model-reload-interval (2 s here)
      Await.until(
          () -> symbolStatus(api.json("/status"), SYMBOL).get("servedModel").asInt() == naive,
          Duration.ofSeconds(60));
      JsonNode status = api.json("/status");
      JsonNode arx = symbolStatus(status, SYMBOL);
      assertThat(arx.get("servedKind").asText()).as(status.toString()).isEqualTo("naive");
      assertThat(arx.get("servedReason").asText())
          .startsWith("naive: version " + trained + " demoted at bar");
      assertThat(arx.get("monitor").get("lastDemotion").get("version").asInt()).isEqualTo(trained);
      assertThat(arx.get("monitor").get("lastDemotion").get("detail").asText())
          .contains("version " + trained + " demoted")
          .contains("version " + naive + " (naive) serves now");
      JsonNode served = api.json("/models/" + SYMBOL);
      assertThat(served.get("served").asInt()).isEqualTo(naive);
      assertThat(served.get("versions").get(0).get("kind").asText()).isEqualTo("naive");
      JsonNode fallback = api.json("/predictions/" + SYMBOL);
      assertThat(fallback.get("modelVersion").asInt()).isEqualTo(naive);
      assertThat(fallback.get("predicted").asDouble())
          .isEqualTo(fallback.get("lastPrice").asDouble());
      assertThat(allPredictions(cql)).hasSize((int) monitor(cql).getLong("scored"));
      System.out.printf("random walk: %s%n", monitor(cql).getString("demotion"));

      // and all the while: the symbol served by a model this version cannot use went unscored,
      // said why in the monitor, /status and /predictions, and never stopped the stream
      assertThat(pipeline.restarts("ingest-streaming"))
          .as("restarts of the streaming job besides the kill")
          .isEqualTo(1);
      Row newer = monitor(cql, NEWER);
      assertThat(newer.getLong("scored")).isZero();
      assertThat(newer.getLong("skipped")).isPositive();
      assertThat(newer.getString("model_problem"))
          .isEqualTo(
              "version 1 is not a model this version can use: unknown model kind"
                  + " 'transformer'");
      assertThat(cql.execute("SELECT symbol FROM predictions").all())
          .extracting(r -> r.getString(0))
          .doesNotContain(NEWER);
      JsonNode newerStatus = symbolStatus(api.json("/status"), NEWER);
      assertThat(newerStatus.get("servedModel").asInt()).isEqualTo(1);
      assertThat(newerStatus.get("modelProblem").asText()).contains("transformer");
      assertThat(api.json("/status").get("verdict").asText()).isEqualTo("degraded");
      assertThat(api.json("/models/" + NEWER).get("monitor").get("modelProblem").asText())
          .contains("transformer");
      assertThatThrownBy(() -> api.json("/predictions/" + NEWER))
          .hasMessageContaining("503")
          .hasMessageContaining("unservable_model")
          .hasMessageContaining("unknown model kind 'transformer'");
    }
  }

  private static void train(Pipeline pipeline) throws InterruptedException {
    try (ModuleProcess training = pipeline.train()) {
      OptionalInt exit = training.awaitExit(Duration.ofMinutes(4));
      assertThat(exit).as("training exit, log %s", training.logFile()).hasValue(0);
    }
  }

  /** The newest batch id of a checkpoint's offsets or commits folder; -1 when none. */
  private static long newestBatch(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.matches("\\d+"))
          .mapToLong(Long::parseLong)
          .max()
          .orElse(-1);
    } catch (IOException e) {
      return -1;
    }
  }

  private static long barCount(CqlSession cql) {
    return cql.execute("SELECT symbol FROM bars_1m").all().stream()
        .filter(r -> r.getString(0).equals(SYMBOL))
        .count();
  }

  private static long scoredSince(CqlSession cql, Instant from) {
    return predictions(cql, from).size();
  }

  /** The streamed predictions as of {@code from} or later, oldest first. */
  private static List<Row> predictions(CqlSession cql, Instant from) {
    return allPredictions(cql).stream()
        .filter(r -> !r.getInstant("ts").isBefore(from))
        .collect(Collectors.toList());
  }

  private static List<Row> allPredictions(CqlSession cql) {
    List<Row> rows =
        new ArrayList<>(
            cql.execute(
                    "SELECT symbol, ts, target_ts, predicted, model_version, naive, actual,"
                        + " naive_error FROM predictions")
                .all());
    rows.removeIf(r -> !r.getString("symbol").equals(SYMBOL));
    rows.sort((a, b) -> a.getInstant("ts").compareTo(b.getInstant("ts")));
    return rows;
  }

  private static Row monitor(CqlSession cql) {
    return monitor(cql, SYMBOL);
  }

  private static Row monitor(CqlSession cql, String symbol) {
    return cql.execute("SELECT * FROM prediction_monitor WHERE symbol = ?", symbol).one();
  }

  private static JsonNode symbolStatus(JsonNode status, String symbol) {
    for (JsonNode s : status.get("symbols")) {
      if (s.get("symbol").asText().equals(symbol)) {
        return s;
      }
    }
    throw new AssertionError(symbol + " is not in " + status);
  }

  /**
   * Version 1 of {@link #NEWER}, promoted and served: a kind this version does not evaluate, with a
   * field it does not know, as a newer training job would write them.
   */
  private static void servedByANewerTrainingJob(CqlSession cql, Instant trainedAt) {
    cql.execute(
        "INSERT INTO models (symbol, version, kind, model, features, metrics, trained_at,"
            + " train_from, train_to, rows, promoted) VALUES (?, 1, ?, ?, ?, {}, ?, ?, ?, 100,"
            + " true)",
        NEWER,
        "transformer",
        "{\"kind\":\"transformer\",\"target\":\"next_log_return\",\"layers\":[]}",
        List.of("ret_1"),
        trainedAt,
        trainedAt,
        trainedAt);
    cql.execute(
        "INSERT INTO served_models (symbol, version, promoted_at) VALUES (?, 1, ?)",
        NEWER,
        trainedAt);
  }

  /** A series of bars, one quote each at the minute's 30th second. */
  private static final class Bars {
    private final Instant start;
    private final List<Double> closes = new ArrayList<>();

    Bars(Instant start) {
      this.start = start;
    }

    void add(double[] returns) {
      double price = closes.isEmpty() ? 100 : closes.get(closes.size() - 1);
      for (double r : returns) {
        price *= Math.exp(r);
        closes.add(price);
      }
    }

    Instant minute(int i) {
      return start.plus(Duration.ofMinutes(i));
    }

    List<Instant> minutes(int from, int to) {
      List<Instant> minutes = new ArrayList<>();
      for (int i = from; i < to; i++) {
        minutes.add(minute(i));
      }
      return minutes;
    }

    double close(int i) {
      return closes.get(i);
    }

    /** A bar whose close a late quote moved. */
    void replaceClose(int i, double close) {
      closes.set(i, close);
    }

    List<Quote> quotes(int from, int to) {
      return quotes(SYMBOL, from, to);
    }

    List<Quote> quotes(String symbol, int from, int to) {
      List<Quote> quotes = new ArrayList<>();
      for (int i = from; i < to; i++) {
        quotes.add(new Quote(symbol, minute(i).plusSeconds(30), closes.get(i), 100, "it"));
      }
      return quotes;
    }
  }

  /** Quotes into the test's topic, keyed on the symbol, acknowledged by the broker. */
  private record Producer(String bootstrapServers, String topic) {
    void send(List<Quote> quotes) {
      Properties properties = new Properties();
      properties.put("bootstrap.servers", bootstrapServers);
      properties.put("enable.idempotence", "true");
      properties.put("acks", "all");
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (Quote quote : quotes) {
          producer.send(
              new ProducerRecord<>(
                  topic,
                  quote.symbol().getBytes(StandardCharsets.UTF_8),
                  QuoteCodec.encode(quote)));
        }
        producer.flush();
      }
    }
  }
}
