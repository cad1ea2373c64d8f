package io.smack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.localstack.Await;
import io.smack.localstack.FaultFigures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/smack up} supervises like Marathon: its launcher ({@code PipelineMain}, as {@code
 * bin/smack up --free-ports} runs it) on a stack of its own; each kind of part and server (the
 * streaming job, the collector, the access service, the Kafka broker, the Cassandra node) is killed
 * with SIGKILL in turn, and each time the launcher names the signal, starts it again, and quotes
 * reach the API again, while nothing else is restarted. Tagged {@code chaos} (a whole {@code
 * bin/smack up} of its own, about two and a half minutes): {@code bin/smack chaos} runs it.
 */
@Tag("chaos")
class SupervisionIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WORK = Path.of("target", "up-supervision").toAbsolutePath();
  private static final Pattern STARTED = Pattern.compile("(\\S+) started as process (\\d+)");
  private static final Pattern ACCESS = Pattern.compile("access service ready at (\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Every kind of part and server {@code bin/smack up} runs, by the name its log gives it. */
  private static final List<String> PARTS =
      List.of("ingest-streaming", "collector", "access-service", "Kafka", "Cassandra");

  /**
   * The part that may exit when a server dies: the streaming job's batch fails without Cassandra,
   * and the supervisor starts it again from its checkpoint, as Marathon does. The others wait.
   */
  private static final Map<String, String> DEPENDENTS = Map.of("Cassandra", "ingest-streaming");

  private static Process up;
  private static Path log;
  private static String api;

  @BeforeAll
  static void startUp() throws Exception {
    Files.createDirectories(WORK);
    log = WORK.resolve("up.log");
    Path launcher = ROOT.resolve("local-stack/target/classes");
    String classpath =
        launcher
            + ":"
            + Files.readString(launcher.resolve("io/smack/localstack/launcher.classpath")).strip();
    up =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dlogback.configurationFile=io/smack/localstack/launcher-logback.xml",
                "-cp",
                classpath,
                "io.smack.localstack.PipelineMain",
                "--free-ports",
                "--dir",
                WORK.toString(),
                "--train-every",
                "60m")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Await.until(() -> logged("the pipeline runs") || !up.isAlive(), Duration.ofMinutes(8));
    assertThat(up.isAlive()).as("bin/smack up runs; see " + log).isTrue();
    Matcher access = ACCESS.matcher(Files.readString(log));
    assertThat(access.find()).isTrue();
    api = access.group(1);
  }

  @AfterAll
  static void stopUp() throws InterruptedException {
    if (up != null) {
      up.destroy(); // SIGTERM, as Ctrl-C: everything stops
      if (!up.waitFor(2, TimeUnit.MINUTES)) {
        up.destroyForcibly();
      }
    }
  }

  @Test
  void should_restart_each_kind_of_killed_part_and_server_while_the_rest_runs() throws Exception {
    for (String part : PARTS) {
      // given: quotes flowing
      Instant before = awaitNewerQuote(Instant.EPOCH);
      Map<String, Long> others = new TreeMap<>();
      PARTS.stream()
          .filter(p -> !p.equals(part) && !DEPENDENTS.getOrDefault(part, "").equals(p))
          .forEach(p -> others.put(p, pidOf(p)));

      // when: the part is killed
      long pid = pidOf(part);
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();

      // then: the launcher says how it ended, starts it again, and quotes flow again
      Await.until(
          () -> logged(part + " was killed by SIGKILL (exit code 137)"), Duration.ofSeconds(60));
      Await.until(() -> pidOf(part) != pid, Duration.ofMinutes(2));
      Instant after = awaitNewerQuote(before.plusSeconds(5));
      assertThat(after).isAfter(before);
      others.forEach(
          (other, otherPid) ->
              assertThat(pidOf(other)).as(other + " not restarted").isEqualTo(otherPid));
      assertThat(up.isAlive()).isTrue();
      System.out.printf(
          "killed %s (pid %d) under bin/smack up: restarted as pid %d, quotes flow again%n",
          part, pid, pidOf(part));
    }
    FaultFigures.record("supervision", Map.of("killed", PARTS.size()));
  }

  /** Waits (up to 4 minutes) until AAPL's latest quote is newer than {@code than}. */
  private static Instant awaitNewerQuote(Instant than) throws InterruptedException {
    Instant[] newest = {Instant.EPOCH};
    Await.until(
        () -> {
          latest().ifPresent(ts -> newest[0] = ts);
          return newest[0].isAfter(than);
        },
        Duration.ofMinutes(4));
    return newest[0];
  }

  private static Optional<Instant> latest() {
    try {
      HttpResponse<String> answer =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(api + "/quotes/AAPL/latest"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        return Optional.empty();
      }
      JsonNode quote = JSON.readTree(answer.body());
      return Optional.of(Instant.parse(quote.path("ts").asText()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The pid the launcher last logged for {@code part}. */
  private static long pidOf(String part) {
    List<Long> pids = new ArrayList<>();
    Matcher started = STARTED.matcher(readLog());
    while (started.find()) {
      if (started.group(1).equals(part)) {
        pids.add(Long.parseLong(started.group(2)));
      }
    }
    assertThat(pids).as(part + " in " + log).isNotEmpty();
    return pids.get(pids.size() - 1);
  }

  private static boolean logged(String text) {
    return readLog().contains(text);
  }

  private static String readLog() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }
}
