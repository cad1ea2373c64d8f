package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.common.CassandraSettings;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's one Cassandra session, and whether it can serve. The session is built in the
 * background and keeps trying while Cassandra is down, so the service starts (and answers 503)
 * without it; a probe then prepares the statements once the schema is there, and checks every
 * {@code readiness-interval} that Cassandra answers, which is what {@code /health/ready} reports.
 */
final class CassandraConnection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CassandraConnection.class);

  /** What readiness asks Cassandra; not counted among the statements requests cost. */
  private static final SimpleStatement PROBE =
      SimpleStatement.newInstance("SELECT release_version FROM system.local");

  /** The repositories, once the statements are prepared. */
  record Repositories(
      QuoteRepository quotes,
      ModelRepository models,
      PredictionRepository predictions,
      MonitorRepository monitors,
      ProgressRepository progress,
      CatalogRepository catalog) {}

  private final CassandraSettings cassandra;
  private final ObjectMapper json;
  private final HttpMetrics metrics;
  private final CompletionStage<CqlSession> session;
  private final ScheduledExecutorService probe;
  private volatile Repositories repositories;
  private volatile String problem = "connecting to Cassandra";

  private CassandraConnection(AccessSettings settings, ObjectMapper json, HttpMetrics metrics) {
    this.cassandra = settings.cassandra();
    this.json = json;
    this.metrics = metrics;
    this.session =
        session(settings).addRequestTracker(metrics.statementCounter(PROBE)).buildAsync();
    this.probe =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "cassandra-readiness");
              thread.setDaemon(true);
              return thread;
            });
    long every = settings.readinessInterval().toMillis();
    probe.scheduleWithFixedDelay(this::probe, 0, every, TimeUnit.MILLISECONDS);
  }

  static CassandraConnection open(AccessSettings settings, ObjectMapper json, HttpMetrics metrics) {
    return new CassandraConnection(settings, json, metrics);
  }

  /**
   * @throws ApiException 503 while the session is not connected or the schema is not there
   */
  Repositories repositories() {
    Repositories ready = repositories;
    if (ready == null) {
      throw ApiException.unavailable("Cassandra is not ready: " + problem);
    }
    return ready;
  }

  /** Null when Cassandra answered the last probe, else what is wrong. */
  String problem() {
    return problem;
  }

  private void probe() {
    CqlSession connected = session.toCompletableFuture().getNow(null);
    if (connected == null) {
      return; // still connecting; problem says so
    }
    try {
      if (repositories == null) {
        String keyspace = cassandra.keyspace();
        DayIndex days = new DayIndex(connected, keyspace);
        repositories =
            new Repositories(
                new QuoteRepository(connected, keyspace, days, metrics::rowsRead),
                new ModelRepository(connected, keyspace),
                new PredictionRepository(connected, keyspace, days, json, metrics::rowsRead),
                new MonitorRepository(connected, keyspace),
                new ProgressRepository(connected, keyspace),
                new CatalogRepository(connected, keyspace));
        LOG.info("Cassandra ready: statements prepared on keyspace {}", keyspace);
      }
      connected.execute(PROBE);
      if (problem != null) {
        LOG.info("Cassandra answers again");
      }
      problem = null;
    } catch (RuntimeException e) {
      if (problem == null) {
        LOG.warn("Cassandra does not answer: {}", e.getMessage());
      }
      // readiness is open to anyone: the kind of failure, not the driver's message with nodes
      problem =
          e instanceof InvalidQueryException
              ? "keyspace " + cassandra.keyspace() + " or its tables are not there yet"
              : "Cassandra does not answer (" + e.getClass().getSimpleName() + ")";
    }
  }

  private static CqlSessionBuilder session(AccessSettings settings) {
    CassandraSettings cassandra = settings.cassandra();
    Duration timeout = settings.requestTimeout();
    ProgrammaticDriverConfigLoaderBuilder config =
        DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, timeout)
            .withString(DefaultDriverOption.REQUEST_CONSISTENCY, cassandra.consistency())
            // Every statement of the service is a read or an upsert of a whole prediction row:
            // running one twice changes nothing, so the driver may send it to the next replica
            // when its node goes away mid-request (a crash on a cluster), instead of failing it.
            .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
            // Start without Cassandra and keep trying, instead of failing the service at start-up.
            .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, true)
            .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(200))
            .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, settings.reconnectMaxDelay())
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, timeout)
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, timeout)
            // A node whose link went silent (a partition drops packets; nothing resets the
            // connection) is found by a heartbeat without an answer: every 5 s rather than the
            // driver's 30 s, so that its requests go to the other replicas within seconds.
            .withDuration(DefaultDriverOption.HEARTBEAT_INTERVAL, Duration.ofSeconds(5))
            .withDuration(DefaultDriverOption.HEARTBEAT_TIMEOUT, timeout);
    Duration speculativeDelay = settings.speculativeDelay();
    if (!speculativeDelay.isZero()) {
      // the driver's own speculative execution: a read slower than the delay is also sent to the
      // next replica of the query plan, and the first answer wins
      config =
          config
              .withString(
                  DefaultDriverOption.SPECULATIVE_EXECUTION_POLICY_CLASS,
                  "ConstantSpeculativeExecutionPolicy")
              .withInt(DefaultDriverOption.SPECULATIVE_EXECUTION_MAX, 2)
              .withDuration(DefaultDriverOption.SPECULATIVE_EXECUTION_DELAY, speculativeDelay);
    }
    return cassandra.sessionBuilder().withConfigLoader(config.build());
  }

  @Override
  public void close() {
    probe.shutdownNow();
    session.thenAccept(CqlSession::close);
  }
}
