package io.smack.deploy.containers;

import io.smack.localstack.LauncherProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/smack up --containers}: the local stack (Kafka and Cassandra, one node, or three of
 * each with {@code --cluster}), then the pipeline as containers of its images, started from {@code
 * deploy/marathon/*.json}, and the Chronos training job run once the quotes flow, then every {@code
 * --train-every}; until Ctrl-C, which stops every container and the stack.
 *
 * <pre>ContainersMain ROOT [--cluster] [--dir DIR] [--train-every DURATION]</pre>
 *
 * {@code --dir} (default {@code var/containers}) holds the stack's data, the checkpoints and every
 * container's log; {@code --train-every} is like {@code 5m} or {@code 1h}.
 *
 * <p>Exits 1 when the group cannot start (one line says why; nothing is left running).
 */
public final class ContainersMain {

  private static final Logger LOG = LoggerFactory.getLogger(ContainersMain.class);

  private ContainersMain() {}

  private static String value(String[] args, int at, String option) {
    if (at >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[at];
  }

  /** A path given on bin/smack's command line: relative to where it was run. */
  private static Path given(String path) {
    String caller = System.getenv("SMACK_CALLER_DIR");
    Path base = caller == null || caller.isEmpty() ? Path.of("") : Path.of(caller);
    return base.resolve(path).toAbsolutePath().normalize();
  }

  public static void main(String[] args) throws InterruptedException {
    Path root = Path.of(args[0]).toAbsolutePath();
    Path dir = root.resolve("var/containers");
    boolean cluster = false;
    Duration trainEvery = Duration.ofMinutes(5);
    try {
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--cluster" -> cluster = true;
          case "--dir" -> dir = given(value(args, ++i, "--dir"));
          case "--train-every" ->
              trainEvery = Duration.parse("PT" + value(args, ++i, "--train-every"));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
    } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
      System.err.println("bin/smack up --containers: " + e.getMessage());
      System.exit(2);
    }
    Path folder = dir;
    LauncherProcess stack = LauncherProcess.start(dir.resolve("stack"), cluster);
    LOG.info("local stack ready: Kafka {}", stack.addresses().kafkaBootstrapServers());
    ContainerPipeline pipeline;
    try {
      pipeline = ContainerPipeline.start(root, stack.addresses(), dir, Duration.ofMinutes(6));
    } catch (RuntimeException e) {
      LOG.error("{}", e.getMessage());
      stack.close();
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  pipeline.close();
                  stack.close();
                  LOG.info(
                      "every container stopped and removed; logs in {}", folder.resolve("logs"));
                  stopped.countDown();
                },
                "stop-containers"));
    LOG.info(
        "the pipeline runs in containers; the API, routed to its access services: {}/status",
        pipeline.entryPoint());
    ChronosJobs.Job training = pipeline.jobs().get(0);
    stopped.await(1, TimeUnit.MINUTES);
    while (stopped.getCount() > 0) {
      LOG.info("running the Chronos job {}", training.name());
      int exit = pipeline.group().run(training, Duration.ofMinutes(20));
      LOG.info("{} ended with exit {}; next in {}", training.name(), exit, trainEvery);
      stopped.await(trainEvery.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
