package io.smack.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.CqlSchema;
import io.smack.common.Settings;
import io.smack.common.Tables;
import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.PortableModel;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The training job on the real node: the real monthly prices of vega-datasets' stocks.csv written
 * to {@code quotes_by_day}, a model per symbol, versions, rollback, and the cases that train
 * nothing.
 */
@ExtendWith(LocalStackExtension.class)
class TrainingIT {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("MMM d yyyy", Locale.ENGLISH);

  private static StackAddresses stack;
  private static SparkSession spark;
  private static String keyspace;
  private static CassandraConnector cassandra;

  @BeforeAll
  static void start(StackAddresses addresses) throws IOException {
    stack = addresses;
    keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    TrainingSettings settings = settings(keyspace, Map.of());
    spark = SparkSession.builder().config(TrainingMain.sparkConf(settings)).getOrCreate();
    cassandra = CassandraConnector.apply(TrainingMain.sparkConf(settings));
    cassandra.withSessionDo(
        session -> {
          CqlSchema.apply(session, keyspace, settings.cassandra().replication());
          return null;
        });
    // the five symbols of stocks.csv (GOOG has 68 months, the others 123), and one of 30 prices
    List<String> lines = Files.readAllLines(Path.of("target", "vega-datasets", "stocks.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split(",");
      insert(fields[0], LocalDate.parse(fields[1], DATE), Double.parseDouble(fields[2]));
    }
    for (int i = 0; i < 30; i++) {
      insert("TINY", LocalDate.of(2005, 1, 1).plusMonths(i), 10 + i);
    }
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void should_train_a_model_per_symbol_version_it_again_and_roll_back() {
    // when
    int first = TrainingMain.run(new String[0], settings(keyspace, Map.of()), spark);

    // then: one stored, measured model per symbol with enough data; TINY skipped
    assertThat(first).isEqualTo(TrainingMain.DONE);
    Map<String, List<Row>> models = models();
    assertThat(models.keySet()).containsExactlyInAnyOrder("AAPL", "AMZN", "GOOG", "IBM", "MSFT");
    for (List<Row> versions : models.values()) {
      assertThat(versions).hasSize(1);
      Row v1 = versions.get(0);
      assertThat(v1.getInt("version")).isEqualTo(1);
      assertThat(v1.getMap("metrics", String.class, Double.class))
          .containsKeys("rmse", "mae", "baseline_rmse", "baseline_mae", "improvement");
      assertThat(v1.getList("features", String.class)).isEqualTo(ForecastFeatures.NAMES);
      boolean beats =
          v1.getMap("metrics", String.class, Double.class).get("rmse")
              < v1.getMap("metrics", String.class, Double.class).get("baseline_rmse");
      assertThat(v1.getBoolean("promoted")).isEqualTo(beats);
      // the pointer the access service reads names the version exactly when it is promoted
      assertThat(served().get(v1.getString("symbol"))).isEqualTo(beats ? 1 : null);
    }
    // and the stored model is Spark's, and predicts what Spark predicts on the held-out rows
    PortableModel stored = PortableModel.fromJson(models.get("AAPL").get(0).getString("model"));
    Trainer.Trained again =
        Trainer.train(
            SeriesFeatures.of(
                TrainingJob.series(
                    spark, settings(keyspace, Map.of("TRAINING_SYMBOLS", "AAPL")), Instant.now())),
            new Trainer.Options(0.2, 0.0));
    for (int f = 0; f < ForecastFeatures.NAMES.size(); f++) {
      assertThat(stored.coefficients().get(f))
          .isCloseTo(
              again.model().coefficients().get(f),
              within(1e-9 * Math.abs(again.model().coefficients().get(f)) + 1e-15));
    }
    List<org.apache.spark.sql.Row> test = again.test().collectAsList();
    assertThat(test).hasSizeGreaterThan(15);
    for (org.apache.spark.sql.Row row : test) {
      double[] features = new double[ForecastFeatures.NAMES.size()];
      for (int f = 0; f < features.length; f++) {
        features[f] = row.getDouble(row.fieldIndex(ForecastFeatures.NAMES.get(f)));
      }
      double prediction = row.getDouble(row.fieldIndex("prediction"));
      assertThat(stored.predict(features))
          .isCloseTo(prediction, within(Math.abs(prediction) * 1e-9));
    }

    // when: trained again, then AAPL rolled back to version 1
    int second =
        TrainingMain.run(
            new String[0], settings(keyspace, Map.of("TRAINING_PROMOTE_WORSE", "true")), spark);
    int rollback =
        TrainingMain.run(
            new String[] {"promote", "AAPL", "1"}, settings(keyspace, Map.of()), spark);
    int unknown =
        TrainingMain.run(
            new String[] {"promote", "AAPL", "9"}, settings(keyspace, Map.of()), spark);

    // then: version 2 of each symbol (served, promoted by configuration), AAPL back on version 1
    assertThat(List.of(second, rollback, unknown))
        .containsExactly(TrainingMain.DONE, TrainingMain.DONE, TrainingMain.FAILED);
    Map<String, List<Row>> after = models();
    assertThat(after.get("MSFT")).extracting(r -> r.getInt("version")).containsExactly(2, 1);
    assertThat(after.get("MSFT").get(0).getBoolean("promoted")).isTrue();
    assertThat(after.get("AAPL"))
        .extracting(r -> r.getInt("version") + ":" + r.getBoolean("promoted"))
        .containsExactly("2:false", "1:true");
    assertThat(served()).containsEntry("MSFT", 2).containsEntry("AAPL", 1).hasSize(5);
  }

  @Test
  void should_train_nothing_and_end_well_on_an_empty_keyspace() {
    // given
    String empty = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    // when
    int exit = TrainingMain.run(new String[0], settings(empty, Map.of()), spark);

    // then
    assertThat(exit).isEqualTo(TrainingMain.DONE);
    List<Row> models =
        cassandra.withSessionDo(s -> s.execute("SELECT * FROM " + empty + ".models").all());
    assertThat(models).isEmpty();
  }

  @Test
  void should_end_with_the_retry_code_when_cassandra_is_unreachable() throws IOException {
    // given: a port nothing listens on
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }

    // when
    int exit =
        TrainingMain.run(
            new String[0],
            settings(keyspace, Map.of("CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + closed)),
            spark);

    // then
    assertThat(exit).isEqualTo(TrainingMain.UNREACHABLE);
  }

  private static TrainingSettings settings(String keyspace, Map<String, String> more) {
    Map<String, String> env = new HashMap<>();
    env.put("CASSANDRA_CONTACT_POINTS", stack.cassandraHost() + ":" + stack.cassandraPort());
    env.put("CASSANDRA_LOCAL_DC", stack.cassandraDatacenter());
    env.put("CASSANDRA_KEYSPACE", keyspace);
    env.put("SPARK_MASTER", "local[2]");
    // these tests write quotes alone; the bars series is trained in ScoringIT and PipelineIT
    env.put("TRAINING_SERIES", "quotes");
    env.putAll(more);
    return TrainingSettings.from(Settings.load(env));
  }

  private static void insert(String symbol, LocalDate day, double price) {
    cassandra.withSessionDo(
        session ->
            session.execute(
                SimpleStatement.newInstance(
                    "INSERT INTO "
                        + keyspace
                        + ".quotes_by_day (symbol, day, ts, price, volume, source)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                    symbol,
                    day,
                    day.atStartOfDay(ZoneOffset.UTC).toInstant(),
                    price,
                    0L,
                    "vega-datasets")));
  }

  /** The served_models pointers: symbol → version. */
  private static Map<String, Integer> served() {
    return cassandra
        .withSessionDo(
            session ->
                session.execute("SELECT * FROM " + keyspace + "." + Tables.SERVED_MODELS).all())
        .stream()
        .collect(Collectors.toMap(r -> r.getString("symbol"), r -> r.getInt("version")));
  }

  private static Map<String, List<Row>> models() {
    return cassandra
        .withSessionDo(
            session -> session.execute("SELECT * FROM " + keyspace + "." + Tables.MODELS).all())
        .stream()
        .collect(Collectors.groupingBy(r -> r.getString("symbol")));
  }
}
