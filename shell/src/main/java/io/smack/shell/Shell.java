package io.smack.shell;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.log;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import io.smack.common.CassandraSettings;
import io.smack.common.KafkaSettings;
import io.smack.common.Settings;
import io.smack.common.Tables;
import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.PortableModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.stat.Correlation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What {@code bin/smack shell} gives a jshell session on the live data: a Spark session with the
 * keyspace's tables as temporary views ({@link #spark()}), a CQL session ({@link #cql()}), and the
 * helpers a user would write first (imported statically by the shell's start-up script; {@link
 * #help()} lists them). Settings as every part reads them ({@code smack.cassandra}, {@code
 * smack.kafka}, {@code smack.shell}); {@code bin/smack shell} sets the running local stack's
 * addresses when the environment names none.
 */
public final class Shell {

  /** How long a server may take to answer the start-up's check before the shell says so. */
  private static final Duration REACH = Duration.ofSeconds(5);

  private static ShellSettings settings;
  private static SparkSession spark;
  private static CqlSession cql;

  private Shell() {}

  /**
   * Connects once: checks that Kafka and Cassandra answer (saying so when one does not; the shell
   * starts either way), starts Spark and registers the tables. Prints what is there.
   */
  public static synchronized void start() {
    if (spark != null) {
      return;
    }
    Instant started = Instant.now();
    Config config = Settings.load();
    settings = ShellSettings.from(config);
    CassandraSettings cassandra = settings.cassandra();
    KafkaSettings kafka = KafkaSettings.from(config);
    Optional<String> kafkaDown = reach(() -> kafka.checkLogin(REACH));
    Optional<String> cassandraDown = reach(() -> cassandra.checkLogin(REACH));
    boolean keyspace = false;
    if (cassandraDown.isEmpty()) {
      cql = cassandra.sessionBuilder().build();
      keyspace = cql.getMetadata().getKeyspace(cassandra.keyspace()).isPresent();
    }
    SparkConf conf =
        new SparkConf()
            .setAppName("smack-shell")
            .setMaster(settings.master())
            .set("spark.sql.session.timeZone", "UTC")
            .set("spark.sql.shuffle.partitions", "2")
            .set("spark.ui.enabled", "false")
            .set("spark.cassandra.connection.timeoutMS", "5000");
    cassandra.sparkConnectorSettings().forEach(conf::set);
    spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    List<String> views = new ArrayList<>();
    if (keyspace) {
      for (String table : Tables.ALL) {
        table(table).createOrReplaceTempView(table);
        views.add(table);
      }
    }
    banner(
        kafka, kafkaDown, cassandraDown, keyspace, views, Duration.between(started, Instant.now()));
  }

  private static Optional<String> reach(java.util.function.Supplier<Optional<String>> check) {
    try {
      return check.get();
    } catch (RuntimeException e) { // refused credentials or TLS, named by the check
      return Optional.of(e.getMessage());
    }
  }

  private static void banner(
      KafkaSettings kafka,
      Optional<String> kafkaDown,
      Optional<String> cassandraDown,
      boolean keyspace,
      List<String> views,
      Duration took) {
    CassandraSettings cassandra = settings.cassandra();
    System.out.println("smack shell: Spark " + spark.version() + " (" + settings.master() + ")");
    System.out.println(
        cassandraDown
            .map(
                why ->
                    "  Cassandra at "
                        + addresses(cassandra)
                        + " DOES NOT ANSWER ("
                        + why
                        + "): cql is null, and spark and the helpers cannot read the tables"
                        + " until it runs; start it (bin/smack up) and the shell again")
            .orElse(
                keyspace
                    ? "  Cassandra "
                        + addresses(cassandra)
                        + ", keyspace "
                        + cassandra.keyspace()
                        + ": cql, and spark.sql views "
                        + String.join(", ", views)
                    : "  Cassandra "
                        + addresses(cassandra)
                        + ": cql; the keyspace "
                        + cassandra.keyspace()
                        + " does not exist yet (nothing stored): no views (CASSANDRA_KEYSPACE?)"));
    System.out.println(
        kafkaDown
            .map(why -> "  Kafka at " + kafka.bootstrapServers() + " DOES NOT ANSWER (" + why + ")")
            .orElse("  Kafka " + kafka.bootstrapServers() + ", topic " + kafka.quotesTopic()));
    System.out.println(
        "  helpers: quotes, bars, returns, summary, correlation, model, predict, chart;"
            + " help() says more");
    System.out.printf("  ready in %.1f s%n", took.toMillis() / 1000.0);
  }

