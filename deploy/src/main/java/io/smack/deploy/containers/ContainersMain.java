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
 * <pre>ContainersMain ROOT [--cluster] [--dir DIR] [--train-every MINUTES]</pre>
 *
 * Exits 1 when the group cannot start (one line says why; nothing is left running).
 */
public final class ContainersMain {

  private static final Logger LOG = LoggerFactory.getLogger(ContainersMain.class);

  private ContainersMain() {}

  public static void main(String[] args) throws InterruptedException {
    Path root = Path.of(args[0]).toAbsolutePath();
    Path dir = root.resolve("var/containers");
    boolean cluster = false;
    Duration trainEvery = Duration.ofMinutes(5);
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--cluster" -> cluster = true;
        case "--dir" -> dir = Path.of(args[++i]).toAbsolutePath();
        case "--train-every" -> trainEvery = Duration.ofMinutes(Long.parseLong(args[++i]));
        default -> {
          System.err.println("bin/smack up --containers: unknown option " + args[i]);
          System.exit(2);
        }
      }
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
                  LOG.info("every container stopped and removed; logs in {}", folder.resolve("logs"));
                  stopped.countDown();
                },
                "stop-containers"));
    App access = pipeline.app("access-service");
    LOG.info(
        "the pipeline runs in containers; the API: http://{}:{}/status",
        LocalSite.HOST,
        access.healthChecks().get(0).port());
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
