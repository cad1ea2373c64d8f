package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.common.Quote;
import io.smack.localstack.Await;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The collector as its own process, killed and stopped as a scheduler would. */
@ExtendWith(LocalStackExtension.class)
class CollectorProcessIT {

  private static final Instant NOW = Instant.now();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern FINISHED =
      Pattern.compile("source sim finished: sent (\\d+), rejected (\\d+)");

  @Test
  void should_lose_no_quote_when_killed_mid_replay_and_restarted(StackAddresses stack)
      throws Exception {
    // given: the stocks file replayed over about half a minute
    KafkaTopics topics = new KafkaTopics(stack.kafkaBootstrapServers());
    String[] names = topics.createPair("kill");
    List<String> settings =
        List.of(
            "-Dsmack.collector.sources=stocks",
            "-Dsmack.collector.source.stocks.path="
                + CollectorIT.VEGA.resolve("stocks.csv").toAbsolutePath(),
            "-Dsmack.collector.source.stocks.speed=10000000",
            "-Dsmack.collector.exit-when-done=true");
    Process first = start(stack, names, settings, "kill-first");

    // when: killed once some quotes are in, then started again and left to finish
    topics.awaitAtLeast(names[0], 100, Duration.ofSeconds(60));
    first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    int beforeRestart = topics.readAll(names[0], 1, Duration.ofSeconds(1)).size();
    Process second = start(stack, names, settings, "kill-second");
    assertThat(second.waitFor(90, TimeUnit.SECONDS)).isTrue();

    // then: every row is there; the restarted replay sent the first rows again
    List<ConsumerRecord<String, byte[]>> records =
        topics.readAll(names[0], 560, Duration.ofSeconds(2));
    Set<Quote> distinct = new HashSet<>();
    records.forEach(r -> distinct.add(CollectorIT.decode(r)));
    assertThat(second.exitValue()).isZero();
    assertThat(beforeRestart).isBetween(100, 559);
    assertThat(distinct)
        .containsExactlyInAnyOrderElementsOf(
            CollectorIT.stocksRowsReadByHand(CollectorIT.VEGA.resolve("stocks.csv")));
    assertThat(records).hasSize(560 + beforeRestart);
  }

