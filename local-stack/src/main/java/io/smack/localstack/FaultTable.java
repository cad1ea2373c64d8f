package io.smack.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The README's fault table, rendered from the figures the last green {@code bin/smack chaos} run
 * counted ({@value #RESULTS}, committed with the commit and the date of that run), so that no
 * figure in it is typed by hand and each names the run that produced it. A row's cells are
 * templates: {@code {name}} stands for the figure {@code name} the fault's test recorded through
 * {@link FaultFigures}; a row whose test recorded nothing says so.
 *
 * <pre>
 *   FaultTable record ROOT FIGURES SECONDS   gathers FIGURES/*.json into RESULTS, renders the README
 *   FaultTable render ROOT                   renders the README from the committed RESULTS
 * </pre>
 */
public final class FaultTable {

  /** The committed results, from the project root. */
  public static final String RESULTS = "chaos/faults.json";

  public static final String README = "README.md";

  public static final String START =
      "<!-- figures: faults (rendered from " + RESULTS + " by bin/smack chaos; do not edit) -->";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FIGURE = Pattern.compile("\\{([a-zA-Z][a-zA-Z0-9]*)}");

  private static final String COUNTS =
      "{produced} produced, {inKafka} in Kafka ({doubled} doubled), {stored} stored,"
          + " {duplicates} duplicates, {lost} lost";

  /** A row of the table: the fault, the test that injects it, what the test counted. */
  record Row(String id, String fault, String test, String shows) {}

  static final List<Row> ROWS =
      List.of(
          new Row(
              "leader-kill",
              "the leader broker of the busiest partition killed (SIGKILL) mid-collection,"
                  + " restarted; twice, the collector still sending at each kill ({seconds} s"
                  + " of load)",
              "ClusterFaultsIT",
              COUNTS
                  + "; restarts of the streaming job and the access service: {ingestRestarts}"
                  + " and {accessRestarts} (asserted: 0)"),
          new Row(
              "cassandra-kill",
              "a Cassandra node killed under ingest and API load, restarted 20 s later",
              "ClusterFaultsIT",
              COUNTS
                  + "; {requests} API requests, {answered} answered 200, the slowest in"
                  + " {slowestSeconds} s; restarts: {ingestRestarts} and {accessRestarts}"
                  + " (asserted: 0); the node alone held every row {catchUpSeconds} s after"
                  + " the counts (hints)"),
          new Row(
              "cassandra-freeze",
              "a Cassandra node frozen (SIGSTOP) 30 s, then SIGCONT",
              "ClusterFaultsIT",
              COUNTS
                  + "; {requests} API requests: {answered} answered 200, {unavailable}"
                  + " answered 503, every one (answered or failed) within the 2 s request"
                  + " timeout and what a loaded machine adds (slowest {slowestSeconds} s),"
                  + " none left unanswered; the access service had {threadsBefore} threads"
                  + " before, {threadsFrozen} frozen, {threadsAfter} after; the streaming job"
                  + " restarted {ingestRestarts} time(s) (asserted: at most 1: its bars query"
                  + " may fail on the frozen node, and it starts again from its checkpoint)"),
          new Row(
              "quorum-loss",
              "two Cassandra nodes killed: no quorum for 30 s",
              "ClusterFaultsIT",
              COUNTS
                  + "; without a quorum {requests} API requests, {unavailable} answered 503"
                  + " (asserted: all), the slowest in {slowestSeconds} s; the streaming job's"
                  + " batch failed, it exited and was started again from its checkpoint:"
                  + " {ingestRestarts} time(s) (asserted: 1)"),
          new Row(
              "broker-partition",
              "the leader broker of the busiest partition cut off from the other two (iptables,"
                  + " both ways) for 30 s, then healed; clients still reach it",
              "ClusterFaultsIT",
              COUNTS
                  + "; the streaming job restarted {ingestRestarts} time(s) (asserted: at most"
                  + " 1), the access service {accessRestarts}"),
          new Row(
              "ring-partition",
              "a Cassandra node cut off from the other two (gossip and writes, both ways) for"
                  + " 30 s under ingest and API load; clients still reach it",
              "ClusterFaultsIT",
              COUNTS
                  + "; {requests} API requests: {answered} answered 200, {unavailable} 503, none"
                  + " unanswered, the slowest in {slowestSeconds} s; the streaming job restarted"
                  + " {ingestRestarts} time(s) (asserted: at most 1); the cut node alone held"
                  + " every row {catchUpSeconds} s after the counts (hints)"),
          new Row(
              "job-partition",
              "the streaming job cut off from the broker leading the busiest partition for 30 s",
              "ClusterFaultsIT",
              COUNTS + "; the job restarted {ingestRestarts} time(s) (asserted: at most 1)"),
          new Row(
              "api-partition",
              "the access service cut off from two of the three Cassandra nodes for 30 s",
              "ClusterFaultsIT",
              COUNTS
                  + "; {requests} API requests during the cut: {answered} answered 200,"
                  + " {unavailable} 503, none unanswered, the slowest in {slowestSeconds} s (the"
                  + " request timeout is 2 s); every request answered after the heal"),
          new Row(
              "slow-link",
              "a slow, lossy link to one Cassandra node: its clients' traffic narrowed to 256"
                  + " kbit/s (tc) and 5 % of its packets dropped (iptables) for 30 s",
              "ClusterFaultsIT",
              COUNTS
                  + "; {requests} API requests: {answered} answered 200 (asserted: all), p99"
                  + " {p99Millis} ms, the slowest in {slowestSeconds} s: the driver's speculative"
                  + " execution asks a second replica after 200 ms"),
          new Row(
              "slow-clients",
              "slowloris through HAProxy: {slowConnections} connections from one address, each"
                  + " sending its headers a byte a second, for 30 s",
              "ClusterFaultsIT",
              COUNTS
                  + "; {requests} users' requests, each on a new connection: {answered} answered"
                  + " 200 (asserted: all), p99 {p99Millis} ms; HAProxy refused {refused} of the"
                  + " attacker's connections (100 per address) and cut {timedOut} off after 5 s"
                  + " (408)"),
          new Row(
              "spark-worker-kill",
              "a Spark worker and its executor killed mid-batch",
              "IngestOnSparkClusterIT",
              "the lost tasks run again on the other worker: {produced} produced, {stored}"
                  + " stored, {duplicates} duplicates, {lost} lost (800 quotes/s)"),
          new Row(
              "driver-kill",
              "the driver killed three times, with remote executors",
              "IngestOnSparkClusterIT",
              "restarted from its checkpoint each time: {produced} produced, {stored} stored,"
                  + " {duplicates} duplicates, {lost} lost (800 quotes/s)"),
          new Row(
              "access-failover",
              "one of two access instances killed under load behind HAProxy",
              "AccessFailoverIT",
              "{requests} requests, {answered} answered 200 ({afterKill} after the kill, all by"
                  + " the survivor): HAProxy's retry and redispatch"),
          new Row(
              "supervision",
              "each kind of part and server killed under `bin/smack up`: the streaming job, the"
                  + " collector, the access service, Kafka, Cassandra",
              "SupervisionIT",
              "{killed} killed: the supervisor names the signal and starts it again, quotes"
                  + " reach the API again; nothing else restarts, but for the streaming job when"
                  + " Cassandra dies (its batch fails; it is started again from its"
                  + " checkpoint)"),
          new Row(
              "broker-restart",
              "the single broker stopped and started again under the collector",
              "BrokerRestartIT",
              "the collector goes on: {produced} quotes, {sentWhenDown} sent when the broker"
                  + " went down, {inKafka} in Kafka, each once"),
          new Row(
              "ingest-restart",
              "the single-node streaming job killed three times under a steady load",
              "IngestRestartIT",
              "{produced} produced, {stored} stored, {duplicates} duplicates, {lost} lost"
                  + " (`bin/smack test` keeps its one kill mid-batch)"),
          new Row(
              "busy-cluster-start",
              "the cluster started while every core is busy",
              "BusyClusterStartIT",
              "it comes up, topics and schema made, in {seconds} s"));

  private FaultTable() {}

  public static void main(String[] args) throws IOException {
    try {
      run(args);
    } catch (UncheckedIOException | IllegalStateException e) {
      System.err.println("smack: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void run(String[] args) throws IOException {
    if (args.length == 4 && args[0].equals("record")) {
      Path root = Path.of(args[1]);
      ObjectNode results = gather(Path.of(args[2]), Long.parseLong(args[3]));
      Path file = root.resolve(RESULTS);
      Files.createDirectories(file.getParent());
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), results);
      render(root);
      System.out.println("smack: the fault table's figures written to " + file + " and README.md");
    } else if (args.length == 2 && args[0].equals("render")) {
      render(Path.of(args[1]));
    } else {
      System.err.println("usage: FaultTable record ROOT FIGURES SECONDS | render ROOT");
      System.exit(2);
    }
  }

  /** The results of a run: its commit, date, machine and length, and each fault's figures. */
  static ObjectNode gather(Path figures, long seconds) throws IOException {
    ObjectNode results = JSON.createObjectNode();
    results.put("commit", ReadmeFigures.commit());
    results.put("finishedAt", Instant.now().toString());
    results.put("cores", Runtime.getRuntime().availableProcessors());
    results.put("seconds", seconds);
    ObjectNode faults = results.putObject("faults");
    try (Stream<Path> files = Files.list(figures)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode entry = JSON.readTree(file.toFile());
        faults.set(entry.get("fault").asText(), entry.get("figures"));
      }
    }
    return results;
  }

  /** Rewrites the README's fault table from the committed results. */
  static void render(Path root) {
    Path readme = root.resolve(README);
    try {
      String text = Files.readString(readme);
      String rendered = ReadmeFigures.replace(text, START, table(read(root)));
      if (!rendered.equals(text)) {
        Files.writeString(readme, rendered);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("rendering the fault table into " + readme + " failed", e);
    }
  }

  static JsonNode read(Path root) {
    try {
      return JSON.readTree(root.resolve(RESULTS).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + root.resolve(RESULTS) + " failed", e);
    }
  }

  /** The table with its provenance line: which run, of what commit, when, how long. */
  static String table(JsonNode results) {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "The last `bin/smack chaos` run: commit `%s` on %d cores, %s, %d minutes (300"
                    + " quotes/s for 60 s unless said).%n%n",
                results.get("commit").asText(),
                results.get("cores").asInt(),
                LocalDate.ofInstant(
                    Instant.parse(results.get("finishedAt").asText()), ZoneOffset.UTC),
                Math.round(results.get("seconds").asDouble() / 60)));
    out.append("| fault | test | what it showed |\n|---|---|---|\n");
    JsonNode faults = results.get("faults");
    for (Row row : ROWS) {
      JsonNode figures = faults.get(row.id());
      out.append("| ")
          .append(fill(row.fault(), row.id(), figures))
          .append(" | `")
          .append(row.test())
          .append("` | ")
          .append(
              figures == null ? "not recorded by that run" : fill(row.shows(), row.id(), figures))
          .append(" |\n");
    }
    return out.toString();
  }

  /** {@code template} with each {@code {name}} replaced by the figure {@code name}. */
  static String fill(String template, String fault, JsonNode figures) {
    Matcher m = FIGURE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      JsonNode value = figures == null ? null : figures.get(m.group(1));
      if (value == null) {
        if (figures == null) {
          m.appendReplacement(out, "…");
          continue;
        }
        throw new IllegalStateException(
            "the fault " + fault + " recorded no figure '" + m.group(1) + "'");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(number(value)));
    }
    return m.appendTail(out).toString();
  }

  /** Whole numbers with a space between thousands, as the README writes them; others to 0.1. */
  static String number(JsonNode value) {
    if (value.isIntegralNumber()) {
      return String.format(Locale.ROOT, "%,d", value.asLong()).replace(',', ' ');
    }
    return String.format(Locale.ROOT, "%.1f", value.asDouble());
  }
}
