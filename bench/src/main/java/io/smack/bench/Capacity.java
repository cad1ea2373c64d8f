package io.smack.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A cluster's size for a load, from a run's per-core figures: every stage's rate on the measuring
 * machine divided by its cores gives a per-core rate, and the load over the per-core rate (with
 * headroom, and the replication's extra writes) gives the cores each part needs. Where a published
 * figure exists for a stage (Kafka, Cassandra), the sizing also computes what it implies and keeps
 * the larger of the two: the measuring machine shares two cores among all the servers, so its
 * per-core figures are low in some places and flattering in others.
 *
 * @param quotesPerSecond the quotes the collectors bring in
 * @param requestsPerSecond the API requests the access services answer
 */
record Capacity(double quotesPerSecond, double requestsPerSecond) {

  /**
   * An access service's share of the API's requests, and the benchmark figure of the request it
   * answers.
   */
  record AccessLoad(String service, double share, String figure) {}

  /**
   * The mix the sizing assumes, and says it assumes: dashboards poll the newest quotes, charts ask
   * for ranges, fewer ask for predictions and the status. Each service is sized from its own
   * benchmark figure ({@code bin/smack bench access}).
   */
  static final List<AccessLoad> ACCESS_MIX =
      List.of(
          new AccessLoad("access-latest", 0.70, "access.latest"),
          new AccessLoad("access-series", 0.20, "access.range-1-day"),
          new AccessLoad("access-predictions", 0.08, "access.prediction"),
          new AccessLoad("access-status", 0.02, "access.status"));

  /** Parts run at most at this share of what they can take. */
  static final double UTILISATION = 0.7;

  static final int REPLICATION = 3;

  /** Cores of a Kafka broker or a Cassandra node. */
  static final int NODE_CORES = 8;

  /**
   * A Marathon app's {@code mem} holds its measured peak resident set times this: a peak on this
   * machine's loads is not the peak of every day.
   */
  static final double MEMORY_HEADROOM = 1.25;

  /** Memory is given in steps of this many MiB. */
  static final long MEMORY_STEP_MIB = 128;

  /**
   * Kafka's published anchor: 786 980 records/s of 100 bytes with 3× replication, from one producer
   * thread to three brokers (J. Kreps, "Benchmarking Apache Kafka", 2014; six-core 2.5 GHz Xeons):
   * ~262 k replicated records/s per broker.
   */
  static final double KAFKA_ANCHOR_PER_BROKER = 786_980 / 3.0;

  /**
   * Cassandra's: a few thousand replica writes per second per vCPU in published cluster runs, e.g.
   * Netflix's 1.1 M client writes/s at replication 3 on 288 four-vCPU instances (2011), ~2 900 per
   * vCPU; 3 000.
   */
  static final double CASSANDRA_ANCHOR_PER_CORE = 3_000;

  /** {@code QUOTES[,REQUESTS]} as given to {@code --capacity}. */
  static Capacity parse(String load) {
    String[] parts = load.split(",");
    try {
      double quotes = Double.parseDouble(parts[0].strip());
      double requests = parts.length > 1 ? Double.parseDouble(parts[1].strip()) : 0;
      if (parts.length > 2 || quotes <= 0 || requests < 0) {
        throw new NumberFormatException(load);
      }
      return new Capacity(quotes, requests);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--capacity takes QUOTES_PER_SECOND[,REQUESTS_PER_SECOND], e.g. 1000000,20000; got '"
              + load
              + "'");
    }
  }

  /** One part's size, how it was reached, and the figures it rests on. */
  record Part(String part, long count, String unit, String reason) {}

  /**
   * What one deploy file gives a part, what the load needs of it, and the memory its measured peak
   * asks for.
   *
   * @param peakFigure the figure of the part's peak resident set
   * @param peakMib its median, NaN when the results do not have it
   * @param forLoad what to set in the file for the load
   */
  record App(
      String app,
      String file,
      double cpus,
      long memMib,
      String peakFigure,
      double peakMib,
      String forLoad) {

    boolean measured() {
      return !Double.isNaN(peakMib);
    }

    /** {@link #MEMORY_HEADROOM} times the peak, rounded up to {@link #MEMORY_STEP_MIB}. */
    long neededMib() {
      return measured() ? roundUp((long) Math.ceil(peakMib * MEMORY_HEADROOM), MEMORY_STEP_MIB) : 0;
    }

    boolean enough() {
      return memMib >= neededMib();
    }
  }

  /** The sizing: the parts, the deploy files' resources, and the assumptions stated once. */
  record Sizing(Capacity load, List<Part> parts, List<App> apps, List<String> assumptions) {

    /** The apps whose file gives less memory than their measured peak needs. */
    List<App> shortOfMemory() {
      return apps.stream().filter(app -> !app.enough()).toList();
    }

    long count(String part) {
      return parts.stream()
          .filter(p -> p.part().equals(part))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no part " + part))
          .count();
    }

    String report() {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "For %,.0f quotes/s and %,.0f API requests/s:%n%n",
              load.quotesPerSecond(),
              load.requestsPerSecond()));
      out.append("| part | size | from |\n|---|---|---|\n");
      for (Part part : parts) {
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %,d %s | %s |%n",
                part.part(),
                part.count(),
                part.unit(),
                part.reason()));
      }
      out.append(
          String.format(
              Locale.ROOT,
              "%nWhat the deploy files give each part, and what to set in them for this load"
                  + " (mem holds %.2f × the part's measured peak resident set):%n%n",
              MEMORY_HEADROOM));
      out.append(
          "| part | file | cpus | mem (MiB) | measured peak | for this load |\n"
              + "|---|---|---|---|---|---|\n");
      for (App app : apps) {
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | `%s` | %s | %,d%s | %s | %s |%n",
                app.app(),
                app.file(),
                cpus(app.cpus()),
                app.memMib(),
                app.measured() && !app.enough()
                    ? String.format(Locale.ROOT, " (too little: needs %,d)", app.neededMib())
                    : "",
                app.measured()
                    ? String.format(
                        Locale.ROOT,
                        "%,.0f MiB (`%s`) → needs %,d",
                        app.peakMib(),
                        app.peakFigure(),
                        app.neededMib())
                    : "not in these results (`" + app.peakFigure() + "`)",
                app.forLoad()));
      }
      out.append("\nAssumptions:\n");
      assumptions.forEach(a -> out.append("- ").append(a).append('\n'));
      return out.toString();
    }
  }

  /** The sizing on the deploy files {@code bin/smack bench} finds from the project root. */
  Sizing size(Results results) {
    return size(results, Deployment.read(Deployment.DEFAULT_DIR));
  }

  Sizing size(Results results, Deployment deployment) {
    int cores = results.machine().path("cores").asInt();
    if (cores <= 0) {
      throw new IllegalArgumentException("the results name no core count of their machine");
    }
    double usable = UTILISATION;
    List<Part> parts = new ArrayList<>();

    double collectorPerCore = results.figure("collector.quotes").median() / cores;
    double collectorCores = deployment.collector().cpus();
    long collectors = atLeast(1, quotesPerSecond / (collectorPerCore * collectorCores * usable));
    parts.add(
        new Part(
            "collector instances",
            collectors,
            "× " + cpus(collectorCores) + " cpu",
            perCore("collector.quotes", collectorPerCore, "quotes/s")));

    double producerPerCore = results.figure("kafka-producer.records").median() / cores;
    double replicated = quotesPerSecond * REPLICATION;
    long brokersMeasured =
        atLeast(REPLICATION, replicated / (producerPerCore * NODE_CORES * usable));
    long brokersAnchor = atLeast(REPLICATION, replicated / (KAFKA_ANCHOR_PER_BROKER * usable));
    long brokers = Math.max(brokersMeasured, brokersAnchor);
    parts.add(
        new Part(
            "Kafka brokers",
            brokers,
            "× " + NODE_CORES + " cores",
            String.format(
                Locale.ROOT,
                "%,.0f replicated records/s; %s → %d, the published anchor (%,.0f/broker) → %d",
                replicated,
                perCore("kafka-producer.records", producerPerCore, "records/s"),
                brokersMeasured,
                KAFKA_ANCHOR_PER_BROKER,
                brokersAnchor)));

    double jobPerCore = results.figure("ingest.job").median() / cores;
    int perExecutor = deployment.ingestStreaming().executorCores();
    long executorCores = roundUp(atLeast(1, quotesPerSecond / (jobPerCore * usable)), perExecutor);
    parts.add(
        new Part(
            "Spark executor cores (streaming job)",
            executorCores,
            "cores",
            perCore("ingest.job", jobPerCore, "quotes/s")
                + ", in executors of "
                + perExecutor
                + " (`spark.executor.cores`)"));

    long partitions = roundUp(Math.max(executorCores, 2L * brokers), brokers);
    parts.add(
        new Part(
            "Kafka partitions (quotes topic)",
            partitions,
            "partitions",
            "one or more per executor core (Spark reads a partition with one task), at least two"
                + " per broker, a multiple of the brokers"));

    // rows the job writes per quote (quote, bars, latest, day), counted by the ingest benchmark
    boolean counted = results.has("ingest.rows-per-quote");
    double rowsPerQuote = counted ? results.figure("ingest.rows-per-quote").median() : 1;
    double writesPerCore = results.figure("cassandra-writes.rows").median() / cores;
    double replicaWrites = quotesPerSecond * rowsPerQuote * REPLICATION;
    long nodesMeasured =
        atLeast(REPLICATION, replicaWrites / (writesPerCore * NODE_CORES * usable));
    long nodesAnchor =
        atLeast(REPLICATION, replicaWrites / (CASSANDRA_ANCHOR_PER_CORE * NODE_CORES * usable));
    parts.add(
        new Part(
            "Cassandra nodes (replication 3)",
            Math.max(nodesMeasured, nodesAnchor),
            "× " + NODE_CORES + " cores",
            String.format(
                Locale.ROOT,
                "%.2f row writes per quote (%s), %,.0f replica writes/s; %s → %d, the published"
                    + " anchor (%,.0f/core) → %d",
                rowsPerQuote,
                counted ? "`ingest.rows-per-quote`" : "assumed: these results do not count them",
                replicaWrites,
                perCore("cassandra-writes.rows", writesPerCore, "rows/s"),
                nodesMeasured,
                CASSANDRA_ANCHOR_PER_CORE,
                nodesAnchor)));

    Map<String, Long> accessInstances = new LinkedHashMap<>();
    for (AccessLoad load : ACCESS_MIX) {
      double perCore = results.figure(load.figure()).median() / cores;
      double serviceCores = deployment.access().get(load.service()).cpus();
      double requests = requestsPerSecond * load.share();
      long instances = Math.max(2, atLeast(1, requests / (perCore * serviceCores * usable)));
      accessInstances.put(load.service(), instances);
      parts.add(
          new Part(
              load.service() + " instances",
              instances,
              "× " + cpus(serviceCores) + " cpu",
              String.format(
                  Locale.ROOT,
                  "%.0f %% of the requests, %,.0f/s; %s; at least two, so that one can fail"
                      + " behind the balancer",
                  load.share() * 100,
                  requests,
                  perCore(load.figure(), perCore, "req/s"))));
    }

    List<String> assumptions =
        List.of(
            String.format(
                Locale.ROOT,
                "per-core rates are the run's medians over its machine's %d cores, shared by every"
                    + " server and load generator: a dedicated core does more",
                cores),
            String.format(
                Locale.ROOT, "every part runs at %.0f %% of what it can take", usable * 100),
            "Kafka and Cassandra replicate 3 times; each replica costs a broker or node the work of"
                + " a write",
            String.format(
                Locale.ROOT,
                "brokers and Cassandra nodes have %d cores; collector and access instances the"
                    + " cpus of their Marathon apps",
                NODE_CORES),
            "a quote is ~100 bytes encoded (the bare producer's records), so a broker is bound by"
                + " records, not bytes, well below ~80 MB/s per producer thread",
            "API requests are split among the access services as dashboards ask: "
                + ACCESS_MIX.stream()
                    .map(
                        l -> String.format(Locale.ROOT, "%s %.0f %%", l.service(), l.share() * 100))
                    .collect(Collectors.joining(", "))
                + "; each at the cost of its benchmark's request (/latest from the 250 ms cache,"
                + " one-day ranges, a prediction, the status)");
    List<App> apps =
        apps(results, deployment, collectors, accessInstances, executorCores, partitions);
    return new Sizing(this, parts, apps, assumptions);
  }

  /**
   * Each deploy file's resources against its part's measured peak: the services' peaks under the
   * benchmarks' loads, and a Spark job's on Spark local, where driver and executor share one JVM
   * (so an upper bound of each).
   */
  private static List<App> apps(
      Results results,
      Deployment deployment,
      long collectors,
      Map<String, Long> accessInstances,
      long executorCores,
      long partitions) {
    Deployment.App ingest = deployment.ingestStreaming();
    Deployment.App training = deployment.modelTraining();
    String ingestPeak = "ingest.job.peak-rss";
    String trainingPeak = "training.peak-rss";
    List<App> apps = new ArrayList<>();
    apps.add(
        app(
            results,
            "collector",
            deployment.collector(),
            "pipeline.collector.peak-rss",
            collectors + " apps (one per set of sources)"));
    // one image: every access service's instance has the peak of the access benchmark's
    accessInstances.forEach(
        (service, instances) ->
            apps.add(
                app(
                    results,
                    service,
                    deployment.access().get(service),
                    "access.peak-rss",
                    "\"instances\": " + instances)));
    apps.addAll(
        List.of(
            app(results, "streaming job: driver", ingest, ingestPeak, "one instance"),
            new App(
                "streaming job: executors",
                ingest.file(),
                ingest.executorCores(),
                ingest.executorMemoryMib(),
                ingestPeak,
                peak(results, ingestPeak),
                "`spark.cores.max="
                    + executorCores
                    + "`, `INGEST_SHUFFLE_PARTITIONS="
                    + executorCores
                    + "`, "
                    + partitions
                    + " partitions"),
            app(results, "training job: driver", training, trainingPeak, "as committed"),
            new App(
                "training job: executors",
                training.file(),
                training.executorCores(),
                training.executorMemoryMib(),
                trainingPeak,
                peak(results, trainingPeak),
                "as committed: more cores shorten a run")));
    return apps;
  }

  private static App app(
      Results results, String name, Deployment.App file, String peakFigure, String forLoad) {
    return new App(
        name,
        file.file(),
        file.cpus(),
        file.memMib(),
        peakFigure,
        peak(results, peakFigure),
        forLoad);
  }

  private static double peak(Results results, String figure) {
    return results.has(figure) ? results.figure(figure).median() : Double.NaN;
  }

  /** {@code 1}, {@code 0.5}: a Marathon app's cpus as its file writes them. */
  static String cpus(double cpus) {
    return cpus == Math.rint(cpus)
        ? String.valueOf((long) cpus)
        : String.format(Locale.ROOT, "%s", cpus);
  }

  private static String perCore(String figure, double perCore, String unit) {
    return String.format(Locale.ROOT, "`%s` %,.0f %s per core", figure, perCore, unit);
  }

  private static long atLeast(long least, double needed) {
    return Math.max(least, (long) Math.ceil(needed));
  }

  private static long roundUp(long value, long multiple) {
    return (value + multiple - 1) / multiple * multiple;
  }
}
