package io.smack.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/smack up}: the whole pipeline on this machine until Ctrl-C — Kafka and Cassandra, the
 * collector, the streaming job on Spark local (or a Spark standalone cluster), the access service,
 * and the training job now and then — with its progress on the console and each part's log under
 * one folder.
 *
 * <pre>
 * PipelineMain [--cluster] [--secure] [--free-ports] [--dir DIR] [--source sim|csv=PATH]
 *              [--train-every DURATION] [--ready-file FILE] [--stack-only]
 *   --cluster              three Kafka and three Cassandra nodes (127.0.0.1 to .3), LOCAL_QUORUM,
 *                          a Spark master and two workers the jobs are submitted to, two access
 *                          instances behind HAProxy
 *   --secure               Kafka on SASL_SSL (SCRAM), Cassandra with passwords and TLS, every
 *                          part logged in as the user smack (SECURITY.md)
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
    LocalStackSettings settings = LocalStackMain.settings(args);
    Pipeline.Options pipeline = Pipeline.Options.defaults();
    boolean stackOnly = false;
    try {
      while (!options.isEmpty()) {
        String option = options.pop();
        switch (option) {
          case "--cluster", "--secure" -> {
            // read by LocalStackMain.settings
          }
          case "--free-ports" -> {
            settings = settings.withFreePorts();
            pipeline = pipeline.withFreePorts();
          }
          case "--dir" ->
              settings = settings.withDir(Path.of(LocalStackMain.value(option, options)));
          case "--source" -> pipeline = pipeline.withSource(LocalStackMain.value(option, options));
          case "--train-every" ->
              pipeline = pipeline.withTrainEvery(duration(LocalStackMain.value(option, options)));
          case "--ready-file" ->
              pipeline = pipeline.withReadyFile(Path.of(LocalStackMain.value(option, options)));
          case "--stack-only" -> stackOnly = true;
          default -> LocalStackMain.fail("unknown option " + option + "; see bin/smack help");
        }
      }
    } catch (IllegalArgumentException e) {
      LocalStackMain.fail(e.getMessage());
    }
    if (stackOnly) {
      LocalStackMain.main(stackOnlyArguments(args));
      return;
    }
    run(settings, pipeline);
  }

  private static void run(LocalStackSettings settings, Pipeline.Options options)
      throws InterruptedException {
    LocalStack stack = LocalStackMain.startOrExit(settings);
    Pipeline pipeline = new Pipeline(Path.of(""), stack, settings.dir(), options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  pipeline.close();
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

  /** {@code 90s}, {@code 5m}, {@code 1h}. */
  private static Duration duration(String text) {
    try {
      return Duration.parse("PT" + text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--train-every: '" + text + "' is not a duration like 90s, 5m or 1h", e);
    }
  }

  /** The arguments LocalStackMain takes, from ours. */
  private static String[] stackOnlyArguments(String[] args) {
    return List.of(args).stream().filter(a -> !a.equals("--stack-only")).toArray(String[]::new);
  }
}
