package io.smack.training;

import com.datastax.spark.connector.cql.CassandraConnector;
import com.typesafe.config.ConfigException;
import io.smack.common.CqlSchema;
import io.smack.common.Settings;
import io.smack.training.TrainingJob.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training job as a well-behaved batch for Chronos: {@code java io.smack.training.TrainingMain}
 * trains every symbol (or {@code TRAINING_SYMBOLS}); {@code ... promote SYMBOL VERSION} makes a
 * stored version the served one. Exit codes: 0 done (also when there was nothing to train), 1 a
 * failure (a bad argument, an unknown version, credentials or a truststore Cassandra refuses, an
 * error while training), 2 Cassandra unreachable, so that a scheduler retries.
 */
public final class TrainingMain {

  static final int DONE = 0;
  static final int FAILED = 1;
  static final int UNREACHABLE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(TrainingMain.class);

  private TrainingMain() {}

  public static void main(String[] args) {
    TrainingSettings settings = TrainingSettings.from(Settings.load());
    SparkSession spark = SparkSession.builder().config(sparkConf(settings)).getOrCreate();
    int exit;
    try {
      exit = run(args, settings, spark);
    } finally {
      spark.stop();
    }
    System.exit(exit);
  }

  /** One run on {@code spark}, which the caller stops. */
  static int run(String[] args, TrainingSettings settings, SparkSession spark) {
    if (args.length != 0 && !(args.length == 3 && args[0].equals("promote"))) {
      LOG.error("usage: TrainingMain [promote SYMBOL VERSION]; got {}", List.of(args));
      return FAILED;
    }
    try {
      CassandraConnector connector = CassandraConnector.apply(sparkConf(settings));
      try {
        connector.withSessionDo(s -> s.execute("SELECT release_version FROM system.local"));
      } catch (Exception e) { // the connector's IOException comes unchecked, through Scala
        Optional<ConfigException> refused = settings.cassandra().refusal(e);
        if (refused.isPresent()) {
          // not 2: a retry does not mend credentials Cassandra refuses
          LOG.error("the training job cannot start: {}", refused.get().getMessage());
          return FAILED;
        }
        LOG.error(
            "Cassandra is unreachable at {}: {}; nothing trained",
            settings.cassandra().contactPoints(),
            e.getMessage());
        return UNREACHABLE;
      }
      if (settings.createSchema()) {
        try {
          connector.withSessionDo(
              session -> {
                CqlSchema.apply(
                    session,
                    settings.cassandra().keyspace(),
                    settings.cassandra().replication(),
                    "smack.training.create-schema");
                return null;
              });
        } catch (ConfigException e) {
          LOG.error("the training job cannot start: {}", e.getMessage());
          return FAILED;
        }
      }
      ModelStore store =
          new ModelStore(
              connector, settings.cassandra().keyspace(), settings.cassandra().consistency());
      if (args.length == 3) {
        return promote(store, args[1], args[2]);
      }
      List<Outcome> outcomes = TrainingJob.run(spark, settings, store, Instant.now());
      if (outcomes.isEmpty()) {
        LOG.info(
            "no {} in keyspace {} within {} days of now{}: nothing trained",
            settings.series(),
            settings.cassandra().keyspace(),
            settings.lookback().toDays(),
            settings.symbols().isEmpty() ? "" : " for " + settings.symbols());
      }
      long trained = outcomes.stream().filter(o -> o.version().isPresent()).count();
      LOG.info(
          "trained {} of {} symbols ({} skipped)",
          trained,
          outcomes.size(),
          outcomes.size() - trained);
      return DONE;
    } catch (RuntimeException e) {
      LOG.error("training failed", e);
      return FAILED;
    }
  }

  private static int promote(ModelStore store, String symbol, String version) {
    try {
      store.promote(symbol, Integer.parseInt(version));
      LOG.info("{}: version {} is the served one", symbol, version);
      return DONE;
    } catch (NumberFormatException e) {
      LOG.error("'{}' is not a version number", version);
      return FAILED;
    } catch (IllegalArgumentException e) {
      LOG.error(e.getMessage());
      return FAILED;
    }
  }

  static SparkConf sparkConf(TrainingSettings settings) {
    SparkConf conf = new SparkConf().setAppName("smack-model-training");
    if (!conf.contains("spark.master")) {
      conf.setMaster(settings.master());
    }
    conf.set("spark.sql.session.timeZone", "UTC")
        .set("spark.sql.shuffle.partitions", "2")
        .set("spark.ui.enabled", "false")
        // a node that does not answer fails the job within seconds, not minutes
        .set("spark.cassandra.connection.timeoutMS", "5000");
    settings.cassandra().sparkConnectorSettings().forEach(conf::set);
    return conf;
  }
}
