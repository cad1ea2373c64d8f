package io.smack.ingest;

import com.datastax.spark.connector.cql.CassandraConnector;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smack.common.Settings;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the streaming job: {@code java io.smack.ingest.IngestMain} (with Spark on the classpath) or
 * {@code spark-submit --class io.smack.ingest.IngestMain}. Settings come from {@code smack.ingest}
 * and the environment. Exits 0 when an available-now run has caught up, and 1 when the query fails,
 * so that Marathon restarts it from its checkpoint. SIGTERM stops the query; the batch under way is
 * abandoned and replayed by the next start.
 */
public final class IngestMain {

  private static final Logger LOG = LoggerFactory.getLogger(IngestMain.class);

  private IngestMain() {}

  public static void main(String[] args) throws Exception {
    IngestSettings settings = IngestSettings.from(Settings.load());
    SparkSession spark = SparkSession.builder().config(IngestJob.sparkConf(settings)).getOrCreate();
    if (settings.createSchema()) {
      IngestJob.createSchema(spark, settings.cassandra());
    }
    MicroBatch batches = new MicroBatch(settings);
    PrometheusRegistry registry = new PrometheusRegistry();
    IngestProgress progress =
        new IngestProgress(
            batches,
            CassandraConnector.apply(spark.sparkContext().getConf()),
            settings.cassandra().keyspace(),
            registry);
    spark.streams().addListener(progress);
    int exit = 0;
    try (HTTPServer http =
        IngestHttp.start(settings.httpHost(), settings.httpPort(), registry, progress::state)) {
      LOG.info(
          "ingest-streaming: {} -> keyspace {} on {}, checkpoint {}, health and metrics on port {}",
          settings.kafka().quotesTopic(),
          settings.cassandra().keyspace(),
          spark.sparkContext().master(),
          settings.checkpoint(),
          http.getPort());
      StreamingQuery query = IngestJob.start(spark, settings, batches);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(query), "ingest-stop"));
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      LOG.error("the streaming query failed; a restart resumes from the checkpoint", e);
      exit = 1;
    } finally {
      spark.stop();
    }
    System.exit(exit);
  }

  /** On SIGTERM: the batch under way is abandoned and replayed by the next run. */
  private static void stop(StreamingQuery query) {
    try {
      if (query.isActive()) {
        LOG.info("stopping the query");
        query.stop();
      }
    } catch (Exception e) {
      LOG.warn("stopping the query: {}", e.toString());
    }
  }
}
