package io.smack.bench;

import io.smack.localstack.Await;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM service (the access service, the bare baseline server) in a process of its own, as {@code
 * bin/smack} runs it, and the HTTP calls the benchmarks make to it.
 */
final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final String base;

  private ServiceProcess(Process process, int port) {
    this.process = process;
    this.base = "http://127.0.0.1:" + port;
  }

  /**
   * @param classpath the service's classpath entries
   * @param arguments the main class, then its arguments
   * @param port the port the service is told to listen on (in its environment or arguments)
   */
  static ServiceProcess start(
      List<String> classpath,
      List<String> arguments,
      String heap,
      Map<String, String> environment,
      int port,
      Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classpath));
    command.addAll(arguments);
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return new ServiceProcess(builder.start(), port);
  }

  /** A process started otherwise (a Spark job) that serves HTTP on {@code port}. */
  static ServiceProcess of(Process process, int port) {
    return new ServiceProcess(process, port);
  }

  /** The classpath a module's build wrote ({@code target/NAME}), after its classes. */
  static List<String> moduleClasspath(String module, String classpathFile) throws IOException {
    Path target = Path.of(module, "target");
    Path file = target.resolve(classpathFile);
    if (!Files.exists(file)) {
      throw new IllegalStateException(
          file + " is missing: build it first (mvn package -DskipTests -pl " + module + " -am)");
    }
    return List.of(
        target.resolve("classes").toAbsolutePath().toString(), Files.readString(file).strip());
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  String url(String path) {
    return base + path;
  }

  /** Waits until {@code path} answers 200; fails when the process ends or time runs out. */
  void awaitOk(String path, Duration timeout) throws InterruptedException {
    Await.until(
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("the service exited with " + process.exitValue());
          }
          try {
            return get(path).statusCode() == 200;
          } catch (IOException notListeningYet) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        },
        timeout);
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
