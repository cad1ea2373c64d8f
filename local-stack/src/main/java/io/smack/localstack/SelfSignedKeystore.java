package io.smack.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A key and a self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made by the
 * JDK's own {@code keytool} for a test: the keystore a service's {@code HTTP_TLS_KEYSTORE} points
 * at, and a client's TLS context that trusts that certificate alone (so a client that trusts
 * nothing else proves the service served this key).
 *
 * @param keystore the PKCS12 file
 * @param password its password
 */
public record SelfSignedKeystore(Path keystore, String password) {

  /** How long a certificate made here is valid. */
  static final Duration VALIDITY = Duration.ofDays(365);

  /** The keytool's environment variable that carries the password: never on its command line. */
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private static final String PASSWORD_VARIABLE = "SMACK_KEYSTORE_PASSWORD";

  /** Makes the keystore in {@code dir}. */
  public static SelfSignedKeystore create(Path dir) {
    return create(dir, List.of("127.0.0.1"), "test-" + Long.toHexString(System.nanoTime()));
  }

  /**
   * Makes the keystore in {@code dir} with {@code password}, for {@code localhost} and each of
   * {@code addresses} (IP addresses), replacing one that is there; valid for {@link #VALIDITY}.
   */
  public static SelfSignedKeystore create(Path dir, List<String> addresses, String password) {
    return create(dir, addresses, password, VALIDITY);
  }

  /**
   * As {@link #create(Path, List, String)}, valid for {@code validity} (whole days, at least one).
   * The file is its owner's alone, and the password reaches keytool through its environment ({@code
   * -storepass:env}), not its command line, which {@code ps} shows every user.
   */
  static SelfSignedKeystore create(
      Path dir, List<String> addresses, String password, Duration validity) {
    Path keystore = dir.resolve("server.p12");
    String names =
        "dns:localhost" + addresses.stream().map(a -> ",ip:" + a).reduce("", String::concat);
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(keystore);
      ProcessBuilder builder =
          new ProcessBuilder(
              List.of(
                  keytool.toString(),
                  "-genkeypair",
                  "-alias",
                  "server",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-dname",
                  "CN=localhost",
                  "-ext",
                  "SAN=" + names,
                  "-validity",
                  String.valueOf(Math.max(1, validity.toDays())),
                  "-storetype",
                  "PKCS12",
                  "-keystore",
                  keystore.toString(),
                  "-storepass:env",
                  PASSWORD_VARIABLE));
      builder.environment().put(PASSWORD_VARIABLE, password);
      Process process = builder.redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      Files.setPosixFilePermissions(keystore, OWNER_ONLY);
    } catch (IOException e) {
      throw new UncheckedIOException("making a keystore in " + dir + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making a keystore", e);
    }
    return new SelfSignedKeystore(keystore, password);
  }

  /** The settings that point a service at this keystore, as a Marathon app's env would. */
  public Map<String, String> environment() {
    return Map.of("HTTP_TLS_KEYSTORE", keystore.toString(), "HTTP_TLS_KEYSTORE_PASSWORD", password);
  }

  /** GET {@code url} with an HTTPS client that trusts this certificate and no other. */
  public HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HttpClient.newBuilder()
        .sslContext(trustingClient())
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Writes a truststore holding this certificate alone to {@code file} (PKCS12, this keystore's
   * password): what a client of a server using this keystore points at.
   */
  public Path writeTruststore(Path file) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      truststore().store(out, password.toCharArray());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a truststore from " + keystore + " failed", e);
    }
  }

  /** A client's TLS context that trusts this certificate and no other. */
  public SSLContext trustingClient() {
    try {
      KeyStore trusted = truststore();
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a client context trusting " + keystore + " failed", e);
    }
  }

  private KeyStore truststore() throws GeneralSecurityException {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("server", store.getCertificate("server"));
      return trusted;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + keystore + " failed", e);
    }
  }

  /** The date its certificate expires. */
  Instant expires() {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      return ((X509Certificate) store.getCertificate("server")).getNotAfter().toInstant();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("reading the certificate of " + keystore + " failed", e);
    }
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "SelfSignedKeystore[keystore=" + keystore + ", password=***]";
  }
}
