package io.smack.localstack;

import com.typesafe.config.Config;
import io.smack.common.Settings;
import io.smack.common.Startup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
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
 * PipelineMain [--config FILE] [--cluster] [--secure] [--free-ports] [--dir DIR]
 *              [--source S]... [--train-every DURATION] [--ready-file FILE] [--stack-only]
 *   --config FILE          settings of the launcher and of every part it starts (HOCON; each
 *                          part gets -Dconfig.file), under the environment and system properties
 *   --cluster              three Kafka and three Cassandra nodes (127.0.0.1 to .3), LOCAL_QUORUM,
 *                          a Spark master and two workers the jobs are submitted to, two access
 *                          instances behind HAProxy
 *   --secure               Kafka on SASL_SSL (SCRAM) with ACLs, Cassandra with passwords,
 *                          grants and TLS, each part logged in as its own user (SECURITY.md)
 *   --free-ports           let the OS pick every port (to run beside another pipeline)
 *   --dir DIR              data, checkpoints and logs (default: smack.local-stack.dir)
 *   --source S             a collector source, again for several: sim (the market simulator),
 *                          the name of a block smack.collector.source.NAME of the --config
 *                          file, or csv=PATH[,KEY=VALUE...], a file and its columns inline
 *                          ({@link SourceSpec}); without one, the collector's configured
 *                          sources (smack.collector.sources, the simulator by default)
 *   --train-every D        retraining interval, e.g. 5m (default); the first run comes a minute
 *                          after quotes arrive
 *   --ready-file FILE      write the stack's addresses there once it is ready (StackAddresses;
 *                          default DIR/stack.properties, which bin/smack shell reads)
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
    Pipeline.Options pipeline = Pipeline.Options.defaults();
    Optional<Path> config = configFile(args);
    if (config.isPresent()) {
      // the launcher's own settings (smack.local-stack) come from the file too
      System.setProperty("config.file", config.get().toString());
      pipeline = pipeline.withConfig(config.get());
    }
    LocalStackSettings settings = LocalStackMain.settings(args);
    Config loaded = Startup.orExit("bin/smack up", Settings::load);
    boolean stackOnly = false;
    try {
      while (!options.isEmpty()) {
        String option = options.pop();
        switch (option) {
          case "--config" -> LocalStackMain.value(option, options); // read above
          case "--cluster", "--secure" -> {
            // read by LocalStackMain.settings
          }
          case "--free-ports" -> {
            settings = settings.withFreePorts();
            pipeline = pipeline.withFreePorts();
          }
          case "--dir" -> settings = settings.withDir(given(LocalStackMain.value(option, options)));
          case "--source" ->
              pipeline =
                  pipeline.withSource(
                      SourceSpec.parse(LocalStackMain.value(option, options), given(""), loaded));
          case "--train-every" ->
              pipeline = pipeline.withTrainEvery(duration(LocalStackMain.value(option, options)));
          case "--ready-file" ->
              pipeline = pipeline.withReadyFile(given(LocalStackMain.value(option, options)));
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

  private static void run(LocalStackSettings settings, Pipeline.Options given)
      throws InterruptedException {
    // the ready file in the stack's folder unless told another: bin/smack shell finds it there
    Pipeline.Options options =
        given.readyFile().isPresent()
            ? given
            : given.withReadyFile(settings.dir().resolve(StackAddresses.READY_FILE));
    LocalStack stack = LocalStackMain.startOrExit(settings);
    Pipeline pipeline = new Pipeline(Path.of(""), stack, settings.dir(), options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  options.readyFile().ifPresent(LocalStackMain::deleteQuietly);
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

  /** The {@code --config} file, made absolute; exits 2 when it is not readable. */
  private static Optional<Path> configFile(String[] args) {
    List<String> list = List.of(args);
    int at = list.indexOf("--config");
    if (at < 0) {
      return Optional.empty();
    }
    if (at + 1 >= list.size()) {
      LocalStackMain.fail("--config needs a file");
    }
    Path file = given(list.get(at + 1));
    if (!Files.isReadable(file)) {
      LocalStackMain.fail("--config: " + file + " is not a readable file");
    }
    return Optional.of(file);
  }

  /**
   * A path given on the command line, relative to the folder bin/smack was run in ({@code
   * SMACK_CALLER_DIR}; it runs this class in the project root), made absolute.
   */
  static Path given(String path) {
    String caller = System.getenv("SMACK_CALLER_DIR");
    Path base = caller == null || caller.isEmpty() ? Path.of("") : Path.of(caller);
    return base.resolve(path).toAbsolutePath().normalize();
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

  /** The arguments LocalStackMain takes, from ours (the --config file is read already). */
  private static String[] stackOnlyArguments(String[] args) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config")) {
        i++;
      } else if (!args[i].equals("--stack-only")) {
        kept.add(args[i]);
      }
    }
    return kept.toArray(String[]::new);
  }
}
