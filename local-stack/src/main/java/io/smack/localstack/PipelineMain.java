package io.smack.localstack;

import io.smack.common.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/smack up}: the whole pipeline on this machine until Ctrl-C — Kafka and Cassandra, the
 * collector, the streaming job on Spark local, the access service, and the training job now and
 * then — with its progress on the console and each part's log under one folder.
 *
 * <pre>
 * PipelineMain [--free-ports] [--dir DIR] [--source sim|csv=PATH] [--train-every DURATION]
 *              [--ready-file FILE] [--stack-only]
 *   --free-ports           let the OS pick every port (to run beside another pipeline)
 *   --dir DIR              data, checkpoints and logs (default: smack.local-stack.dir)
 *   --source S             the collector's source: sim (default, the market simulator) or
 *                          csv=PATH (a replay of a vega-datasets stocks.csv-like file)
 *   --train-every D        retraining interval, e.g. 5m (default); the first run comes a minute
 *                          after quotes arrive
 *   --ready-file FILE      write the stack's addresses there once it is ready (StackAddresses)
 *   --stack-only           Kafka and Cassandra only, as LocalStackMain runs them
 * </pre>
 *
 * Ctrl-C (or SIGTERM) stops every part and the stack; exits 1 when a part cannot start or dies on
 * its own (after stopping the rest), 2 on a bad option.
 */
public final class PipelineMain {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineMain.class);

  private PipelineMain() {}

  public static void main(String[] args) throws InterruptedException {
    Deque<String> options = new ArrayDeque<>(List.of(args));
    LocalStackSettings settings = LocalStackSettings.from(Settings.load());
    Pipeline.Options pipeline = Pipeline.Options.defaults();
    boolean stackOnly = false;
    while (!options.isEmpty()) {
      String option = options.pop();
      switch (option) {
        case "--free-ports" -> {
          settings = settings.withFreePorts();
          pipeline = pipeline.withFreePorts();
        }
        case "--dir" -> settings = settings.withDir(Path.of(value(option, options)));
        case "--source" -> pipeline = pipeline.withSource(value(option, options));
        case "--train-every" ->
            pipeline = pipeline.withTrainEvery(Duration.parse("PT" + value(option, options)));
        case "--ready-file" -> pipeline = pipeline.withReadyFile(Path.of(value(option, options)));
        case "--stack-only" -> stackOnly = true;
        default -> fail("unknown option " + option + "; see bin/smack help");
      }
    }
    if (stackOnly) {
      LocalStackMain.main(stackOnlyArguments(args));
      return;
    }
    run(settings, pipeline);
  }

  private static void run(LocalStackSettings settings, Pipeline.Options options)
      throws InterruptedException {
    LOG.info("starting Kafka and Cassandra in {}", settings.dir());
    LocalStack stack;
    try {
      stack = LocalStack.start(settings);
    } catch (RuntimeException e) {
      LOG.error("the local stack did not start: {}", e.getMessage());
      System.exit(1);
      return;
    }
    Pipeline pipeline = new Pipeline(stack, settings.dir(), options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  pipeline.stop();
                  stack.close();
                  LOG.info("everything stopped");
                  stopped.countDown();
                },
                "stop-pipeline"));
    try {
      pipeline.start();
      pipeline.watch(stopped);
    } catch (RuntimeException e) {
      LOG.error("{}", e.getMessage());
      System.exit(1);
    }
  }

  /** The arguments LocalStackMain takes, from ours. */
  private static String[] stackOnlyArguments(String[] args) {
    return List.of(args).stream().filter(a -> !a.equals("--stack-only")).toArray(String[]::new);
  }

  private static String value(String option, Deque<String> options) {
    if (options.isEmpty()) {
      fail(option + " needs a value");
    }
    return options.pop();
  }

  private static void fail(String message) {
    LOG.error(message);
    System.exit(2);
  }
}
