package io.smack.localstack;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code bin/smack up --secure} protects the local stack with: a key and certificate for the
 * servers (TLS on Kafka's client listener and Cassandra's CQL port), SCRAM-SHA-512 users on Kafka,
 * Cassandra's {@code PasswordAuthenticator}, and the pipeline's own user on both. Made once, in
 * {@code DIR/security}, with random passwords kept in {@code credentials.properties} (readable by
 * its owner only), so that a restart finds the data's users as it left them.
 *
 * <p>The stack's own users, {@code admin} on Kafka (the brokers among themselves, the topics, users
 * and ACLs) and {@code cassandra} on Cassandra (its superuser, with its default password replaced),
 * and a user per {@link Principal}, allowed only what {@link Grants} gives it.
 *
 * @param dir the folder of the key, the truststore and the credentials
 * @param keystore the servers' key and certificate
 * @param truststore that certificate alone, for the clients
 * @param adminPassword the stack's own users' password
 * @param passwords each principal's password
 */
record StackSecurity(
    Path dir,
    SelfSignedKeystore keystore,
    Path truststore,
    String adminPassword,
    Map<Principal, String> passwords) {

  /** The stack's own user on Kafka. */
  static final String KAFKA_ADMIN = "admin";

  /** Cassandra's default superuser, whose password the stack replaces at the first start. */
  static final String CASSANDRA_ADMIN = "cassandra";

  static final String MECHANISM = "SCRAM-SHA-512";

  private static final Logger LOG = LoggerFactory.getLogger(StackSecurity.class);
  private static final String CREDENTIALS = "credentials.properties";
  private static final String CASSANDRA_SET_UP = "cassandra-set-up";

  /** Kafka's own default for a SCRAM credential ({@code kafka-configs --add-config}). */
  private static final int SCRAM_ITERATIONS = 4096;

  /** A certificate that expires within this is renewed at the stack's start. */
  static final Duration RENEW_AHEAD = Duration.ofDays(30);

  /**
   * The stack's key and users in {@code dir}: those made before, or new ones for {@code hosts} (the
   * servers' addresses, in the certificate).
   */
  static StackSecurity prepare(Path dir, List<String> hosts) {
    return prepare(dir, hosts, Clock.systemUTC());
  }

  /**
   * As {@link #prepare(Path, List)}, renewing a certificate that expires within {@link
   * #RENEW_AHEAD} of {@code clock}'s now: every TLS handshake, between brokers too, would fail past
   * its date. The folder and every file in it are their owner's alone.
   */
  static StackSecurity prepare(Path dir, List<String> hosts, Clock clock) {
    ownerOnly(dir);
    Path credentials = dir.resolve(CREDENTIALS);
    Properties properties = new Properties();
    if (Files.exists(credentials)) {
      try (Reader in = Files.newBufferedReader(credentials)) {
        properties.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + credentials + " failed", e);
      }
    } else {
      properties.setProperty("keystore.password", secret());
      properties.setProperty("admin.password", secret());
      SelfSignedKeystore.create(dir, hosts, properties.getProperty("keystore.password"))
          .writeTruststore(dir.resolve("truststore.p12"));
    }
    // a stack made before a principal existed gains its password
    Map<Principal, String> passwords = new EnumMap<>(Principal.class);
    boolean added = false;
    for (Principal principal : Principal.values()) {
      String key = passwordKey(principal);
      if (properties.getProperty(key) == null) {
        properties.setProperty(key, secret());
        added = true;
      }
      passwords.put(principal, properties.getProperty(key));
    }
    if (added || Files.notExists(credentials)) {
      write(credentials, properties);
    }
    SelfSignedKeystore keystore =
        new SelfSignedKeystore(
            dir.resolve("server.p12"), properties.getProperty("keystore.password"));
    Instant expires = keystore.expires();
    if (expires.isBefore(clock.instant().plus(RENEW_AHEAD))) {
      keystore = SelfSignedKeystore.create(dir, hosts, keystore.password());
      keystore.writeTruststore(dir.resolve("truststore.p12"));
      LOG.warn(
          "the stack's certificate expired or was about to ({}): renewed, valid until {}; parts"
              + " started before trust the old one until they restart",
          expires,
          keystore.expires());
    } else {
      LOG.info("the stack's certificate is valid until {}", expires);
    }
    return new StackSecurity(
        dir,
        keystore,
        dir.resolve("truststore.p12"),
        properties.getProperty("admin.password"),
        Map.copyOf(passwords));
  }

  /** The operator's key is the one the stack's single user had before there were principals. */
  private static String passwordKey(Principal principal) {
    return principal == Principal.OPERATOR ? "user.password" : principal.user() + ".password";
  }

  private static void ownerOnly(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("making " + dir + " its owner's alone failed", e);
    }
  }

  /** Never prints the passwords. */
  @Override
  public String toString() {
    return "StackSecurity[dir=" + dir + ", keystore=" + keystore + ", passwords=***]";
  }

  /**
   * The environment variables that log each principal in over TLS to the servers it uses, as a
   * Marathon app would set them from its secrets, named {@code USER.VARIABLE} ({@link
   * StackAddresses#credentials()}).
   */
  Map<String, String> clientEnvironment() {
    Map<String, String> environment = new TreeMap<>();
    for (Principal principal : Principal.values()) {
      String own = principal.user() + ".";
      for (String server : servers(principal)) {
        environment.put(own + server + "_USERNAME", principal.user());
        environment.put(own + server + "_PASSWORD", passwords.get(principal));
        environment.put(own + server + "_TLS", "true");
        environment.put(own + server + "_TLS_TRUSTSTORE", truststore.toString());
        environment.put(own + server + "_TLS_TRUSTSTORE_PASSWORD", keystore.password());
      }
      if (principal.kafka()) {
        environment.put(own + "KAFKA_SASL_MECHANISM", MECHANISM);
      }
    }
    return environment;
  }

  private static List<String> servers(Principal principal) {
    List<String> servers = new ArrayList<>();
    if (principal.kafka()) {
      servers.add("KAFKA");
    }
    if (principal.cassandra()) {
      servers.add("CASSANDRA");
    }
    return servers;
  }

  /**
   * The arguments of Kafka's storage format that create the stack's own user with the cluster (the
   * brokers log in to each other as it); the principals' users are made once it runs ({@link
   * #kafkaUsers()}).
   */
  List<String> scramUsers() {
    return List.of(
        "--add-scram", MECHANISM + "=[name=" + KAFKA_ADMIN + ",password=" + adminPassword + "]");
  }

  /** Each principal that uses Kafka, as a SCRAM user to make or update. */
  List<UserScramCredentialAlteration> kafkaUsers() {
    List<UserScramCredentialAlteration> users = new ArrayList<>();
    for (Principal principal : Principal.values()) {
      if (principal.kafka()) {
        users.add(
            new UserScramCredentialUpsertion(
                principal.user(),
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                passwords.get(principal)));
      }
    }
    return users;
  }

  /**
   * The properties of a Kafka client logged in as {@code principal}, added to {@code properties}.
   */
  Properties kafkaClient(Principal principal, Properties properties) {
    return kafkaClient(principal.user(), passwords.get(principal), properties);
  }

  /**
   * A broker's listeners and security: clients on a SASL_SSL listener (SCRAM), the brokers among
   * themselves on it too as {@link #KAFKA_ADMIN}; the KRaft controllers' listener stays plaintext
   * on the loopback address.
   */
  List<String> kafkaServerConfig(String host, int port, int controllerPort) {
    String ssl = keystore.keystore().toString();
    return List.of(
        "listeners=SASL_SSL://"
            + host
            + ":"
            + port
            + ",CONTROLLER://"
            + host
            + ":"
            + controllerPort,
        "advertised.listeners=SASL_SSL://" + host + ":" + port,
        "inter.broker.listener.name=SASL_SSL",
        "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
        "sasl.enabled.mechanisms=" + MECHANISM,
        "sasl.mechanism.inter.broker.protocol=" + MECHANISM,
        // whatever no ACL allows is refused (Grants); the stack's own user may do anything, and
        // so may the KRaft controller listener's, which is plaintext and unauthenticated on this
        // machine's own address (its principal is ANONYMOUS): the brokers register through it
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "super.users=User:" + KAFKA_ADMIN + ";User:ANONYMOUS",
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
            + "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + KAFKA_ADMIN
            + "\" password=\""
            + adminPassword
            + "\";",
        "ssl.keystore.location=" + ssl,
        "ssl.keystore.password=" + keystore.password(),
        "ssl.keystore.type=PKCS12",
        "ssl.truststore.location=" + truststore,
        "ssl.truststore.password=" + keystore.password(),
        "ssl.truststore.type=PKCS12");
  }

  /** The properties of the stack's own Kafka clients (admin), added to a client's own. */
  Properties kafkaAdmin(Properties properties) {
    return kafkaClient(KAFKA_ADMIN, adminPassword, properties);
  }

  private Properties kafkaClient(String user, String password, Properties properties) {
    properties.put("security.protocol", "SASL_SSL");
    properties.put("sasl.mechanism", MECHANISM);
    properties.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
    properties.put("ssl.truststore.location", truststore.toString());
    properties.put("ssl.truststore.password", keystore.password());
    properties.put("ssl.truststore.type", "PKCS12");
    return properties;
  }

  /** A node's cassandra.yaml lines: password authentication, roles, TLS required on CQL. */
  List<String> cassandraConfig() {
    return List.of(
        "authenticator:",
        "  class_name: org.apache.cassandra.auth.PasswordAuthenticator",
        "authorizer:",
        "  class_name: org.apache.cassandra.auth.CassandraAuthorizer",
        "role_manager:",
        "  class_name: org.apache.cassandra.auth.CassandraRoleManager",
        "client_encryption_options:",
        "  enabled: true",
        "  optional: false",
        "  keystore: " + keystore.keystore(),
        "  keystore_password: \"" + keystore.password() + "\"",
        "  store_type: PKCS12");
  }

  /**
   * A session as Cassandra's superuser over TLS: with the default password until the stack has
   * replaced it ({@link #setUpCassandra}), then with the stack's; with the other one when the first
   * is refused (a set-up cut short between the two).
   */
  CqlSession adminSession(CqlSessionBuilder builder) {
    CqlSessionBuilder tls = builder.withSslContext(keystore.trustingClient());
    boolean replaced = Files.exists(dir.resolve(CASSANDRA_SET_UP));
    String first = replaced ? adminPassword : CASSANDRA_ADMIN;
    String second = replaced ? CASSANDRA_ADMIN : adminPassword;
    try {
      return tls.withAuthCredentials(CASSANDRA_ADMIN, first).build();
    } catch (RuntimeException e) {
      if (!refused(e)) {
        throw e;
      }
      return tls.withAuthCredentials(CASSANDRA_ADMIN, second).build();
    }
  }

  /**
   * Replaces the superuser's default password with the stack's (once), and makes each principal's
   * role that is missing (a stack made before it existed gains it); its permissions come with the
   * keyspace ({@link #grantCassandra}).
   */
  void setUpCassandra(CqlSession admin) {
    if (Files.notExists(dir.resolve(CASSANDRA_SET_UP))) {
      admin.execute("ALTER ROLE " + CASSANDRA_ADMIN + " WITH PASSWORD = '" + adminPassword + "'");
      try {
        Files.writeString(
            dir.resolve(CASSANDRA_SET_UP), "the superuser's password is the stack's\n");
      } catch (IOException e) {
        throw new UncheckedIOException("writing " + dir.resolve(CASSANDRA_SET_UP) + " failed", e);
      }
    }
    for (Principal principal : Principal.values()) {
      if (principal.cassandra()) {
        admin.execute(
            "CREATE ROLE IF NOT EXISTS "
                + principal.user()
                + " WITH PASSWORD = '"
                + passwords.get(principal)
                + "' AND LOGIN = true");
      }
    }
  }

  /** Gives each principal its permissions on {@code keyspace}'s tables ({@link Grants}). */
  void grantCassandra(CqlSession admin, String keyspace) {
    for (String grant : Grants.cassandra(keyspace)) {
      admin.execute(grant);
    }
    LOG.info("Cassandra: password authentication on, a role per part with only its grants");
  }

  private static boolean refused(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof AuthenticationException
          || String.valueOf(cause.getMessage()).contains("Authentication error")) {
        return true;
      }
    }
    return false;
  }

  private static String secret() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void write(Path file, Properties properties) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (Writer out = Files.newBufferedWriter(file)) {
        properties.store(out, "the local stack's passwords: made once, kept with its data");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    }
  }
}