  @Test
  void should_end_a_one_off_run_that_finishes_at_once_cleanly(
      StackAddresses stack, @TempDir Path dir) throws Exception {
    // given: 123 rows of the stocks file, replayed at full speed: done in milliseconds, often
    // before the health port is bound
    List<String> lines = Files.readAllLines(CollectorIT.VEGA.resolve("stocks.csv"));
    Path file = dir.resolve("msft.csv");
    Files.write(file, lines.subList(0, 124));
    KafkaTopics topics = new KafkaTopics(stack.kafkaBootstrapServers());
    String[] names = topics.createPair("oneoff");

    // when
    Process run =
        start(
            stack,
            names,
            List.of(
                "-Dsmack.collector.sources=stocks",
                "-Dsmack.collector.source.stocks.path=" + file,
                "-Dsmack.collector.exit-when-done=true"),
            "oneoff");

    // then: exit 0, every row sent, health served before the exit (the run waits for the bind,
    // where a stop during it printed IllegalStateException), and no stack trace in its output
    assertThat(run.waitFor(90, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log("oneoff"));
    assertThat(run.exitValue()).as(output).isZero();
    assertThat(topics.readAll(names[0], 123, Duration.ofSeconds(2))).hasSize(123);
    assertThat(output)
        .contains("health and metrics on")
        .doesNotContain("Exception")
        .doesNotContainPattern("(?m)^\\s+at ");
  }

  @Test
  void should_flush_what_it_accepted_and_exit_0_on_sigterm(StackAddresses stack) throws Exception {
    // given: an endless simulator at 5000 quotes a second
    KafkaTopics topics = new KafkaTopics(stack.kafkaBootstrapServers());
    String[] names = topics.createPair("term");
    Process collector =
        start(
            stack,
            names,
            List.of("-Dsmack.collector.sources=sim", "-Dsmack.collector.source.sim.rate=5000"),
            "term");
    topics.awaitAtLeast(names[0], 2000, Duration.ofSeconds(60));

    // when
    collector.destroy(); // SIGTERM
    assertThat(collector.waitFor(60, TimeUnit.SECONDS)).isTrue();

    // then: exit 0, and the topic holds exactly what the collector says it sent
    assertThat(collector.exitValue()).isZero();
    Matcher finished = FINISHED.matcher(Files.readString(log("term")));
    assertThat(finished.find()).as("the collector's closing line").isTrue();
    int sent = Integer.parseInt(finished.group(1));
    assertThat(sent).isGreaterThanOrEqualTo(2000);
    assertThat(topics.readAll(names[0], sent, Duration.ofSeconds(2))).hasSize(sent);
  }

  @Test
  void should_say_it_cannot_reach_kafka_and_stop_within_its_grace_period_saying_what_it_left(
      StackAddresses stack) throws Exception {
    // given: a simulator whose Kafka never answers
    Process collector =
        start(
            stack,
            new String[] {"quotes", "quotes.dlq"},
            List.of(
                "-Dsmack.collector.sources=sim",
                "-Dsmack.collector.source.sim.rate=100",
                "-Dsmack.collector.kafka.unreachable-after=5s"),
            "kafka-away",
            Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"));
    try {
      int port = healthPort(log("kafka-away"), Duration.ofSeconds(60));

      // when: it has run for a while
      AtomicReference<HttpResponse<String>> ready = new AtomicReference<>();
      Await.until(
          () -> {
            ready.set(get(port, "/health/ready"));
            return ready.get().statusCode() == 503;
          },
          Duration.ofSeconds(60));

      // then: alive, not ready, and saying why since when
      assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
      assertThat(ready.get().body())
          .contains("\"status\":\"unready\"", "Kafka has acknowledged nothing since");
      assertThat(health(port).path("kafka").path("unreachable").asText())
          .startsWith("Kafka has acknowledged nothing since");
    } finally {
      collector.destroy(); // SIGTERM
    }

    // and then: it ends within the Marathon app's grace period (45 s), cleanly, saying what it
    // left unsent
    assertThat(collector.waitFor(45, TimeUnit.SECONDS)).as("stopped within 45 s").isTrue();
    String output = Files.readString(log("kafka-away"));
    assertThat(collector.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("records handed to the producer left unsent")
        .doesNotContain("AbruptTerminationException")
        .doesNotContainPattern("(?m)^\\s+at ");
  }

  @Test
  void should_fail_a_source_that_cannot_work_once_and_run_the_others(StackAddresses stack)
      throws Exception {
    // given: a configuration file whose replay expects a symbol column that sp500-2000.csv lacks,
    // beside the simulator
    KafkaTopics topics = new KafkaTopics(stack.kafkaBootstrapServers());
    String[] names = topics.createPair("misconfigured");
    Path sp500 = CollectorIT.VEGA.resolve("sp500-2000.csv").toAbsolutePath();
    Path config = Path.of("target", "misconfigured.conf").toAbsolutePath();
    Files.writeString(
        config,
        """
        smack.collector.sources = "sp500,sim"
        smack.collector.source.sp500 = {
          type = csv, path = "%s", delimiter = ",", symbol-field = symbol, time-field = date,
          time-format = "yyyy-MM-dd", zone = UTC, price-field = close, volume-field = "", speed = 0
        }
        smack.collector.source.sim.limit = 300
        """
            .formatted(sp500));

    // when: a long-running collector
    Process running =
        start(stack, names, List.of("-Dconfig.file=" + config), "misconfigured-running");
    try {
      int port = healthPort(log("misconfigured-running"), Duration.ofSeconds(60));
      AtomicReference<JsonNode> seen = new AtomicReference<>();
      Await.until(
          () -> {
            seen.set(health(port));
            // the simulator's last batch is counted once Kafka has acknowledged it
            return seen.get().path("sources").path("sim").path("sent").asInt() == 300;
          },
          Duration.ofSeconds(60));
      JsonNode health = seen.get();

      // then: the replay failed for good, the simulator ran to its end
      assertThat(health.get("sources").get("sim").get("state").asText()).isEqualTo("completed");
      assertThat(health.get("status").asText()).isEqualTo("failed");
      JsonNode replay = health.get("sources").get("sp500");
      assertThat(replay.get("state").asText()).isEqualTo("failed");
      assertThat(replay.get("failures").asInt()).isEqualTo(1);
      assertThat(replay.get("last_error").asText())
          .contains(
              "has no column 'symbol'",
              "smack.collector.source.sp500.symbol-field",
              sp500.toString());
    } finally {
      running.destroy();
      running.waitFor(60, TimeUnit.SECONDS);
    }

    // and when: a one-off run of the same file
    Process oneOff =
        start(
            stack,
            names,
            List.of("-Dconfig.file=" + config, "-Dsmack.collector.exit-when-done=true"),
            "misconfigured-one-off");

    // then: it exits 2, after one clear line and no restart
    assertThat(oneOff.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(oneOff.exitValue()).isEqualTo(2);
    List<String> lines = Files.readAllLines(log("misconfigured-one-off"));
    assertThat(lines.stream().filter(l -> l.contains("cannot work, not restarting it")))
        .singleElement()
        .asString()
        .contains("smack.collector.source.sp500.symbol-field", sp500.toString());
    assertThat(lines).noneMatch(l -> l.contains("restarting with backoff"));
    assertThat(lines).noneMatch(l -> l.startsWith("\tat ")); // no stack trace
  }

  /** The port the collector logged it serves health on. */
  private static int healthPort(Path log, Duration timeout) throws InterruptedException {
    Pattern serving = Pattern.compile("health and metrics on http://\\S*:(\\d+)/health");
    AtomicReference<Matcher> found = new AtomicReference<>();
    Await.until(
        () -> {
          try {
            found.set(serving.matcher(Files.exists(log) ? Files.readString(log) : ""));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return found.get().find();
        },
        timeout);
    return Integer.parseInt(found.get().group(1));
  }

  /** The collector's GET /health, or an empty object while it does not answer. */
  private static JsonNode health(int port) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      return new ObjectMapper().createObjectNode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Process start(
      StackAddresses stack, String[] topics, List<String> settings, String name) throws Exception {
    return start(stack, topics, settings, name, Map.of());
  }

  private static Process start(
      StackAddresses stack,
      String[] topics,
      List<String> settings,
      String name,
      Map<String, String> environment)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-Dsmack.collector.http.port=0");
    command.addAll(settings);
    command.add("-cp");
    command.add(
        Path.of("target", "classes").toAbsolutePath()
            + File.pathSeparator
            + Files.readString(Path.of("target", "collector.classpath")).strip());
    command.add(CollectorMain.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log(name).toFile());
    builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers());
    builder.environment().put("KAFKA_QUOTES_TOPIC", topics[0]);
    builder.environment().put("KAFKA_DLQ_TOPIC", topics[1]);
    builder.environment().putAll(environment);
    return builder.start();
  }

  private static Path log(String name) {
    return Path.of("target", "collector-" + name + ".log").toAbsolutePath();
  }
}
