package io.smack.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.spark.connector.cql.CassandraConnector;
import io.smack.common.CqlSchema;
import io.smack.common.Settings;
import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.PortableModel;
import io.smack.common.model.ServedModels;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A training's promotion and the streaming job's demotion of the version it replaces, started at
 * the same moment again and again on the real node: whichever lands first, the promoted version is
 * the one served afterwards, and the flags agree with the pointer.
 */
@ExtendWith(LocalStackExtension.class)
class PromotionRaceIT {

  private static final int ROUNDS = 60;

  @Test
  void should_serve_the_promoted_version_whenever_a_demotion_races_its_promotion(
      StackAddresses stack) throws Exception {
    // given
    String keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    TrainingSettings settings =
        TrainingSettings.from(
            Settings.load(
                Map.of(
                    "CASSANDRA_CONTACT_POINTS",
                    stack.cassandraHost() + ":" + stack.cassandraPort(),
                    "CASSANDRA_LOCAL_DC",
                    stack.cassandraDatacenter(),
                    "CASSANDRA_KEYSPACE",
                    keyspace,
                    "SPARK_MASTER",
                    "local[1]")));
    CassandraConnector cassandra = CassandraConnector.apply(TrainingMain.sparkConf(settings));
    String consistency = settings.cassandra().consistency();
    ModelStore store = new ModelStore(cassandra, keyspace, consistency);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<String> lost = Collections.synchronizedList(new ArrayList<>());
    try {
      cassandra.withSessionDo(
          session -> {
            CqlSchema.apply(session, keyspace, settings.cassandra().replication());
            return null;
          });
      for (int round = 0; round < ROUNDS; round++) {
        String symbol = "R" + round;
        Instant at = Instant.now();
        store.store(symbol, trained(), "{}", true, at); // v1, served
        store.store(
            symbol, trained(), "{}", true, at); // v2, served: the monitor is about to demote it
        store.store(
            symbol, trained(), "{}", false, at); // v3, trained, about to be promoted by hand
        CyclicBarrier together = new CyclicBarrier(2);

        // when: the promotion of v3 and the demotion of v2 at once
        CompletableFuture<Void> promotion =
            CompletableFuture.runAsync(() -> store.promote(symbol, await(together, 3)), threads);
        CompletableFuture<ServedModels.Demotion> demotion =
            CompletableFuture.supplyAsync(
                () ->
                    cassandra.withSessionDo(
                        session ->
                            new ServedModels(session, keyspace, consistency)
                                .demote(
                                    symbol, await(together, 2), Instant.now(), "naive: a race")),
                threads);
        promotion.get(60, TimeUnit.SECONDS);
        demotion.get(60, TimeUnit.SECONDS);

        // then
        List<Integer> promoted =
            store.versions(symbol).stream()
                .filter(ModelStore.Version::promoted)
                .map(ModelStore.Version::version)
                .toList();
        Integer served = store.served(symbol).orElse(null);
        if (!Integer.valueOf(3).equals(served) || !promoted.contains(3)) {
          lost.add(symbol + ": served " + served + ", promoted " + promoted);
        }
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(lost).as("rounds whose promotion of v3 did not serve").isEmpty();
    List<Integer> pointers =
        cassandra.withSessionDo(
            session ->
                session.execute("SELECT version FROM " + keyspace + ".served_models").all().stream()
                    .map(row -> row.getInt(0))
                    .toList());
    assertThat(pointers).hasSize(ROUNDS).containsOnly(3);
  }

  /** The value, once the other thread is there too. */
  private static int await(CyclicBarrier barrier, int value) {
    try {
      barrier.await(60, TimeUnit.SECONDS);
      return value;
    } catch (Exception e) {
      throw new IllegalStateException("the other side of the race never came", e);
    }
  }

  private static Trainer.Trained trained() {
    int n = ForecastFeatures.NAMES.size();
    List<Double> zeros = Collections.nCopies(n, 0.0);
    return new Trainer.Trained(
        new Family.Fitted(
            Family.LINEAR,
            new PortableModel.Linear(
                PortableModel.NEXT_LOG_RETURN,
                ForecastFeatures.NAMES,
                zeros,
                Collections.nCopies(n, 1.0),
                zeros,
                0),
            Map.of(),
            rows -> rows),
        Map.of("rmse", 1.0),
        "a race",
        List.of(),
        List.of(),
        100,
        Instant.EPOCH,
        Instant.EPOCH);
  }
}
