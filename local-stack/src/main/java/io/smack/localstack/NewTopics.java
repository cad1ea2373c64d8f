package io.smack.localstack;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates topics and returns once a broker leads every partition of them, so that records may be
 * produced at once.
 *
 * <p>Why wait: the controller acknowledges a new topic before the broker has applied it. An
 * idempotent producer sending right away can have its first request to a partition refused
 * (NOT_LEADER_OR_FOLLOWER) and the next one accepted; the retries of the first then fail with
 * OUT_OF_ORDER_SEQUENCE_NUMBER until {@code delivery.timeout.ms} (2 min) expires them — Kafka's
 * KAFKA-15591, fixed in the broker after 3.9. The bench met it once in a few rounds. A partition
 * whose latest offset the broker answers is one it leads and accepts records for.
 */
public final class NewTopics {

  private NewTopics() {}

  /**
   * Creates each topic (name to partition count) that does not exist yet, with the brokers'
   * replication ({@code default.replication.factor}, {@code min.insync.replicas}: one on a single
   * broker, three and two on the local cluster), and waits until a leader serves every partition.
   *
   * @throws IllegalStateException if that takes longer than {@code timeout}
   */
  public static void create(
      String bootstrapServers, Map<String, Integer> partitions, Duration timeout) {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    create(properties, partitions, timeout);
  }

  /**
   * As {@link #create(String, Map, Duration)}, with an admin client of {@code client}'s properties
   * (the brokers, and the credentials of a secured cluster).
   */
  public static void create(Properties client, Map<String, Integer> partitions, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(client)) {
      for (Map.Entry<String, Integer> topic : partitions.entrySet()) {
        try {
          admin
              .createTopics(
                  List.of(
                      new NewTopic(
                          topic.getKey(), Optional.of(topic.getValue()), Optional.empty())))
              .all()
              .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("creating topic " + topic.getKey() + " failed", e);
          }
        }
      }
      awaitLeaders(admin, partitions, deadline);
    } catch (TimeoutException e) {
      throw new IllegalStateException("creating topics " + partitions + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics " + partitions, e);
    }
  }

  /** Creates one topic; see {@link #create(String, Map, Duration)}. */
  public static void create(String bootstrapServers, String topic, int partitions) {
    create(bootstrapServers, Map.of(topic, partitions), Duration.ofSeconds(30));
  }

  private static void awaitLeaders(Admin admin, Map<String, Integer> partitions, long deadline)
      throws InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest =
        partitions.entrySet().stream()
            .flatMap(
                topic ->
                    IntStream.range(0, topic.getValue())
                        .mapToObj(partition -> new TopicPartition(topic.getKey(), partition)))
            .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
    while (true) {
      try {
        admin.listOffsets(latest).all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException)) {
          throw new IllegalStateException("the broker does not serve " + latest.keySet(), e);
        }
        TimeUnit.MILLISECONDS.sleep(Math.min(50, remainingMillis(deadline)));
      }
    }
  }

  private static long remainingMillis(long deadline) throws TimeoutException {
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (remaining <= 0) {
      throw new TimeoutException();
    }
    return remaining;
  }
}
