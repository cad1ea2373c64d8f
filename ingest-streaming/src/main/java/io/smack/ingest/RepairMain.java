package io.smack.ingest;

import com.datastax.spark.connector.cql.CassandraConnector;
import com.typesafe.config.Config;
import io.smack.common.CassandraSettings;
import io.smack.common.QuoteSettings;
import io.smack.common.Settings;
import java.time.Instant;
import java.util.List;
import org.apache.spark.SparkConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/smack repair future-quotes [--dry-run]}: removes quotes stamped further ahead of the
 * clock than {@code smack.quotes.max-clock-skew} and gives {@code latest_quote} and the bars back
 * ({@link FutureQuotes}). Cassandra and the skew come from {@code smack.cassandra} and {@code
 * smack.quotes}, as for the job; no Spark job runs.
 */
public final class RepairMain {

  private static final Logger LOG = LoggerFactory.getLogger(RepairMain.class);

  private RepairMain() {}

  public static void main(String[] args) {
    List<String> arguments = List.of(args);
    if (arguments.isEmpty() || !arguments.get(0).equals("future-quotes")) {
      LOG.error("usage: bin/smack repair future-quotes [--dry-run]");
      System.exit(2);
    }
    boolean dryRun = arguments.contains("--dry-run");
    Config config = Settings.load();
    CassandraSettings cassandra = CassandraSettings.from(config);
    QuoteSettings quotes = QuoteSettings.from(config);
    SparkConf conf = new SparkConf();
    cassandra.sparkConnectorSettings().forEach(conf::set);
    FutureQuotes.Report report =
        CassandraConnector.apply(conf)
            .withSessionDo(
                session ->
                    new FutureQuotes(session, cassandra.keyspace(), cassandra.consistency())
                        .repair(Instant.now(), quotes.maxClockSkew(), dryRun));
    if (report.removed().isEmpty()) {
      LOG.info(
          "no symbol's newest quote lies more than {} ahead of the clock", quotes.maxClockSkew());
    }
    report
        .removed()
        .forEach(
            (symbol, times) ->
                LOG.info(
                    "{}: {} quote(s) beyond the clock skew{}: {}",
                    symbol,
                    times.size(),
                    dryRun ? " (dry run: left)" : " removed, bars given again",
                    times));
    if (!dryRun && !report.removed().isEmpty()) {
      LOG.info("latest_quote written again for {} symbol(s)", report.latestRewritten());
    }
    System.exit(0);
  }
}
