package io.smack.deploy;

import static io.smack.deploy.Definitions.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import io.smack.common.AccessServices;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment's artifacts agree with each other and with the build: every image the Marathon
 * apps and the Chronos job name has a Dockerfile; every jar a Dockerfile copies is built, runnable
 * and holds the class it runs; the ports a Dockerfile exposes, the ports in Marathon and the port
 * the service listens on are one; every variable Marathon or Chronos sets is one the service reads.
 * Runs after the service modules built their runnable jars.
 */
class ArtifactConsistencyIT {

  /** The services, the Dockerfile each image comes from and the config block of its HTTP port. */
  private static final Map<String, String> HTTP_CONFIG =
      Map.of(
          "collector", "smack.collector.http",
          "access-service", "smack.access.http",
          "ingest-streaming", "smack.ingest.http");

  private static final Pattern IMAGE = Pattern.compile("smack/([a-z-]+):(\\S+)");
  private static final Pattern READ_VARIABLE = Pattern.compile("\\$\\{\\?([A-Z0-9_]+)}");
  private static final Path DOCKER = ROOT.resolve("docker");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void should_have_a_dockerfile_for_every_image_named_and_tag_the_project_version()
      throws IOException {
    String version = projectVersion();
    Set<String> named = new TreeSet<>();
    for (String image : imagesNamed()) {
      Matcher m = IMAGE.matcher(image);
      assertThat(m.matches()).as(image).isTrue();
      named.add(m.group(1));

      assertThat(DOCKER.resolve(m.group(1) + ".Dockerfile")).as(image).isRegularFile();
      assertThat(m.group(2)).as(image).isEqualTo(version);
    }
    assertThat(named)
        .containsExactly("access-service", "collector", "ingest-streaming", "model-training");
  }

  @Test
  void should_build_the_spark_image_on_the_spark_version_the_jobs_were_compiled_against()
      throws IOException {
    Dockerfile spark = Dockerfile.read(DOCKER.resolve("spark.Dockerfile"));
    String sparkVersion = pomProperty("spark.version");
    String scala = pomProperty("scala.binary.version");

    // the distribution is the build's own Spark (SparkDistribution), checked by name at build time
    assertThat(spark.copies())
        .anySatisfy(c -> assertThat(c[0]).isEqualTo("deploy/target/spark-dist"));
    assertThat(String.join("\n", spark.all("RUN")))
        .contains("/opt/spark/jars/spark-core_" + scala + "-" + sparkVersion + ".jar");
    assertThat(spark.value("ENV", "SPARK_HOME")).contains("/opt/spark");
    for (String job : List.of("ingest-streaming", "model-training")) {
      Dockerfile dockerfile = Dockerfile.read(DOCKER.resolve(job + ".Dockerfile"));
      assertThat(dockerfile.value("ARG", "SPARK_IMAGE"))
          .as(job)
          .contains("smack/spark:" + sparkVersion + "-scala" + scala + "-java17");
      assertThat(dockerfile.all("FROM")).as(job).containsExactly("${SPARK_IMAGE}");
    }
    // bin/smack images tags the base as the job images expect it
    assertThat(Files.readString(ROOT.resolve("bin/smack")))
        .contains("spark:" + sparkVersion + "-scala" + scala + "-java17");
  }

  @Test
  void should_build_every_jar_a_dockerfile_copies_with_the_class_it_runs() throws IOException {
    for (String service : List.of("collector", "access-service")) {
      Dockerfile dockerfile = Dockerfile.read(DOCKER.resolve(service + ".Dockerfile"));
      String[] copy = jarCopy(dockerfile);
      try (JarFile jar = new JarFile(ROOT.resolve(copy[0]).toFile())) {
        String main = jar.getManifest().getMainAttributes().getValue("Main-Class");

        assertThat(main).as(service).startsWith("io.smack.");
        assertThat(jar.getEntry(main.replace('.', '/') + ".class")).as(main).isNotNull();
        assertThat(dockerfile.last("ENTRYPOINT").orElseThrow())
            .as(service)
            .contains("\"-jar\", \"" + copy[1] + "\"");
      }
    }
    for (String job : List.of("ingest-streaming", "model-training")) {
      Dockerfile dockerfile = Dockerfile.read(DOCKER.resolve(job + ".Dockerfile"));
      String[] copy = jarCopy(dockerfile);
      String main = dockerfile.value("ENV", "SMACK_JOB_CLASS").orElseThrow();
      try (JarFile jar = new JarFile(ROOT.resolve(copy[0]).toFile())) {
        assertThat(jar.getEntry(main.replace('.', '/') + ".class")).as(main).isNotNull();
        assertThat(dockerfile.value("ENV", "SMACK_JOB_JAR")).as(job).contains(copy[1]);
      }
    }
  }

