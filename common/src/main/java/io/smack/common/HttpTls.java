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
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * TLS of a service's own HTTP port ({@code smack.http.tls}): off, or HTTPS with the certificate and
 * key of a keystore. A keystore that cannot be read (missing, a wrong password, no key) stops the
 * service at start-up with a message naming the setting, not a stack trace at the first request.
 *
 * @param keystore the keystore's file; empty: plain HTTP
 * @param password the keystore's password (and its key's, as keytool makes them)
 * @param type {@code PKCS12} or {@code JKS}
 */
public record HttpTls(Optional<Path> keystore, String password, String type) {

  private static final String PATH = "smack.http.tls";

  public static HttpTls from(Config config) {
    Config tls = config.getConfig(PATH);
    String keystore = tls.getString("keystore").strip();
    return new HttpTls(
        keystore.isEmpty() ? Optional.empty() : Optional.of(Path.of(keystore)),
        tls.getString("keystore-password"),
        tls.getString("keystore-type"));
  }

  /** HTTPS, rather than HTTP. */
  public boolean on() {
    return keystore.isPresent();
  }

  /** {@code https} or {@code http}, for the URLs a service logs. */
  public String scheme() {
    return on() ? "https" : "http";
  }

  /**
   * The server's TLS context when TLS is on, read from the keystore once per call; empty when off.
   *
   * @throws ConfigException.BadValue as {@link #serverContext()}
   */
  public Optional<SSLContext> context() {
    return on() ? Optional.of(serverContext()) : Optional.empty();
  }

  /**
   * The server's TLS context, from the keystore.
   *
   * @throws ConfigException.BadValue naming {@code smack.http.tls.keystore} (HTTP_TLS_KEYSTORE) and
   *     what is wrong, when the keystore cannot serve
   */
  public SSLContext serverContext() {
    Path file = keystore.orElseThrow(() -> new IllegalStateException("TLS is off"));
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, password.toCharArray());
      if (!store.aliases().hasMoreElements()
          || java.util.Collections.list(store.aliases()).stream().noneMatch(a -> isKey(store, a))) {
        throw bad(file, "it holds no private key");
      }
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (IOException e) {
      // a wrong password shows as an IOException whose cause is an UnrecoverableKeyException
      throw bad(file, e.getMessage());
    } catch (GeneralSecurityException e) {
      throw bad(file, e.getMessage());
    }
  }

  private static boolean isKey(KeyStore store, String alias) {
    try {
      return store.isKeyEntry(alias);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static ConfigException.BadValue bad(Path file, String why) {
    return new ConfigException.BadValue(
        PATH + ".keystore",
        "the keystore "
            + file
            + " (HTTP_TLS_KEYSTORE, HTTP_TLS_KEYSTORE_PASSWORD, HTTP_TLS_KEYSTORE_TYPE) cannot"
            + " serve HTTPS: "
            + why);
  }

  /** Never prints the keystore's password. */
  @Override
  public String toString() {
    return "HttpTls[keystore="
        + keystore.map(Path::toString).orElse("none")
        + ", password="
        + (password.isEmpty() ? "none" : "***")
        + ", type="
        + type
        + "]";
  }
}