  private static String addresses(CassandraSettings cassandra) {
    return String.join(
        ",",
        cassandra.contactPoints().stream()
            .map(a -> a.getHostString() + ":" + a.getPort())
            .toList());
  }

  /** The Spark session: UTC, the Cassandra connector configured, the tables as views. */
  public static SparkSession spark() {
    start();
    return spark;
  }

  /**
   * The CQL session (tables named with their keyspace: {@code cql.execute("SELECT * FROM
   * smack.models")}), or null when Cassandra did not answer at start-up.
   */
  public static CqlSession cql() {
    start();
    return cql;
  }

  /** What each helper does. */
  public static void help() {
    System.out.println(
        """
        spark, cql                       Spark (tables as views: spark.sql("select ...").show()) and CQL
        quotes(symbol[, from, to])       the symbol's quotes (ts, price, volume), oldest first
        bars(symbol[, from, to])         its one-minute bars (minute, open, high, low, close, ...)
                                         from/to: 2008-01-01 or 2008-01-01T12:00:00Z, [from, to)
        returns(series)                  the series with its log return, ret = ln(p / previous p)
        features(symbol)                 the features the model sees at each price of the
                                         prediction series (ret_1..ret_5, ma_10_gap, ma_20_gap,
                                         vol_20), from the 21 prices ending at it
        summary(symbol)                  count, first and last, mean and stddev of its returns
        correlation(symbols...)          the correlation matrix of their returns, bar by bar
        model(symbol)                    the served model: version, family, metrics, why it serves
        predict(symbol)                  the next price by the served model, from the newest prices
        chart(path, symbols...)          their closes as an SVG line chart in path; returns path
        """);
  }

  /** A table of the keyspace as a Dataset, read through the connector. */
  public static Dataset<Row> table(String name) {
    return spark()
        .read()
        .format("org.apache.spark.sql.cassandra")
        .option("keyspace", settings.cassandra().keyspace())
        .option("table", name)
        .load();
  }

  /** Every quote of {@code symbol}: symbol, ts, price, volume, oldest first. */
  public static Dataset<Row> quotes(String symbol) {
    return quotes(symbol, null, null);
  }

  /** The quotes of {@code symbol} in [from, to): a date ({@code 2008-01-01}) or an instant. */
  public static Dataset<Row> quotes(String symbol, String from, String to) {
    return byDay(Tables.QUOTES_BY_DAY, "ts", symbol, from, to)
        .select("symbol", "ts", "price", "volume")
        .orderBy("ts");
  }

  /** The one-minute bars of {@code symbol}, oldest first. */
  public static Dataset<Row> bars(String symbol) {
    return bars(symbol, null, null);
  }

  /** The one-minute bars of {@code symbol} in [from, to), oldest first. */
  public static Dataset<Row> bars(String symbol, String from, String to) {
    return byDay(Tables.BARS_1M, "minute", symbol, from, to)
        .select("symbol", "minute", "open", "high", "low", "close", "volume", "quotes")
        .orderBy("minute");
  }

  /**
   * A day-bucketed table's rows of one symbol, read by partition key: the days come from {@code
   * quote_days}, so the connector reads those partitions and nothing else.
   */
  private static Dataset<Row> byDay(
      String table, String time, String symbol, String from, String to) {
    Instant start = from == null ? Instant.EPOCH : instant(from);
    Instant end = to == null ? Instant.parse("9999-12-31T00:00:00Z") : instant(to);
    List<Object> days = new ArrayList<>();
    for (com.datastax.oss.driver.api.core.cql.Row day :
        requireCql()
            .execute(
                "SELECT day FROM " + qualified(Tables.QUOTE_DAYS) + " WHERE symbol = ?", symbol)) {
      LocalDate date = day.getLocalDate(0);
      if (!date.isBefore(LocalDate.ofInstant(start, ZoneOffset.UTC))
          && date.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(end)) {
        days.add(java.sql.Date.valueOf(date));
      }
    }
    Dataset<Row> rows = table(table).where(col("symbol").equalTo(symbol));
    if (days.isEmpty()) {
      return rows.where("false");
    }
    return rows.where(col("day").isin(days.toArray()))
        .where(col(time).geq(java.sql.Timestamp.from(start)))
        .where(col(time).lt(java.sql.Timestamp.from(end)));
  }

