package io.smack.deploy;

import static io.smack.deploy.Definitions.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.localstack.Await;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.Ports;
import io.smack.localstack.SparkHome;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The four runnable jars the images hold, started the way the images start them, run the pipeline
 * on the real local stack: the collector's and the access service's Dockerfile ENTRYPOINT ({@code
 * java ... -jar}), the Spark jobs through {@code docker/spark-job.sh} and {@code spark-submit}.
 * Spark here is what its distribution holds (the Maven artifacts the jobs' jars leave out), so a
 * class missing from a shaded jar fails here, not on the cluster.
 */
@ExtendWith(LocalStackExtension.class)
class RunnableJarsIT {

  private static final Path WORK = Path.of("target", "runnable-jars").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SYMBOL = "JARS";
  private static final int ROWS = 80;

  @Test
  void should_run_the_pipeline_from_the_jars_as_the_images_start_them(StackAddresses stack)
      throws Exception {
    // given the stack, a keyspace of this test's own and a CSV of monthly prices
    Files.createDirectories(WORK);
    Map<String, String> env = new HashMap<>(stack.environment());
    env.put("CASSANDRA_KEYSPACE", "runnable_jars_" + Long.toString(System.nanoTime(), 36));
    Path csv = WORK.resolve("prices.csv");
    Files.write(csv, csvRows());

    // when the collector replays it and exits
    Map<String, String> collectorEnv = new HashMap<>(env);
    collectorEnv.putAll(
        Map.of(
            "COLLECTOR_SOURCES",
            "stocks",
            "CSV_PATH",
            csv.toString(),
            "COLLECTOR_EXIT_WHEN_DONE",
            "true",
            // port 0: the process binds any free port itself (a port chosen here and bound later
            // can be taken meanwhile by one of the many connections the jobs open)
            "HTTP_PORT",
            "0"));
    try (ImageProcess collector =
        ImageProcess.start(entryPoint("collector"), collectorEnv, WORK.resolve("collector.log"))) {
      assertExit(collector, 120);
    }

    // and the streaming job takes what the topic holds into Cassandra, then the training job runs
    Map<String, String> ingestEnv = new HashMap<>(env);
    ingestEnv.putAll(
        Map.of(
            "INGEST_TRIGGER", "available-now",
            "INGEST_CHECKPOINT_DIR", WORK.resolve("checkpoint-" + System.nanoTime()).toString(),
            "HTTP_PORT", "0"));
    try (ImageProcess ingest = sparkJob("ingest-streaming", "smack-ingest", ingestEnv)) {
      assertExit(ingest, 300);
    }
    try (ImageProcess training = sparkJob("model-training", "smack-training", env)) {
      assertExit(training, 300);
    }

    // then the access service serves the series and the model
    int port = Ports.free();
    Map<String, String> accessEnv = new HashMap<>(env);
    accessEnv.put("HTTP_PORT", String.valueOf(port));
    try (ImageProcess access =
        ImageProcess.start(entryPoint("access-service"), accessEnv, WORK.resolve("access.log"))) {
      String api = "http://127.0.0.1:" + port;
      awaitOk(access, api + "/health/ready");

      JsonNode quotes = get(api + "/quotes/" + SYMBOL + "?limit=1000");
      JsonNode models = get(api + "/models/" + SYMBOL);

      assertThat(quotes.get("quotes")).hasSize(ROWS);
      assertThat(models.get("symbol").asText()).isEqualTo(SYMBOL);
      assertThat(models.get("served").asInt()).isEqualTo(1);
      assertThat(models.get("versions")).hasSize(1);
    }
  }

  /** The Dockerfile's ENTRYPOINT, with the jar it names taken from the build. */
  private static List<String> entryPoint(String service) throws IOException {
    Dockerfile dockerfile =
        Dockerfile.read(ROOT.resolve("docker").resolve(service + ".Dockerfile"));
    List<String> command = new ArrayList<>();
    for (JsonNode part : JSON.readTree(dockerfile.last("ENTRYPOINT").orElseThrow())) {
      String jar = "/opt/smack/smack-" + service + ".jar";
      command.add(
          part.asText().equals(jar)
              ? ROOT.resolve(service).resolve("target/smack-" + service + ".jar").toString()
              : part.asText());
    }
    return command;
  }

  /**
   * {@code docker/spark-job.sh NAME}, with the environment the job's image sets, on Spark local,
   * with a {@code spark-submit} that runs Spark's own SparkSubmit on what a Spark distribution
   * holds.
   */
  private static ImageProcess sparkJob(String job, String name, Map<String, String> jobEnv)
      throws IOException {
    Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("docker").resolve(job + ".Dockerfile"));
    Path sparkHome = sparkDistribution(job);
    Map<String, String> env = new HashMap<>(jobEnv);
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_MASTER", "local[2]");
    env.put("SMACK_JOB_CLASS", dockerfile.value("ENV", "SMACK_JOB_CLASS").orElseThrow());
    env.put("SMACK_JOB_JAR", ROOT.resolve(job).resolve("target/smack-" + job + ".jar").toString());
    List<String> command =
        List.of(
            ROOT.resolve("docker/spark-job.sh").toString(),
            name,
            "--conf",
            "spark.ui.enabled=false",
            "--driver-memory",
            "1g");
    return ImageProcess.start(command, env, WORK.resolve(job + ".log"));
  }

  /**
   * A SPARK_HOME laid out as a Spark distribution ({@link SparkHome}: Spark's jars and the
   * libraries its distribution ships, which the job's jar leaves out), whose {@code
   * bin/spark-submit} runs Spark's own {@code SparkSubmit} on them.
   */
  private static Path sparkDistribution(String job) throws IOException {
    Path home = SparkHome.assemble(ROOT, List.of(job), WORK.resolve("spark-" + job));
    Files.createDirectories(home.resolve("bin"));
    Path submit = home.resolve("bin/spark-submit");
    Files.writeString(
        submit,
        "#!/bin/sh\nexec java "
            + String.join(" ", SparkHome.jvmFlags(ROOT, job))
            + " -cp '"
            + SparkHome.classpath(home)
            + "' org.apache.spark.deploy.SparkSubmit \"$@\"\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  private static List<String> csvRows() {
    DateTimeFormatter format = DateTimeFormatter.ofPattern("MMM d yyyy", Locale.ENGLISH);
    List<String> rows = new ArrayList<>(List.of("symbol,date,price"));
    LocalDate month = LocalDate.of(2001, 1, 1);
    for (int i = 0; i < ROWS; i++) {
      rows.add(SYMBOL + "," + format.format(month.plusMonths(i)) + "," + (100 + i % 7 + i * 0.5));
    }
    return rows;
  }

  private static void assertExit(ImageProcess process, long seconds) throws InterruptedException {
    OptionalInt exit = process.awaitExit(seconds);
    assertThat(exit).as("exit status; the log ends:%n%s", process.tail()).hasValue(0);
  }

  private static void awaitOk(ImageProcess process, String url) throws InterruptedException {
    Await.until(
        () -> {
          assertThat(process.isAlive()).as("running; the log ends:%n%s", process.tail()).isTrue();
          return status(url) == 200;
        },
        Duration.ofSeconds(90));
  }

  /** The status {@code url} answers, 0 while nothing listens. */
  private static int status(String url) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException starting) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
