package io.smack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.typesafe.config.ConfigException;
import io.smack.common.CassandraSettings;
import io.smack.common.KafkaSettings;
import io.smack.common.Settings;
import io.smack.localstack.Await;
import io.smack.localstack.LocalStack;
import io.smack.localstack.ModuleProcess;
import io.smack.localstack.Pipeline;
import io.smack.localstack.Principal;
import io.smack.localstack.SelfSignedKeystore;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on a stack that asks for passwords and talks TLS ({@code bin/smack up --secure}):
 * Kafka's clients on SASL_SSL with SCRAM-SHA-512, Cassandra with PasswordAuthenticator and TLS on
 * CQL. Every part logs in from the environment a Marathon app would set; a part given a wrong
 * password or truststore stops at start-up with one line naming the setting.
 */
class SecuredStackIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WORK = Path.of("target", "e2e-secured").toAbsolutePath();
  private static final int BURST = 300;

  /** Two hours of history, a quote every 10 s. */
  private static final int HISTORY = 720;

  private static final Duration CHECK = Duration.ofSeconds(10);

  private static LocalStack stack;
  private static StackAddresses addresses;

  /** Every command line of the machine seen while the stack started (its tools' too). */
  private static Set<String> startCommandLines;

  @BeforeAll
  static void start() throws IOException {
    // a stack of its own, new each run: its keyspace holds this run's models alone
    TestFolders.deleteRecursively(WORK);
    CommandLines seen = CommandLines.sample();
    try {
      stack = LocalStack.startSecuredOnFreePorts(WORK.resolve("stack"));
    } finally {
      startCommandLines = seen.stop();
    }
    addresses = stack.addresses();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void should_keep_every_secret_off_command_lines_and_in_files_their_owner_alone_reads()
      throws IOException {
    // given: the stack's passwords
    Properties credentials = new Properties();
    Path security = WORK.resolve("stack").resolve("security");
    try (Reader in = Files.newBufferedReader(security.resolve("credentials.properties"))) {
      credentials.load(in);
    }
    List<String> secrets =
        credentials.stringPropertyNames().stream().map(credentials::getProperty).toList();
    // the key's, the stack's own users', and one per principal
    assertThat(secrets).hasSize(2 + Principal.values().length);

    // then: no command line shows one, neither while the stack started (Kafka's storage format
    // creates the SCRAM users, keytool the key) nor now
    assertThat(startCommandLines)
        .as("the sampler saw the storage format run")
        .anyMatch(line -> line.contains("format.log.args"));
    Set<String> now = CommandLines.now();
    for (String secret : secrets) {
      assertThat(startCommandLines).noneMatch(line -> line.contains(secret));
      assertThat(now).noneMatch(line -> line.contains(secret));
    }

    // and: every file of the stack holding one, or a key, is its owner's alone
    List<String> open = new ArrayList<>();
    try (Stream<Path> files = Files.walk(WORK.resolve("stack"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        boolean secret =
            file.toString().endsWith(".p12") || secrets.stream().anyMatch(s -> contains(file, s));
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (secret
            && permissions.stream()
                .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
          open.add(file + " " + PosixFilePermissions.toString(permissions));
        }
      }
    }
    assertThat(open).as("files with a secret that others may read").isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(security)))
        .isEqualTo("rwx------");
    assertThat(addresses.toString()).doesNotContain(secrets.get(0)).doesNotContain(secrets.get(1));
  }

  private static boolean contains(Path file, String text) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
    } catch (IOException e) {
      return false; // a file gone meanwhile (a log rolled)
    }
  }

  @Test
  void should_refuse_clients_without_the_credentials_or_without_tls() {
    Map<String, String> env = addresses.environment();

    // Cassandra: no user, a wrong password, no TLS
    assertThatThrownBy(() -> login(without(env, "CASSANDRA_USERNAME", "CASSANDRA_PASSWORD")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.cassandra.security.password")
        .hasMessageContaining("asks for a username and password");
    assertThatThrownBy(() -> login(with(env, "CASSANDRA_PASSWORD", "wrong")))
        .hasMessageContaining("smack.cassandra.security.password")
        .hasMessageContaining("refused user 'smack'");
    Map<String, String> plaintext = without(env, "CASSANDRA_TLS", "CASSANDRA_TLS_TRUSTSTORE");
    // a plaintext client gets no answer from a TLS-only port: the server drops it unanswered
    assertThat(CassandraSettings.from(Settings.load(plaintext)).checkLogin(CHECK))
        .as("a plaintext session on a TLS-only port")
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("Could not reach any contact point")
                    .contains(addresses.cassandraHost()));

    // Kafka: a wrong password
    assertThatThrownBy(
            () ->
                KafkaSettings.from(Settings.load(with(env, "KAFKA_PASSWORD", "wrong")))
                    .checkLogin(CHECK))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.kafka.security.password")
        .hasMessageContaining("refused user 'smack'");

    // and the pipeline's user is let in by both
    assertThat(CassandraSettings.from(Settings.load(env)).checkLogin(CHECK)).isEmpty();
    assertThat(KafkaSettings.from(Settings.load(env)).checkLogin(CHECK)).isEmpty();
  }

  @Test
  void should_refuse_each_part_what_its_grants_do_not_allow() throws Exception {
    KafkaSettings kafka = KafkaSettings.from(Settings.load(addresses.environment()));
    String quotes = kafka.quotesTopic();
    String keyspace = CassandraSettings.from(Settings.load(addresses.environment())).keyspace();

    // Kafka: the streaming job and the operator may not write quotes (the operator, with no write
    // anywhere, not even start an idempotent producer), the collector may not read them, nor make
    // a topic
    assertThat(send(Principal.INGEST, quotes)).isInstanceOf(AuthorizationException.class);
    assertThat(send(Principal.OPERATOR, quotes)).isInstanceOf(AuthorizationException.class);
    assertThat(read(Principal.COLLECTOR, quotes)).isInstanceOf(AuthorizationException.class);
    assertThat(createTopic(Principal.COLLECTOR, "made-by-the-collector"))
        .isInstanceOf(AuthorizationException.class);
    // ... while each does what it is there for
    assertThat(send(Principal.COLLECTOR, kafka.deadLetterTopic())).isNull();
    assertThat(read(Principal.OPERATOR, kafka.deadLetterTopic())).isNull();
    // and the access service has no Kafka user at all
    Map<String, String> access = addresses.environment(Principal.ACCESS);
    assertThat(access).doesNotContainKey("KAFKA_USERNAME");
    Map<String, String> accessOnKafka = new HashMap<>(addresses.environment());
    accessOnKafka.put("KAFKA_USERNAME", access.get("CASSANDRA_USERNAME"));
    accessOnKafka.put("KAFKA_PASSWORD", access.get("CASSANDRA_PASSWORD"));
    assertThatThrownBy(() -> KafkaSettings.from(Settings.load(accessOnKafka)).checkLogin(CHECK))
        .hasMessageContaining("refused user 'access'");

    // Cassandra: each role writes its own tables and nothing else
    String quote =
        "INSERT INTO "
            + keyspace
            + ".quotes_by_day (symbol, day, ts, price) VALUES ('GRNT', '2026-01-02', 0, 1.0)";
    String served =
        "INSERT INTO " + keyspace + ".served_models (symbol, version) VALUES ('GRNT', 1)";
    assertThat(cql(Principal.ACCESS, quote)).isInstanceOf(UnauthorizedException.class);
    assertThat(cql(Principal.TRAINING, quote)).isInstanceOf(UnauthorizedException.class);
    assertThat(cql(Principal.OPERATOR, quote)).isInstanceOf(UnauthorizedException.class);
    assertThat(cql(Principal.ACCESS, served)).isInstanceOf(UnauthorizedException.class);
    assertThat(cql(Principal.INGEST, "DROP TABLE " + keyspace + ".models"))
        .isInstanceOf(UnauthorizedException.class);
    assertThat(cql(Principal.TRAINING, "TRUNCATE " + keyspace + ".latest_quote"))
        .isInstanceOf(UnauthorizedException.class);
    assertThat(
            cql(
                Principal.ACCESS,
                "CREATE TABLE " + keyspace + ".made_by_access (k int PRIMARY KEY)"))
        .isInstanceOf(UnauthorizedException.class);
    // ... while each does what it is there for
    assertThat(cql(Principal.INGEST, quote)).isNull();
    assertThat(cql(Principal.TRAINING, served)).isNull();
    // the streaming job's monitor demotes a model that loses live: the pointer moves to naive
    assertThat(cql(Principal.INGEST, served)).isNull();
    assertThat(cql(Principal.ACCESS, "SELECT * FROM " + keyspace + ".served_models")).isNull();
    assertThat(
            cql(
                Principal.TRAINING,
                "DELETE FROM " + keyspace + ".served_models WHERE symbol = 'GRNT'"))
        .isNull();
    // and the collector has no Cassandra role at all
    Map<String, String> collector = addresses.environment(Principal.COLLECTOR);
    assertThat(collector).doesNotContainKey("CASSANDRA_USERNAME");
    Map<String, String> collectorOnCassandra = new HashMap<>(addresses.environment());
    collectorOnCassandra.put("CASSANDRA_USERNAME", collector.get("KAFKA_USERNAME"));
    collectorOnCassandra.put("CASSANDRA_PASSWORD", collector.get("KAFKA_PASSWORD"));
    assertThatThrownBy(() -> login(collectorOnCassandra))
        .hasMessageContaining("refused user 'collector'");
  }

  /** What sending one record as {@code principal} threw, or null. */
  private static Throwable send(Principal principal, String topic) {
    Properties properties = kafkaClient(principal);
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "GRNT", "from " + principal)).get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (KafkaException e) {
      // a producer whose start (InitProducerId) was refused before send() was called fails the
      // send at once, with the refusal as the cause; refused after, the future fails with it
      return e.getCause() instanceof AuthorizationException ? e.getCause() : e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What reading {@code topic} from its start as {@code principal} threw, or null. */
  private static Throwable read(Principal principal, String topic) {
    Properties properties = kafkaClient(principal);
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      consumer.seekToBeginning(consumer.assignment());
      consumer.poll(Duration.ofSeconds(5));
      return null;
    } catch (KafkaException e) {
      return e;
    }
  }

  /** What making {@code topic} as {@code principal} threw, or null. */
  private static Throwable createTopic(Principal principal, String topic) {
    try (Admin admin = Admin.create(kafkaClient(principal))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Properties kafkaClient(Principal principal) {
    return KafkaSettings.from(Settings.load(addresses.environment(principal))).clientConfig();
  }

  /** What running {@code statement} as {@code principal} threw, or null. */
  private static Throwable cql(Principal principal, String statement) {
    try (CqlSession session =
        CassandraSettings.from(Settings.load(addresses.environment(principal)))
            .sessionBuilder()
            .build()) {
      session.execute(SimpleStatement.newInstance(statement).setTimeout(Duration.ofSeconds(30)));
      return null;
    } catch (UnauthorizedException e) {
      return e;
    }
  }

  @Test
  void should_carry_quotes_through_every_part_logged_in_over_tls() throws Exception {
    // given every part started as bin/smack up --secure starts them
    Pipeline.Options options =
        Pipeline.Options.defaults()
            .withFreePorts()
            .withCollector(
                Pipeline.CollectorRun.ONE_OFF,
                Map.of(
                    "COLLECTOR_SOURCES", "sim",
                    "SIMULATOR_SYMBOLS", "SECA:100",
                    "SIMULATOR_RATE", "300",
                    "SIMULATOR_LIMIT", String.valueOf(BURST),
                    // the models are trained on one-minute bars: two hours of them first
                    "SIMULATOR_HISTORY", "2h"));
    try (Pipeline pipeline = Pipeline.start(ROOT, addresses, WORK.resolve("pipeline"), options)) {
      Api api = new Api(pipeline.accessUrl(""));

      // when the collector has sent its burst
      ModuleProcess collector = pipeline.oneOffCollector();
      assertThat(collector.awaitExit(Duration.ofMinutes(2)))
          .as("collector exit, log %s", collector.logFile())
          .hasValue(0);

      // then the streaming job wrote it all, and the training job trained on it
      Await.until(() -> api.count("/quotes/SECA") == HISTORY + BURST, Duration.ofMinutes(3));
      try (ModuleProcess training = pipeline.train()) {
        OptionalInt exit = training.awaitExit(Duration.ofMinutes(5));
        assertThat(exit).as("training exit, log %s", training.logFile()).hasValue(0);
      }
      assertThat(api.json("/models/SECA").path("served").asInt()).isEqualTo(1);
      assertThat(api.json("/predictions/SECA").path("predicted").asDouble()).isPositive();
    }
  }

  @Test
  void should_stop_a_part_at_start_with_one_line_naming_the_setting_it_got_wrong()
      throws Exception {
    Map<String, String> access = addresses.environment(Principal.ACCESS);
    Map<String, String> ingest = addresses.environment(Principal.INGEST);
    Map<String, String> training = addresses.environment(Principal.TRAINING);
    SelfSignedKeystore stranger = SelfSignedKeystore.create(WORK.resolve("stranger"));
    Path strangers = stranger.writeTruststore(WORK.resolve("stranger").resolve("trust.p12"));
    Map<String, String> otherTruststore =
        with(
            with(access, "CASSANDRA_TLS_TRUSTSTORE", strangers.toString()),
            "CASSANDRA_TLS_TRUSTSTORE_PASSWORD",
            stranger.password());

    // given each part with one setting wrong, started side by side
    Map<String, Expected> parts = new LinkedHashMap<>();
    parts.put(
        "collector",
        new Expected(
            service(
                "collector",
                "collector.classpath",
                "io.smack.collector.CollectorMain",
                with(addresses.environment(Principal.COLLECTOR), "KAFKA_PASSWORD", "wrong")),
            2,
            "smack.kafka.security.password"));
    parts.put(
        "access, password",
        new Expected(
            service(
                "access-service",
                "access.classpath",
                "io.smack.access.AccessMain",
                with(access, "CASSANDRA_PASSWORD", "wrong")),
            2,
            "smack.cassandra.security.password"));
    parts.put(
        "access, truststore",
        new Expected(
            service(
                "access-service",
                "access.classpath",
                "io.smack.access.AccessMain",
                otherTruststore),
            2,
            "smack.cassandra.security.tls"));
    parts.put(
        "streaming job",
        new Expected(
            spark(
                "ingest-streaming",
                "io.smack.ingest.IngestMain",
                with(ingest, "KAFKA_PASSWORD", "wrong")),
            2,
            "smack.kafka.security.password"));
    // a job told to make the schema, whose role may not
    parts.put(
        "streaming job, schema",
        new Expected(
            spark(
                "ingest-streaming",
                "io.smack.ingest.IngestMain",
                with(ingest, "INGEST_CREATE_SCHEMA", "true")),
            2,
            "smack.ingest.create-schema"));
    parts.put(
        "training job, schema",
        new Expected(
            spark(
                "model-training",
                "io.smack.training.TrainingMain",
                with(training, "TRAINING_CREATE_SCHEMA", "true")),
            1,
            "smack.training.create-schema"));
    parts.put(
        "training job",
        new Expected(
            spark(
                "model-training",
                "io.smack.training.TrainingMain",
                with(training, "CASSANDRA_PASSWORD", "wrong")),
            1,
            "smack.cassandra.security.password"));

    // then each exits with its code and says which setting, without a stack trace
    for (Map.Entry<String, Expected> part : parts.entrySet()) {
      try (ModuleProcess process = part.getValue().process()) {
        OptionalInt exit = process.awaitExit(Duration.ofMinutes(3));
        String log = Files.readString(process.logFile());
        assertThat(exit)
            .as("%s exit, log %s", part.getKey(), process.logFile())
            .hasValue(part.getValue().exit());
        assertThat(log).as(part.getKey()).contains(part.getValue().setting());
        assertThat(log).as(part.getKey() + ": no stack trace").doesNotContain("\tat ");
      }
    }
  }

  private record Expected(ModuleProcess process, int exit, String setting) {}

  private static ModuleProcess service(
      String module, String classpathFile, String mainClass, Map<String, String> env)
      throws IOException {
    Map<String, String> own = with(env, "HTTP_PORT", "0");
    return ModuleProcess.service(
        ROOT, module, classpathFile, mainClass, List.of(), own, log(module + "-" + mainClass));
  }

  private static ModuleProcess spark(String module, String mainClass, Map<String, String> env)
      throws IOException {
    Map<String, String> own = with(env, "HTTP_PORT", "0");
    own.put("INGEST_CHECKPOINT_DIR", WORK.resolve("checkpoints").toString());
    return ModuleProcess.sparkJob(ROOT, module, mainClass, List.of(), own, log(module));
  }

  private static Path log(String name) throws IOException {
    Path dir = Files.createDirectories(WORK.resolve("refused"));
    return dir.resolve(name + "-" + System.nanoTime() + ".log");
  }

  private static void login(Map<String, String> env) {
    CassandraSettings.from(Settings.load(env)).checkLogin(CHECK);
  }

  private static Map<String, String> with(Map<String, String> env, String name, String value) {
    Map<String, String> changed = new HashMap<>(env);
    changed.put(name, value);
    return changed;
  }

  private static Map<String, String> without(Map<String, String> env, String... names) {
    Map<String, String> changed = new HashMap<>(env);
    List.of(names).forEach(changed::remove);
    return changed;
  }
}