  /**
   * {@code series} (quotes or bars, of one symbol or several) with {@code ret}, the log return of
   * each price over the previous one of its symbol (null for the first).
   */
  public static Dataset<Row> returns(Dataset<Row> series) {
    String time = Arrays.asList(series.columns()).contains("minute") ? "minute" : "ts";
    String price = Arrays.asList(series.columns()).contains("close") ? "close" : "price";
    WindowSpec bySymbol = Window.partitionBy("symbol").orderBy(time);
    return series.withColumn("ret", log(col(price).divide(lag(col(price), 1).over(bySymbol))));
  }

  /** What a first look at a symbol's quotes tells. */
  public record Summary(
      String symbol,
      long count,
      Instant firstTs,
      double firstPrice,
      Instant lastTs,
      double lastPrice,
      double meanReturn,
      double stddevReturn) {

    @Override
    public String toString() {
      return String.format(
          "%s: %d quotes, %s %.4f .. %s %.4f; log returns mean %.3g, stddev %.3g",
          symbol, count, firstTs, firstPrice, lastTs, lastPrice, meanReturn, stddevReturn);
    }
  }

  /** Count, first and last quote, mean and sample standard deviation of the log returns. */
  public static Summary summary(String symbol) {
    Dataset<Row> series = returns(quotes(symbol)).cache();
    try {
      List<Row> ends =
          series
              .orderBy("ts")
              .limit(1)
              .union(series.orderBy(col("ts").desc()).limit(1))
              .collectAsList();
      if (ends.isEmpty()) {
        throw new IllegalArgumentException("no quotes of " + symbol);
      }
      Row stats =
          series
              .agg(
                  org.apache.spark.sql.functions.count("*"),
                  org.apache.spark.sql.functions.avg("ret"),
                  org.apache.spark.sql.functions.stddev_samp("ret"))
              .first();
      return new Summary(
          symbol,
          stats.getLong(0),
          ends.get(0).<java.sql.Timestamp>getAs("ts").toInstant(),
          ends.get(0).<Double>getAs("price"),
          ends.get(ends.size() - 1).<java.sql.Timestamp>getAs("ts").toInstant(),
          ends.get(ends.size() - 1).<Double>getAs("price"),
          stats.isNullAt(1) ? Double.NaN : stats.getDouble(1),
          stats.isNullAt(2) ? Double.NaN : stats.getDouble(2));
    } finally {
      series.unpersist();
    }
  }

  /**
   * A correlation matrix of log returns.
   *
   * @param periods how many periods (bars) every symbol had a return in: the sample
   */
  public record Correlations(List<String> symbols, double[][] matrix, long periods) {

    /** The correlation of {@code a}'s returns with {@code b}'s. */
    public double of(String a, String b) {
      return matrix[symbols.indexOf(a)][symbols.indexOf(b)];
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(String.format("%-8s", ""));
      symbols.forEach(s -> text.append(String.format("%9s", s)));
      for (int i = 0; i < symbols.size(); i++) {
        text.append(String.format("%n%-8s", symbols.get(i)));
        for (int j = 0; j < symbols.size(); j++) {
          text.append(String.format("%9.4f", matrix[i][j]));
        }
      }
      return text.append(String.format("%n(%d periods)", periods)).toString();
    }
  }

