package io.smack.deploy.containers;

import io.smack.localstack.StackAddresses;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntSupplier;

/**
 * The one place where the deploy files meet this machine: everything else in a descriptor is run as
 * written. The cluster addresses are replaced by the local stack's — the brokers, the contact
 * points and their data centre, the consistency and replication that match the number of nodes, the
 * Spark master (a standalone master in a container stands in for Mesos), the checkpoint URL (a
 * folder of this machine mounted at the same path in the driver and the workers, for HDFS) — and
 * the libmesos volume and its variable are dropped (there is no Mesos agent here). One setting of
 * the local run is added, as {@code bin/smack up} adds it: a new keyspace gets two hours of
 * simulated history, so that the first training has bars.
 *
 * <p>Every container runs on the host's network: the local stack's servers listen on loopback
 * addresses and advertise them, which a container on a bridge network cannot reach. A bridge app's
 * {@code containerPort} is therefore its port on this machine, and an app constrained to {@code
 * hostname:UNIQUE} gets one instance, as Marathon would place it on a one-agent cluster.
 *
 * @param replaced the value of each variable a descriptor may set that names the cluster
 * @param added what the local run adds, by part
 * @param checkpoints the folder of this machine mounted as {@link #CHECKPOINTS} in Spark containers
 */
public record LocalSite(
    Map<String, String> replaced,
    Map<String, Map<String, String>> added,
    String sparkMaster,
    Path checkpoints,
    IntSupplier freePorts) {

  /** Where the agents' address is, on this machine. */
  public static final String HOST = "127.0.0.1";

  /** Where the checkpoint folder is mounted in the driver's and the workers' containers. */
  public static final String CHECKPOINTS = "/var/lib/smack/checkpoints";

  /** The variable and the volume of libmesos, which only a Mesos agent has. */
  static final String LIBMESOS_VARIABLE = "MESOS_NATIVE_JAVA_LIBRARY";

  public LocalSite {
    replaced = Map.copyOf(replaced);
    added = Map.copyOf(added);
  }

  /**
   * The site of a running local stack and a Spark master, checkpoints under {@code checkpoints}.
   */
  public static LocalSite of(
      StackAddresses stack, String sparkMaster, Path checkpoints, IntSupplier freePorts) {
    Map<String, String> replaced = new TreeMap<>(stack.environment());
    // one node: the deploy files' LOCAL_QUORUM and dc1:3 become what one replica allows
    replaced.putIfAbsent("CASSANDRA_CONSISTENCY", "LOCAL_ONE");
    replaced.putIfAbsent("CASSANDRA_REPLICATION_STRATEGY", "SimpleStrategy");
    replaced.putIfAbsent("CASSANDRA_REPLICATION_DATA_CENTERS", "");
    replaced.put("SPARK_MASTER", sparkMaster);
    replaced.put("INGEST_CHECKPOINT_DIR", "file://" + CHECKPOINTS + "/ingest");
    Map<String, Map<String, String>> added = Map.of("collector", Map.of("SIMULATOR_HISTORY", "2h"));
    return new LocalSite(replaced, added, sparkMaster, checkpoints, freePorts);
  }

  /**
   * A descriptor's environment made local: the cluster's values replaced, libmesos dropped, the
   * local run's settings added for the {@code part} that reads them.
   */
  public Map<String, String> environment(Map<String, String> descriptor, String part) {
    Map<String, String> env = new TreeMap<>();
    descriptor.forEach(
        (key, value) -> {
          if (!key.equals(LIBMESOS_VARIABLE)) {
            env.put(key, replaced.getOrDefault(key, value));
          }
        });
    env.putAll(added.getOrDefault(part, Map.of()));
    return env;
  }

  /**
   * A descriptor's volume here: libmesos has none (empty), anything else is mounted as written (a
   * host path that does not exist makes the engine refuse the container, as an agent would).
   */
  public Optional<ContainerSpec.Volume> volume(String hostPath, String containerPath, boolean ro) {
    if (hostPath.endsWith("/libmesos.so")) {
      return Optional.empty();
    }
    return Optional.of(new ContainerSpec.Volume(Path.of(hostPath), containerPath, ro));
  }

  /** The checkpoint folder, for the containers that read or write the streaming job's state. */
  public ContainerSpec.Volume checkpointVolume() {
    return new ContainerSpec.Volume(checkpoints, CHECKPOINTS, false);
  }
}
