package io.smack.localstack;

import io.smack.common.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the local stack in the foreground until Ctrl-C or SIGTERM, then stops it.
 *
 * <pre>
 * LocalStackMain [--cluster] [--secure] [--free-ports] [--dir DIR] [--ready-file FILE]
 *   --cluster          three Kafka nodes and three Cassandra nodes, on 127.0.0.1 to 127.0.0.3
 *   --secure           SCRAM and TLS on Kafka, password authentication and TLS on Cassandra
 *   --free-ports       let the OS pick every port (to run beside another stack)
 *   --dir DIR          data, configuration and logs (default: smack.local-stack.dir)
 *   --ready-file FILE  write the addresses there once ready (see StackAddresses; default
 *                      DIR/stack.properties, which bin/smack shell reads)
 * </pre>
 *
 * A server that dies while it runs is started again on its data, with Marathon's backoff ({@link
 * Supervisor}). Exits 0 after a clean stop, 1 when the stack cannot start.
 */
public final class LocalStackMain {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStackMain.class);

  private LocalStackMain() {}

  public static void main(String[] args) throws InterruptedException {
    Deque<String> options = new ArrayDeque<>(List.of(args));
    LocalStackSettings settings = settings(args);
    Optional<Path> readyFile = Optional.empty();
    while (!options.isEmpty()) {
      String option = options.pop();
      switch (option) {
        case "--cluster", "--secure" -> {
          // read by settings(args)
        }
        case "--free-ports" -> settings = settings.withFreePorts();
        case "--dir" -> settings = settings.withDir(Path.of(value(option, options)));
        case "--ready-file" -> readyFile = Optional.of(Path.of(value(option, options)));
        default -> fail("unknown option " + option + "; see the LocalStackMain class comment");
      }
    }
    run(settings, Optional.of(readyFile.orElse(settings.dir().resolve(StackAddresses.READY_FILE))));
  }

  /**
   * The stack's settings from the configuration, with {@link LocalStackSettings#CLUSTER_NODES}
   * nodes (and the cluster's heaps and replication) when {@code args} hold {@code --cluster},
   * secured ({@link StackSecurity}) with {@code --secure}.
   */
  static LocalStackSettings settings(String[] args) {
    Map<String, String> environment = new HashMap<>(System.getenv());
    if (List.of(args).contains("--cluster")) {
      environment.put("SMACK_STACK_NODES", String.valueOf(LocalStackSettings.CLUSTER_NODES));
    }
    if (List.of(args).contains("--secure")) {
      environment.put("SMACK_STACK_SECURE", "true");
    }
    return LocalStackSettings.from(Settings.load(environment));
  }

  private static void run(LocalStackSettings settings, Optional<Path> readyFile)
      throws InterruptedException {
    LocalStack stack = startOrExit(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.set(true);
                  LOG.info("stopping the local stack");
                  readyFile.ifPresent(LocalStackMain::deleteQuietly);
                  stack.close();
                  stopped.countDown();
                },
                "stop-local-stack"));
    StackAddresses addresses = stack.addresses();
    readyFile.ifPresent(addresses::writeTo);
    for (ServerProcess server : stack.processes()) {
      LOG.info("{} (process {}, log {})", server.name(), server.pid(), server.logFile());
    }
    LOG.info("Kafka      {}", addresses.kafkaBootstrapServers());
    LOG.info("Cassandra  {}", addresses.cassandraContactPoints());
    LOG.info("running; a server that dies is started again; press Ctrl-C to stop");
    try (Supervisor supervisor = new Supervisor()) {
      stack.servers().forEach(supervisor::watch);
      while (!stopped.await(1, TimeUnit.SECONDS)) {
        if (!stopping.get()) {
          supervisor.check(Instant.now());
        }
      }
    }
  }

  /**
   * Starts the stack, or logs why it could not in one line (with the log to read) rather than a
   * stack trace and exits 1; nothing is left running.
   */
  static LocalStack startOrExit(LocalStackSettings settings) {
    LOG.info(
        settings.cluster()
            ? "starting "
                + settings.nodes()
                + " Kafka nodes and "
                + settings.nodes()
                + " Cassandra nodes in {}"
            : "starting Kafka and Cassandra in {}",
        settings.dir());
    try {
      return LocalStack.start(settings);
    } catch (RuntimeException e) {
      LOG.error("the local stack did not start: {}", e.getMessage());
      System.exit(1);
      throw e; // not reached
    }
  }

  /** The value after {@code option}; exits 2 when there is none. */
  static String value(String option, Deque<String> options) {
    if (options.isEmpty()) {
      fail(option + " needs a value");
    }
    return options.pop();
  }

  /** Logs the problem with the command line and exits 2. */
  static void fail(String message) {
    LOG.error(message);
    System.exit(2);
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", file, e.getMessage());
    }
  }
}