  /**
   * Pearson correlations of the symbols' log returns, bar by bar: each symbol's one-minute closes
   * (for a daily or monthly series, one bar per row), its returns from bar to bar, the periods in
   * which every symbol has one, then Spark MLlib's {@link Correlation}.
   */
  public static Correlations correlation(String... symbols) {
    if (symbols.length < 2) {
      throw new IllegalArgumentException("correlation needs two symbols or more");
    }
    Dataset<Row> all = null;
    for (String symbol : symbols) {
      Dataset<Row> bars = returns(bars(symbol)).select("symbol", "minute", "ret");
      all = all == null ? bars : all.unionByName(bars);
    }
    Dataset<Row> wide =
        all.groupBy("minute")
            .pivot("symbol", Arrays.asList((Object[]) symbols))
            .agg(first("ret"))
            .na()
            .drop();
    Dataset<Row> vectors =
        new VectorAssembler().setInputCols(symbols).setOutputCol("returns").transform(wide).cache();
    try {
      long periods = vectors.count();
      if (periods < 2) {
        throw new IllegalArgumentException(
            "fewer than two periods with a return of every one of " + List.of(symbols));
      }
      Matrix matrix = Correlation.corr(vectors, "returns").first().getAs(0);
      double[][] values = new double[symbols.length][symbols.length];
      for (int i = 0; i < symbols.length; i++) {
        for (int j = 0; j < symbols.length; j++) {
          values[i][j] = matrix.apply(i, j);
        }
      }
      return new Correlations(List.of(symbols), values, periods);
    } finally {
      vectors.unpersist();
    }
  }

  /** The served model of a symbol: its version, the model, its training figures and why. */
  public record ServedModel(
      String symbol,
      int version,
      PortableModel model,
      Map<String, Double> metrics,
      Instant trainedAt,
      String reason) {

    @Override
    public String toString() {
      return String.format(
          "%s v%d, %s of %s, trained %s: walk-forward rmse %.6g (naive %.6g), mae %.6g (naive"
              + " %.6g); %s; model() has its parameters",
          symbol,
          version,
          model.kind(),
          model.features(),
          trainedAt,
          metrics.getOrDefault("rmse", Double.NaN),
          metrics.getOrDefault("baseline_rmse", Double.NaN),
          metrics.getOrDefault("mae", Double.NaN),
          metrics.getOrDefault("baseline_mae", Double.NaN),
          reason);
    }
  }

  /** The model {@code served_models} points at for {@code symbol}. */
  public static ServedModel model(String symbol) {
    com.datastax.oss.driver.api.core.cql.Row served =
        requireCql()
            .execute(
                "SELECT version FROM " + qualified(Tables.SERVED_MODELS) + " WHERE symbol = ?",
                symbol)
            .one();
    if (served == null) {
      throw new IllegalArgumentException("no served model of " + symbol + " (train one first)");
    }
    int version = served.getInt(0);
    com.datastax.oss.driver.api.core.cql.Row row =
        requireCql()
            .execute(
                "SELECT model, metrics, trained_at, reason FROM "
                    + qualified(Tables.MODELS)
                    + " WHERE symbol = ? AND version = ?",
                symbol,
                version)
            .one();
    if (row == null) {
      throw new IllegalStateException(symbol + " serves version " + version + ", which is gone");
    }
    return new ServedModel(
        symbol,
        version,
        PortableModel.fromJson(row.getString(0)),
        row.getMap(1, String.class, Double.class),
        row.getInstant(2),
        row.getString(3));
  }

  /**
   * The features the model sees at each price of {@code symbol}'s prediction series ({@code
   * smack.shell.prediction-series}), oldest first: symbol, the time, the price and a column per
   * feature, each from the {@link ForecastFeatures#PRICES_NEEDED} prices ending at it, by the code
   * the training job, the streaming job and the access service's {@code /features} use. The first
   * 20 prices have none and are left out.
   */
  public static Dataset<Row> features(String symbol) {
    boolean bars = settings.predictionSeries().equals("bars");
    String time = bars ? "minute" : "ts";
    String price = bars ? "close" : "price";
    List<Row> series = (bars ? bars(symbol) : quotes(symbol)).select(time, price).collectAsList();
    double[] prices = series.stream().mapToDouble(r -> r.getDouble(1)).toArray();
    StructType schema =
        new StructType()
            .add("symbol", DataTypes.StringType)
            .add(time, DataTypes.TimestampType)
            .add(price, DataTypes.DoubleType);
    for (String name : ForecastFeatures.NAMES) {
      schema = schema.add(name, DataTypes.DoubleType);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = ForecastFeatures.PRICES_NEEDED - 1; i < prices.length; i++) {
      double[] x =
          ForecastFeatures.of(
              Arrays.copyOfRange(prices, i - ForecastFeatures.PRICES_NEEDED + 1, i + 1));
      Object[] values = new Object[3 + x.length];
      values[0] = symbol;
      values[1] = series.get(i).get(0);
      values[2] = prices[i];
      for (int f = 0; f < x.length; f++) {
        values[3 + f] = x[f];
      }
      rows.add(RowFactory.create(values));
    }
    return spark().createDataFrame(rows, schema);
  }