  @Test
  void should_expose_marathon_and_listen_on_one_port_per_service() throws IOException {
    for (String service : List.of("collector", "access-service")) {
      int exposed = Dockerfile.read(DOCKER.resolve(service + ".Dockerfile")).exposed().get(0);
      assertThat(listenPort(service, Map.of())).as(service).isEqualTo(exposed);
      for (JsonNode app : appsOf(service)) {
        JsonNode mapping = app.get("container").get("portMappings").get(0);
        Map<String, String> env = new HashMap<>();
        app.get("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));

        // the port its environment makes it listen on (the image's, unless HTTP_PORT moves it)
        assertThat(mapping.get("containerPort").asInt())
            .as(app.get("id").asText())
            .isEqualTo(listenPort(service, env));
        assertThat(app.get("healthChecks").get(0).get("portIndex").asInt()).isZero();
      }
    }
    // the driver shares the agent's network: its ports are Marathon's, passed by name
    JsonNode ingest = Definitions.marathonApp("ingest-streaming");
    String entryPoint = Files.readString(DOCKER.resolve("spark-job.sh"));
    int http = -1;
    for (int i = 0; i < ingest.get("portDefinitions").size(); i++) {
      String name = ingest.get("portDefinitions").get(i).get("name").asText();
      assertThat(entryPoint).as(name).contains("${PORT_" + name.toUpperCase() + ":-}");
      http = name.equals("http") ? i : http;
    }
    assertThat(ingest.get("healthChecks").get(0).get("portIndex").asInt()).isEqualTo(http);
    assertThat(entryPoint).contains("export HTTP_PORT=\"$PORT_HTTP\"");
    assertThat(listenPort("ingest-streaming", Map.of()))
        .isEqualTo(Dockerfile.read(DOCKER.resolve("ingest-streaming.Dockerfile")).exposed().get(0));
  }

  @Test
  void should_check_only_paths_the_services_serve() throws IOException {
    for (String service : List.of("collector", "access-service", "ingest-streaming")) {
      Set<String> served = servedPaths(service);
      for (JsonNode app : appsOf(service)) {
        for (String checks : List.of("healthChecks", "readinessChecks")) {
          for (int i = 0; i < app.path(checks).size(); i++) {
            String path = app.path(checks).get(i).path("path").asText();
            assertThat(served)
                .as(
                    "app %s: %s[%d].path: %s is not served by %s",
                    app.get("id").asText(), checks, i, path, service)
                .contains(path);
          }
        }
      }
    }
  }

  @Test
  void should_set_only_variables_the_services_read_and_the_ones_they_need() throws IOException {
    Set<String> entryPointReads = variablesReadBy(Files.readString(DOCKER.resolve("spark-job.sh")));
    // read by Spark's Mesos scheduler backend to load libmesos, not by the project's code
    entryPointReads.add("MESOS_NATIVE_JAVA_LIBRARY");
    for (String service : List.of("collector", "access-service", "ingest-streaming")) {
      Set<String> set = new TreeSet<>();
      appsOf(service).forEach(app -> app.get("env").fieldNames().forEachRemaining(set::add));
      Set<String> reads = variablesReadBy(referenceConf(service));
      if (service.equals("ingest-streaming")) {
        reads.addAll(entryPointReads);
      }

      assertThat(reads).as(service).containsAll(set);
    }
    Set<String> trainingSets = new TreeSet<>();
    Definitions.chronosJob("model-training")
        .get("environmentVariables")
        .forEach(v -> trainingSets.add(v.get("name").asText()));
    Set<String> trainingReads = variablesReadBy(referenceConf("model-training"));
    trainingReads.addAll(entryPointReads);
    assertThat(trainingReads).containsAll(trainingSets);

    assertThat(Definitions.marathonApp("collector").get("env").has("KAFKA_BOOTSTRAP_SERVERS"))
        .isTrue();
    assertThat(
            Definitions.marathonApp("ingest-streaming").get("env").has("KAFKA_BOOTSTRAP_SERVERS"))
        .isTrue();
    for (String service : List.of("ingest-streaming", "access-service")) {
      for (JsonNode app : appsOf(service)) {
        assertThat(app.get("env").has("CASSANDRA_CONTACT_POINTS")).as(service).isTrue();
      }
    }
    assertThat(trainingSets).contains("CASSANDRA_CONTACT_POINTS", "SPARK_MASTER");
  }

  @Test
  void should_write_dockerfiles_that_run_unprivileged_and_pass_signals() throws IOException {
    try (Stream<Path> files = Files.list(DOCKER)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".Dockerfile")).toList()) {
        Dockerfile dockerfile = Dockerfile.read(file);
        String name = file.getFileName().toString();

        assertThat(dockerfile.last("USER")).as(name).isPresent();
        assertThat(dockerfile.last("USER").orElseThrow()).as(name).isNotIn("root", "0", "0:0");
        for (String from : dockerfile.all("FROM")) {
          assertThat(from).as(name).matches("(\\$\\{SPARK_IMAGE}|\\$\\{JRE_IMAGE})");
        }
        assertThat(dockerfile.all("ADD")).as(name).isEmpty();
        // the base is a build argument whose default is a pinned public image
        dockerfile
            .value("ARG", "JRE_IMAGE")
            .ifPresent(image -> assertThat(image).as(name).matches("[a-z0-9./-]+:[0-9][\\w.-]*"));
        if (!name.equals("spark.Dockerfile")) {
          JsonNode entrypoint = JSON.readTree(dockerfile.last("ENTRYPOINT").orElseThrow());
          assertThat(entrypoint.isArray()).as(name + " ENTRYPOINT in exec form").isTrue();
        }
      }
    }
    assertThat(Files.isExecutable(DOCKER.resolve("spark-job.sh"))).isTrue();
  }

  @Test
  void should_send_docker_exactly_what_the_dockerfiles_copy() throws IOException {
    List<String> kept =
        Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
            .filter(line -> line.startsWith("!"))
            .map(line -> line.substring(1))
            .toList();
    List<String> copied = new ArrayList<>();
    try (Stream<Path> files = Files.list(DOCKER)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".Dockerfile")).toList()) {
        Dockerfile.read(file).copies().forEach(copy -> copied.add(copy[0]));
      }
    }

    assertThat(Files.readAllLines(ROOT.resolve(".dockerignore"))).contains("*");
    assertThat(kept).containsExactlyInAnyOrderElementsOf(new TreeSet<>(copied));
  }

  @Test
  void should_leave_what_the_spark_image_provides_out_of_the_job_jars() throws IOException {
    for (String job : List.of("ingest-streaming", "model-training")) {
      Path module = ROOT.resolve(job);
      Set<String> provided = new HashSet<>();
      for (String jar : Files.readString(module.resolve("target/spark.classpath")).split(":")) {
        provided.addAll(classes(Path.of(jar.strip())));
      }
      Set<String> shipped = classes(module.resolve("target/smack-" + job + ".jar"));
      assertThat(provided).contains("org/apache/spark/sql/SparkSession.class");
      assertThat(shipped).contains(mainClass(job).replace('.', '/') + ".class");
      // in the distribution too, though Maven sees them as the job's own runtime dependencies
      assertThat(shipped)
          .doesNotContain(
              "scala/Option.class",
              "com/fasterxml/jackson/databind/ObjectMapper.class",
              "org/apache/hadoop/conf/Configuration.class",
              "org/slf4j/Logger.class");
      shipped.retainAll(provided);
      shipped.remove("org/apache/spark/unused/UnusedStubClass.class");

      assertThat(shipped).as(job + " classes Spark already has").isEmpty();
    }
    // format("kafka") is found through a service file, which survived the merge of the jar;
    // format("org.apache.spark.sql.cassandra") through the package's DefaultSource
    assertThat(serviceFile("ingest-streaming", "org.apache.spark.sql.sources.DataSourceRegister"))
        .contains("org.apache.spark.sql.kafka010.KafkaSourceProvider");
    assertThat(classes(ROOT.resolve("ingest-streaming/target/smack-ingest-streaming.jar")))
        .contains("org/apache/spark/sql/cassandra/DefaultSource.class");
  }

  /** The Marathon apps that run a service's image: the access services run one image. */
  private static List<JsonNode> appsOf(String service) {
    return service.equals("access-service")
        ? AccessServices.ALL.stream()
            .map(s -> (JsonNode) Definitions.marathonApp(s.name()))
            .toList()
        : List.of(Definitions.marathonApp(service));
  }

  /**
   * The paths a service answers: the access service's {@code openapi.json} (a test of its own holds
   * it to the routes), and for the others the paths their route code names ({@code path("health")}
   * or {@code segment("health").slash("live")} of a Pekko route, {@code "/health"} of a plain
   * server).
   */
  private static Set<String> servedPaths(String service) throws IOException {
    Set<String> served = new TreeSet<>();
    if (service.equals("access-service")) {
      JSON.readTree(ROOT.resolve("access-service/src/main/resources/openapi.json").toFile())
          .path("paths")
          .fieldNames()
          .forEachRemaining(served::add);
      return served;
    }
    try (Stream<Path> sources = Files.walk(ROOT.resolve(service).resolve("src/main/java"))) {
      for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m =
            Pattern.compile(
                    "segment\\(\"([a-z-]+)\"\\)\\.slash\\(\"([a-z-]+)\"\\)"
                        + "|path\\(\"([a-z/-]+)\"|\"(/[a-z/-]+)\"")
                .matcher(Files.readString(source));
        while (m.find()) {
          served.add(
              m.group(1) != null
                  ? "/" + m.group(1) + "/" + m.group(2)
                  : m.group(3) != null ? "/" + m.group(3) : m.group(4));
        }
      }
    }
    return served;
  }

  private static String mainClass(String job) {
    return Dockerfile.read(DOCKER.resolve(job + ".Dockerfile"))
        .value("ENV", "SMACK_JOB_CLASS")
        .orElseThrow();
  }

  private static List<String> imagesNamed() {
    List<String> images = new ArrayList<>();
    for (String app : Definitions.marathonApps()) {
      JsonNode definition = Definitions.marathonApp(app);
      images.add(definition.get("container").get("docker").get("image").asText());
      definition.path("args").forEach(arg -> executorImage(arg.asText(), images));
    }
    JsonNode job = Definitions.chronosJob("model-training");
    images.add(job.get("container").get("image").asText());
    job.get("arguments").forEach(arg -> executorImage(arg.asText(), images));
    return images;
  }

  private static void executorImage(String arg, List<String> images) {
    if (arg.startsWith("spark.mesos.executor.docker.image=")) {
      images.add(arg.substring(arg.indexOf('=') + 1));
    }
  }

  /** The COPY of a jar: [source in the repository, destination in the image]. */
  private static String[] jarCopy(Dockerfile dockerfile) {
    String[] copy =
        dockerfile.copies().stream().filter(c -> c[0].endsWith(".jar")).findFirst().orElseThrow();
    assertThat(ROOT.resolve(copy[0])).as(copy[0] + ", built by mvn package").isRegularFile();
    return copy;
  }

  /** The port the service listens on when nothing overrides it: its jar's configuration. */
  private static int listenPort(String service, Map<String, String> env) throws IOException {
    Config config =
        // the variables as the root's keys: where the file's ${?NAME} substitutions look
        ConfigFactory.parseMap(env)
            .withFallback(ConfigFactory.parseString(referenceConf(service)))
            .resolve(ConfigResolveOptions.noSystem().setAllowUnresolved(true));
    return config.getInt(HTTP_CONFIG.get(service) + ".port");
  }

  /** The reference.conf of the service's runnable jar: its own, common's, its libraries'. */
  private static String referenceConf(String service) throws IOException {
    Path jar = ROOT.resolve(service).resolve("target/smack-" + service + ".jar");
    try (JarFile file = new JarFile(jar.toFile());
        InputStream in = file.getInputStream(file.getEntry("reference.conf"))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String serviceFile(String job, String service) throws IOException {
    Path jar = ROOT.resolve(job).resolve("target/smack-" + job + ".jar");
    try (JarFile file = new JarFile(jar.toFile());
        InputStream in = file.getInputStream(file.getEntry("META-INF/services/" + service))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Set<String> variablesReadBy(String text) {
    Set<String> names = new TreeSet<>();
    Matcher hocon = READ_VARIABLE.matcher(text);
    while (hocon.find()) {
      names.add(hocon.group(1));
    }
    Matcher shell = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]").matcher(text);
    while (shell.find()) {
      names.add(shell.group(1));
    }
    return names;
  }

  private static Set<String> classes(Path jar) throws IOException {
    Set<String> classes = new HashSet<>();
    if (!jar.toString().endsWith(".jar")) {
      return classes;
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : java.util.Collections.list(file.entries())) {
        if (entry.getName().endsWith(".class")
            && !entry.getName().startsWith("META-INF/")
            && !entry.getName().endsWith("module-info.class")) {
          classes.add(entry.getName());
        }
      }
    }
    return classes;
  }

  private static String projectVersion() throws IOException {
    Matcher m =
        Pattern.compile("<artifactId>smack-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static String pomProperty(String name) throws IOException {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertThat(m.find()).as(name).isTrue();
    return m.group(1);
  }
}
