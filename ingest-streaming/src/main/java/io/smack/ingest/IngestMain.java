package io.smack.ingest;

import com.typesafe.config.Config;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smack.common.HttpTls;
import io.smack.common.Settings;
import io.smack.common.Startup;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the streaming job: {@code java io.smack.ingest.IngestMain} (with Spark on the classpath) or
 * {@code spark-submit --class io.smack.ingest.IngestMain}. Settings come from {@code smack.ingest}
 * and the environment. Exits 0 when an available-now run has caught up, and 1 when a query fails
 * (the other is stopped), so that Marathon restarts the job and each query resumes from its
 * checkpoint. SIGTERM stops both; the batches under way are abandoned and replayed by the next
 * start.
 */
public final class IngestMain {

  private static final Logger LOG = LoggerFactory.getLogger(IngestMain.class);

  private IngestMain() {}

  public static void main(String[] args) throws Exception {
    Config config = Startup.orExit("the streaming job", Settings::load);
    IngestSettings settings =
        Startup.orExit("the streaming job", () -> IngestSettings.from(config));
    HttpTls tls = HttpTls.from(config);
    Optional<SSLContext> https = Startup.orExit("the streaming job", tls::context);
    // so do credentials or a truststore Kafka or Cassandra refuses; either down is retried later
    Startup.orExit(
            "the streaming job", () -> settings.kafka().checkLogin(Startup.LOGIN_CHECK_TIMEOUT))
        .ifPresent(why -> LOG.warn("Kafka does not answer yet ({})", why));
    Startup.orExit(
            "the streaming job", () -> settings.cassandra().checkLogin(Startup.LOGIN_CHECK_TIMEOUT))
        .ifPresent(why -> LOG.warn("Cassandra does not answer yet ({})", why));
    SparkSession spark = SparkSession.builder().config(IngestJob.sparkConf(settings)).getOrCreate();
    if (settings.createSchema()) {
      Startup.orExit(
          "the streaming job",
          () -> {
            IngestJob.createSchema(spark, settings.cassandra(), "smack.ingest.create-schema");
            return null;
          });
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    int exit = 0;
    try (TopicEnds topicEnds = new TopicEnds(settings.kafka())) {
      IngestJob.Parts parts = IngestJob.parts(spark, settings, topicEnds, registry);
      try (HTTPServer http =
          IngestHttp.start(
              settings.httpHost(), settings.httpPort(), https, registry, parts.progress()::state)) {
        LOG.info(
            "ingest-streaming: {} -> keyspace {} on {}, checkpoints under {}, health and metrics on"
                + " {} port {}",
            settings.kafka().quotesTopic(),
            settings.cassandra().keyspace(),
            spark.sparkContext().master(),
            settings.checkpoint(),
            tls.scheme(),
            http.getPort());
        IngestJob.Queries queries = parts.start(spark, settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(queries), "ingest-stop"));
        awaitBoth(spark, queries);
      } catch (StreamingQueryException e) {
        LOG.error("a streaming query failed; a restart resumes from the checkpoints", e);
        exit = 1;
      }
    } finally {
      spark.stop();
    }
    System.exit(exit);
  }

  /**
   * Returns when both queries have ended (available-now); the first failure of either stops the
   * other and is thrown at once. Spark's own wait for any of the session's queries: waiting on one
   * query after the other would leave the job running half, with the other query dead and unseen (a
   * bars query stopped by a Cassandra timeout while the quotes query went on).
   */
  private static void awaitBoth(SparkSession spark, IngestJob.Queries queries)
      throws StreamingQueryException {
    try {
      while (true) {
        for (StreamingQuery query : queries.both()) {
          if (query.exception().isDefined()) {
            throw query.exception().get();
          }
        }
        if (queries.both().stream().noneMatch(StreamingQuery::isActive)) {
          return;
        }
        spark.streams().awaitAnyTermination();
        // forget the one that ended well, so that the next wait is for the other; a failure in
        // between is seen by the check above
        spark.streams().resetTerminated();
      }
    } catch (StreamingQueryException e) {
      stop(queries);
      throw e;
    }
  }

  /** On SIGTERM, or when one query failed: the batches under way are replayed by the next run. */
  private static void stop(IngestJob.Queries queries) {
    for (StreamingQuery query : queries.both()) {
      try {
        if (query.isActive()) {
          LOG.info("stopping query {}", query.name());
          query.stop();
        }
      } catch (Exception e) {
        LOG.warn("stopping query {}: {}", query.name(), e.toString());
      }
    }
  }
}
