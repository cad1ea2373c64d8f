package io.smack.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
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

  private static final ObjectMapper JSON = new ObjectMapper();

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
    // and SPIK: daily returns of 1 % noise, and every 60 days a 10 % jump undone the next day
    Random noise = new Random(6);
    double price = 100;
    for (int t = 0; t < 500; t++) {
      if (t > 0) {
        double change = noise.nextGaussian() * 0.01;
        change += t % 60 == 0 ? 0.1 : t % 60 == 1 ? -0.1 : 0;
        price *= Math.exp(change);
      }
      insert("SPIK", LocalDate.of(2001, 1, 1).plusDays(t), price);
    }
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void should_serve_per_symbol_the_family_walk_forward_chose_version_it_again_and_roll_back()
      throws IOException {
    // when
    int first = TrainingMain.run(new String[0], settings(keyspace, Map.of()), spark);

    // then: every symbol has version 1, served, with its walk-forward table and the reason
    assertThat(first).isEqualTo(TrainingMain.DONE);
    Map<String, List<Row>> models = models();
    assertThat(models.keySet())
        .containsExactlyInAnyOrder("AAPL", "AMZN", "GOOG", "IBM", "MSFT", "SPIK", "TINY");
    Map<String, String> servedKinds = new TreeMap<>();
    Set<String> digests = new HashSet<>();
    for (List<Row> versions : models.values()) {
      assertThat(versions).hasSize(1);
      Row v1 = versions.get(0);
      String symbol = v1.getString("symbol");
      servedKinds.put(symbol, v1.getString("kind"));
      assertThat(v1.getInt("version")).isEqualTo(1);
      assertThat(v1.getBoolean("promoted")).isTrue();
      assertThat(served().get(symbol)).isEqualTo(1);
      assertThat(v1.getList("features", String.class)).isEqualTo(ForecastFeatures.NAMES);
      assertThat(PortableModel.fromJson(v1.getString("model")).kind())
          .isEqualTo(v1.getString("kind"));
      assertThat(v1.getString("reason")).startsWith(v1.getString("kind") + ": ");
      if (symbol.equals("TINY")) {
        continue;
      }
      JsonNode evaluation = JSON.readTree(v1.getString("evaluation"));
      assertThat(evaluation.get("served").asText()).isEqualTo(v1.getString("kind"));
      assertThat(evaluation.get("families").findValuesAsText("family"))
          .containsExactly(
              "linear_regression", "gradient_boosted_trees", "random_forest", "drift", "naive");
      // the rule: a learned family serves only when it beats naive by the margin in both
      Map<String, Double> metrics = v1.getMap("metrics", String.class, Double.class);
      if (!v1.getString("kind").equals("naive")) {
        assertThat(metrics.get("rmse")).isLessThan(metrics.get("baseline_rmse") * 0.995);
        assertThat(metrics.get("mae")).isLessThan(metrics.get("baseline_mae") * 0.995);
      }
      // and the table's naive and drift rows are what the folds give, worked out here
      assertWalkForwardByHand(symbol, evaluation, metrics);
      // and what it was made from
      JsonNode lineage = JSON.readTree(v1.getString("lineage"));
      assertThat(lineage.at("/data/table").asText()).isEqualTo("quotes_by_day");
      assertThat(lineage.at("/data/symbols").get(0).asText()).isEqualTo(symbol);
      assertThat(lineage.at("/data/rows").asLong()).isEqualTo(v1.getLong("rows"));
      assertThat(lineage.at("/data/to").asText()).isEqualTo(v1.getInstant("train_to").toString());
      assertThat(lineage.at("/code/commit").asText()).matches("[0-9a-f]{7,40}(-dirty)?");
      assertThat(lineage.at("/code/spark").asText()).isEqualTo(spark.version());
      assertThat(lineage.at("/config/values/margin").asDouble()).isEqualTo(0.005);
      digests.add(lineage.at("/config/digest").asText());
    }
    assertThat(models.get("TINY").get(0).getString("reason"))
        .isEqualTo(
            "naive: 9 labelled rows, too few for one walk-forward fold of at least 40 training"
                + " rows");
    System.out.println("served on stocks.csv: " + servedKinds);

    // when: trained again (drift alone, for speed), then AAPL rolled back to version 1
    int second =
        TrainingMain.run(
            new String[0], settings(keyspace, Map.of("TRAINING_FAMILIES", "drift")), spark);
    int rollback =
        TrainingMain.run(
            new String[] {"promote", "AAPL", "1"}, settings(keyspace, Map.of()), spark);
    int unknown =
        TrainingMain.run(
            new String[] {"promote", "AAPL", "9"}, settings(keyspace, Map.of()), spark);

    // then: version 2 of each symbol serves, but AAPL's version 1
    assertThat(List.of(second, rollback, unknown))
        .containsExactly(TrainingMain.DONE, TrainingMain.DONE, TrainingMain.FAILED);
    Map<String, List<Row>> after = models();
    assertThat(after.get("MSFT")).extracting(r -> r.getInt("version")).containsExactly(2, 1);
    assertThat(after.get("MSFT").get(0).getBoolean("promoted")).isTrue();
    assertThat(after.get("AAPL"))
        .extracting(r -> r.getInt("version") + ":" + r.getBoolean("promoted"))
        .containsExactly("2:false", "1:true");
    assertThat(served()).containsEntry("MSFT", 2).containsEntry("AAPL", 1).hasSize(7);
    // one configuration for the first run, another (drift alone) for the second
    assertThat(digests).hasSize(1);
    assertThat(
            JSON.readTree(after.get("MSFT").get(0).getString("lineage"))
                .at("/config/digest")
                .asText())
        .isNotIn(digests);
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

  /**
   * Works out, from the symbol's rows in time order and the stored folds, the next-price errors of
   * naive (next = last) and of drift (the mean log return of the fold's training rows, 1 to
   * trainTo), pooled over every fold's block, and holds the stored table and metrics to them.
   */
  private static void assertWalkForwardByHand(
      String symbol, JsonNode evaluation, Map<String, Double> metrics) {
    List<org.apache.spark.sql.Row> rows =
        SeriesFeatures.of(
                TrainingJob.series(
                    spark, settings(keyspace, Map.of("TRAINING_SYMBOLS", symbol)), Instant.now()))
            .where(org.apache.spark.sql.functions.col(SeriesFeatures.LABEL).isNotNull())
            .orderBy("ts")
            .collectAsList();
    double[] naive = new double[2];
    double[] drift = new double[2];
    int scored = 0;
    for (JsonNode fold : evaluation.get("folds")) {
      int trainTo = fold.get("trainTo").asInt(); // rows numbered from 1
      double mean = 0;
      for (org.apache.spark.sql.Row row : rows.subList(0, trainTo)) {
        mean += row.getDouble(row.fieldIndex(SeriesFeatures.LABEL)) / trainTo;
      }
      for (org.apache.spark.sql.Row row :
          rows.subList(fold.get("testFrom").asInt() - 1, fold.get("testTo").asInt())) {
        double price = row.getDouble(row.fieldIndex("price"));
        double next = row.getDouble(row.fieldIndex("next_price"));
        add(naive, price - next);
        add(drift, price * Math.exp(mean) - next);
        scored++;
      }
    }
    JsonNode families = evaluation.get("families");
    assertThat(metrics.get("scored_rows")).isEqualTo(scored);
    assertThat(metrics.get("baseline_rmse"))
        .isCloseTo(Math.sqrt(naive[0] / scored), withinPercentage(1e-9));
    assertThat(metrics.get("baseline_mae")).isCloseTo(naive[1] / scored, withinPercentage(1e-9));
    assertThat(families.get(3).get("rmse").asDouble())
        .isCloseTo(Math.sqrt(drift[0] / scored), withinPercentage(1e-6));
    assertThat(families.get(3).get("mae").asDouble())
        .isCloseTo(drift[1] / scored, withinPercentage(1e-6));
  }

  private static void add(double[] sums, double error) {
    sums[0] += error * error;
    sums[1] += Math.abs(error);
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