  /** A prediction of the served model from the newest prices. */
  public record Prediction(
      String symbol,
      int version,
      Instant asOf,
      double lastPrice,
      double predictedReturn,
      double predicted) {

    @Override
    public String toString() {
      return String.format(
          "%s after %s: %.6g (last %.6g, log return %+.3g), by model v%d",
          symbol, asOf, predicted, lastPrice, predictedReturn, version);
    }
  }

  /**
   * The next price of {@code symbol} by its served model, from the newest {@link
   * ForecastFeatures#PRICES_NEEDED} prices of the series it is served on ({@code
   * smack.shell.prediction-series}), as the access service computes it.
   */
  public static Prediction predict(String symbol) {
    ServedModel served = model(symbol);
    boolean bars = settings.predictionSeries().equals("bars");
    Dataset<Row> series = bars ? bars(symbol) : quotes(symbol);
    String time = bars ? "minute" : "ts";
    List<Row> newest =
        new ArrayList<>(
            series.orderBy(col(time).desc()).limit(ForecastFeatures.PRICES_NEEDED).collectAsList());
    if (newest.size() < ForecastFeatures.PRICES_NEEDED) {
      throw new IllegalArgumentException(
          symbol
              + " has "
              + newest.size()
              + " prices; a prediction needs "
              + ForecastFeatures.PRICES_NEEDED);
    }
    Collections.reverse(newest);
    double[] prices =
        newest.stream().mapToDouble(r -> r.<Double>getAs(bars ? "close" : "price")).toArray();
    double predictedReturn = served.model().predict(ForecastFeatures.of(prices));
    Row last = newest.get(newest.size() - 1);
    return new Prediction(
        symbol,
        served.version(),
        last.<java.sql.Timestamp>getAs(time).toInstant(),
        prices[prices.length - 1],
        predictedReturn,
        PortableModel.nextPrice(prices[prices.length - 1], predictedReturn));
  }

  /**
   * The symbols' closes (one-minute bars), one line each, as an SVG file at {@code path}; several
   * symbols are rebased to 100 at their first close, so that lines of different prices compare.
   */
  public static Path chart(String path, String... symbols) {
    List<SvgChart.Series> lines = new ArrayList<>();
    for (String symbol : symbols) {
      List<Row> rows = bars(symbol).select("minute", "close").collectAsList();
      double[] closes = rows.stream().mapToDouble(r -> r.getDouble(1)).toArray();
      if (symbols.length > 1 && closes.length > 0) {
        double first = closes[0];
        closes = Arrays.stream(closes).map(close -> 100 * close / first).toArray();
      }
      lines.add(
          new SvgChart.Series(
              symbol,
              rows.stream().map(r -> r.<java.sql.Timestamp>getAs(0).toInstant()).toList(),
              closes));
    }
    String title =
        String.join(", ", symbols)
            + (symbols.length > 1 ? ": closes, rebased to 100 at the first" : ": closes");
    try {
      return SvgChart.write(Path.of(path), title, lines);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + path + " failed", e);
    }
  }

  private static CqlSession requireCql() {
    CqlSession session = cql();
    if (session == null) {
      throw new IllegalStateException(
          "Cassandra did not answer when the shell started: start it and the shell again");
    }
    return session;
  }

  private static String qualified(String table) {
    return settings.cassandra().keyspace() + "." + table;
  }

  private static Instant instant(String text) {
    return text.length() == 10
        ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
        : Instant.parse(text);
  }
}
