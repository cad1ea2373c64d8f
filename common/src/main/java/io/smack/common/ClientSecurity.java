package io.smack.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a client of Kafka or Cassandra proves who it is and checks whom it talks to ({@code
 * smack.kafka.security}, {@code smack.cassandra.security}): a username and password when the
 * servers ask for one, and TLS, against a truststore of the servers' certificate authority or the
 * JVM's own. Everything off by default, as the local stack runs.
 *
 * @param setting the settings' path, named in every error
 * @param environment the prefix of its environment variables ({@code KAFKA}, {@code CASSANDRA})
 * @param username empty: no authentication
 * @param password the user's password
 * @param tls whether to talk TLS
 * @param truststore the certificates to trust; empty: the JVM's default
 * @param truststorePassword the truststore's password
 * @param truststoreType {@code PKCS12} or {@code JKS}
 */
public record ClientSecurity(
    String setting,
    String environment,
    String username,
    String password,
    boolean tls,
    Optional<Path> truststore,
    String truststorePassword,
    String truststoreType) {

  static ClientSecurity from(Config config, String setting, String environment) {
    Config security = config.getConfig(setting);
    String username = security.getString("username").strip();
    String password = security.getString("password");
    if (!username.isEmpty() && password.isEmpty()) {
      throw new ConfigException.BadValue(
          setting + ".password",
          "user '"
              + username
              + "' has no password ("
              + environment
              + "_USERNAME is set, "
              + environment
              + "_PASSWORD is empty)");
    }
    String truststore = security.getString("tls.truststore").strip();
    return new ClientSecurity(
        setting,
        environment,
        username,
        password,
        security.getBoolean("tls.enabled") || !truststore.isEmpty(),
        truststore.isEmpty() ? Optional.empty() : Optional.of(Path.of(truststore)),
        security.getString("tls.truststore-password"),
        security.getString("tls.truststore-type"));
  }

  /** Whether the client logs in with a username and password. */
  public boolean authenticates() {
    return !username.isEmpty();
  }

  /**
   * The client's TLS context when TLS is on: trusting the truststore's certificates, or the JVM's
   * default ones when there is no truststore.
   *
   * @throws ConfigException.BadValue naming the truststore's setting when it cannot be read
   */
  public Optional<SSLContext> sslContext() {
    if (!tls) {
      return Optional.empty();
    }
    try {
      if (truststore.isEmpty()) {
        return Optional.of(SSLContext.getDefault());
      }
      KeyStore store = KeyStore.getInstance(truststoreType);
      try (InputStream in = Files.newInputStream(truststore.get())) {
        store.load(in, truststorePassword.toCharArray());
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return Optional.of(context);
    } catch (IOException | GeneralSecurityException e) {
      throw truststoreRefused("cannot be read: " + e.getMessage());
    }
  }

  /** An error naming the password's settings: the server refused the credentials. */
  ConfigException.BadValue credentialsRefused(String server, String why) {
    String who =
        authenticates()
            ? "refused user '" + username + "'"
            : "asks for a username and password and none is set";
    return new ConfigException.BadValue(
        setting + ".password",
        server
            + " "
            + who
            + " ("
            + environment
            + "_USERNAME, "
            + environment
            + "_PASSWORD): "
            + why);
  }

  /** An error naming the TLS settings: the handshake with the server failed. */
  ConfigException.BadValue tlsRefused(String server, String why) {
    return new ConfigException.BadValue(
        setting + ".tls",
        "TLS with "
            + server
            + " failed ("
            + environment
            + "_TLS, "
            + environment
            + "_TLS_TRUSTSTORE"
            + (tls ? ": is the truststore the one of the servers' certificates?" : ": TLS is off")
            + "): "
            + why);
  }

  private ConfigException.BadValue truststoreRefused(String why) {
    return new ConfigException.BadValue(
        setting + ".tls.truststore",
        "the truststore "
            + truststore.map(Path::toString).orElse("")
            + " ("
            + environment
            + "_TLS_TRUSTSTORE, "
            + environment
            + "_TLS_TRUSTSTORE_PASSWORD) "
            + why);
  }

  /** Never prints the passwords. */
  @Override
  public String toString() {
    return "ClientSecurity[user="
        + (authenticates() ? username : "none")
        + ", tls="
        + tls
        + truststore.map(t -> ", truststore=" + t).orElse("")
        + "]";
  }
}
