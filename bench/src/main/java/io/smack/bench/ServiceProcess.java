package io.smack.bench;

import io.smack.localstack.ModuleProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A part of the pipeline (or the bare baseline server) in a JVM of its own, started by
 * local-stack's {@link ModuleProcess} as {@code bin/smack up} starts it, and the HTTP calls the
 * benchmarks make to it.
 */
final class ServiceProcess implements AutoCloseable {

  /** The project root: bin/smack runs the benchmarks from there. */
  static final Path ROOT = Path.of("").toAbsolutePath();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final ModuleProcess process;
  private final String base;

  private ServiceProcess(ModuleProcess process, int port) {
    this.process = process;
    this.base = "http://127.0.0.1:" + port;
  }

  /** The access service, told to listen on {@code port}. */
  static ServiceProcess accessService(Map<String, String> environment, int port, Path log) {
    return new ServiceProcess(
        ModuleProcess.accessService(
            ROOT, "access-service", List.of(), withPort(environment, port), log),
        port);
  }

  /** The collector, with JVM options such as {@code -Dsmack.collector.source.sim.limit=N}. */
  static ServiceProcess collector(
      List<String> jvmOptions, Map<String, String> environment, int port, Path log) {
    return new ServiceProcess(
        ModuleProcess.service(
            ROOT,
            "collector",
            "collector.classpath",
            "io.smack.collector.CollectorMain",
            jvmOptions,
            withPort(environment, port),
            log),
        port);
  }

  /** A Spark job's main class on Spark local (1 GiB heap), serving its health on {@code port}. */
  static ServiceProcess sparkJob(
      String module, String mainClass, Map<String, String> environment, int port, Path log) {
    return new ServiceProcess(
        ModuleProcess.sparkJob(
            ROOT, module, mainClass, List.of(), withPort(environment, port), log),
        port);
  }

  /** A main class of this JVM's own classpath (the benchmarks'), with {@code heap}. */
  static ServiceProcess ofOwnClasspath(
      String name, String mainClass, List<String> args, String heap, int port, Path log) {
    return new ServiceProcess(
        ModuleProcess.ofClasspath(
            name,
            System.getProperty("java.class.path"),
            mainClass,
            args,
            List.of("-Xmx" + heap),
            Map.of(),
            log),
        port);
  }

  private static Map<String, String> withPort(Map<String, String> environment, int port) {
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.put("HTTP_PORT", String.valueOf(port));
    return env;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  String url(String path) {
    return base + path;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until {@code path} answers 200; fails, quoting the log, when the process ends first. */
  void awaitOk(String path, Duration timeout) {
    process.awaitOk(url(path), timeout);
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Override
  public void close() {
    process.close();
  }
}
