package io.smack.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.smack.common.CqlSchema;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.Ports;
import io.smack.localstack.ShellCommand;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bin/smack shell} driven as a user's script drives it: jshell started by {@link
 * ShellCommand}'s command line with a script on standard input, on the real Cassandra, against
 * known rows; its output is checked against figures computed here, without Spark.
 */
@ExtendWith(LocalStackExtension.class)
class ShellIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WORK = Path.of("target", "shell-it").toAbsolutePath();
  private static final Instant START = Instant.parse("2026-11-24T14:00:00Z");
  private static final int MINUTES = 40;
  private static final List<String> SYMBOLS = List.of("AAA", "BBB", "CCC");

  /** Each symbol's closes, one a minute, oldest first. */
  private static final Map<String, double[]> PRICES = new HashMap<>();

  private static String keyspace;

  @BeforeAll
  static void storeKnownRows(StackAddresses stack) throws IOException {
    // three series whose returns are correlated by construction: BBB follows AAA, CCC does not
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    double[] a = new double[MINUTES];
    double[] b = new double[MINUTES];
    double[] c = new double[MINUTES];
    a[0] = 100;
    b[0] = 50;
    c[0] = 20;
    for (int i = 1; i < MINUTES; i++) {
      double shock = random.nextGaussian() * 0.01;
      a[i] = a[i - 1] * Math.exp(shock);
      b[i] = b[i - 1] * Math.exp(0.7 * shock + 0.3 * random.nextGaussian() * 0.01);
      c[i] = c[i - 1] * Math.exp(random.nextGaussian() * 0.01);
    }
    PRICES.put("AAA", a);
    PRICES.put("BBB", b);
    PRICES.put("CCC", c);
    keyspace = "shell_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (CqlSession session = session(stack)) {
      CqlSchema.apply(session, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      LocalDate day = LocalDate.ofInstant(START, ZoneOffset.UTC);
      for (String symbol : SYMBOLS) {
        session.execute(
            "INSERT INTO " + keyspace + ".quote_days (symbol, day) VALUES (?, ?)", symbol, day);
        double[] prices = PRICES.get(symbol);
        for (int i = 0; i < MINUTES; i++) {
          Instant minute = START.plusSeconds(60L * i);
          session.execute(
              "INSERT INTO "
                  + keyspace
                  + ".quotes_by_day (symbol, day, ts, price, volume, source)"
                  + " VALUES (?, ?, ?, ?, ?, ?)",
              symbol,
              day,
              minute,
              prices[i],
              1L,
              "test");
          session.execute(
              "INSERT INTO "
                  + keyspace
                  + ".bars_1m (symbol, day, minute, open, high, low, close, volume, quotes,"
                  + " close_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              symbol,
              day,
              minute,
              prices[i],
              prices[i],
              prices[i],
              prices[i],
              1L,
              1,
              minute);
        }
      }
    }
  }

  @Test
  void should_count_correlate_and_chart_the_stored_series(StackAddresses stack) throws Exception {
    // given
    Path chart = WORK.resolve("closes-" + keyspace + ".svg");
    String script =
        """
        spark.sql("select symbol, count(*) as n from quotes_by_day group by symbol order by symbol").collectAsList().forEach(r -> System.out.println("COUNT " + r.getString(0) + " " + r.getLong(1)))
        var c = correlation("AAA", "BBB", "CCC")
        for (var x : c.symbols()) for (var y : c.symbols()) System.out.println("CORR " + x + " " + y + " " + c.of(x, y))
        System.out.println("CHART " + chart("%s", "AAA", "BBB"))
        System.out.println(summary("AAA"))
        var f = features("AAA").collectAsList()
        System.out.println("FEATURES " + f.size())
        var newest = f.get(f.size() - 1)
        System.out.println("NEWEST " + newest.getDouble(newest.fieldIndex("ret_1")) + " " + newest.getDouble(newest.fieldIndex("ma_20_gap")))
        /exit
        """
            .formatted(chart);

    // when
    String output = run(stack.environment(), script, "known-rows");

    // then: the counts of the view, the correlations computed here, the chart's points
    assertThat(output).contains("keyspace " + keyspace + ": cql, and spark.sql views");
    for (String symbol : SYMBOLS) {
      assertThat(output).contains("COUNT " + symbol + " " + MINUTES);
    }
    Matcher corr = Pattern.compile("CORR (\\w+) (\\w+) (\\S+)").matcher(output);
    int pairs = 0;
    while (corr.find()) {
      double expected =
          pearson(returns(PRICES.get(corr.group(1))), returns(PRICES.get(corr.group(2))));
      assertThat(Double.parseDouble(corr.group(3)))
          .as("correlation of %s and %s", corr.group(1), corr.group(2))
          .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
      pairs++;
    }
    assertThat(pairs).isEqualTo(9);
    assertThat(output).contains("CHART " + chart);
    String svg = Files.readString(chart);
    for (String symbol : List.of("AAA", "BBB")) {
      Matcher line =
          Pattern.compile("data-series=\"" + symbol + "\"[^>]* points=\"([^\"]*)\"").matcher(svg);
      assertThat(line.find()).as("the line of %s", symbol).isTrue();
      assertThat(line.group(1).split(" ")).hasSize(MINUTES);
    }
    assertThat(svg).contains("class=\"legend\"", "class=\"x-tick\"", "class=\"y-tick\"");
    assertThat(output).contains("AAA: 40 quotes, 2026-11-24T14:00:00Z 100.0000");
    // and the features of every bar with 20 before it, the newest's worked out here
    double[] a = PRICES.get("AAA");
    assertThat(output).contains("FEATURES " + (MINUTES - 20));
    Matcher newest = Pattern.compile("NEWEST (\\S+) (\\S+)").matcher(output);
    assertThat(newest.find()).as(output).isTrue();
    double mean20 = 0;
    for (int i = MINUTES - 20; i < MINUTES; i++) {
      mean20 += a[i] / 20;
    }
    assertThat(Double.parseDouble(newest.group(1)))
        .isCloseTo(
            Math.log(a[MINUTES - 1] / a[MINUTES - 2]), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Double.parseDouble(newest.group(2)))
        .isCloseTo(a[MINUTES - 1] / mean20 - 1, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void should_start_and_say_so_when_cassandra_does_not_answer(StackAddresses stack)
      throws Exception {
    // given: a port nothing listens on
    Map<String, String> environment = new HashMap<>(stack.environment());
    environment.put("CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + Ports.free());

    // when
    String output =
        run(environment, "System.out.println(\"CQL \" + cql)\n/exit\n", "cassandra-down");

    // then: the shell starts, names the address and what does not work
    assertThat(output)
        .containsPattern("Cassandra at 127\\.0\\.0\\.1:\\d+ DOES NOT ANSWER")
        .contains("cql is null")
        .contains("CQL null");
  }

  /** Runs the shell with {@code script} on standard input; its output, once it has exited. */
  private static String run(Map<String, String> stack, String script, String name)
      throws IOException, InterruptedException {
    Files.createDirectories(WORK);
    Path log = WORK.resolve(name + ".log");
    // as bin/smack shell < script runs it: jshell reads its input as a user's typing
    List<String> command = new ArrayList<>(ShellCommand.command(ROOT, null));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().putAll(stack);
    builder.environment().put("CASSANDRA_KEYSPACE", keyspace);
    Process shell = builder.start();
    shell.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
    shell.getOutputStream().close();
    assertThat(shell.waitFor(4, TimeUnit.MINUTES)).as("the shell exits; see %s", log).isTrue();
    String output = Files.readString(log);
    assertThat(shell.exitValue()).as(output).isZero();
    return output;
  }

  private static double[] returns(double[] prices) {
    double[] returns = new double[prices.length - 1];
    for (int i = 1; i < prices.length; i++) {
      returns[i - 1] = Math.log(prices[i] / prices[i - 1]);
    }
    return returns;
  }

  private static double pearson(double[] x, double[] y) {
    double mx = java.util.Arrays.stream(x).average().orElseThrow();
    double my = java.util.Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  private static CqlSession session(StackAddresses stack) {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress(stack.cassandraHost(), stack.cassandraPort()))
        .withLocalDatacenter(stack.cassandraDatacenter())
        .build();
  }
}
