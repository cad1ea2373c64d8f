package io.smack.e2e;

import io.smack.localstack.SlowClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Users asking the access service without pause while a fault is injected: {@code clients} threads
 * each ask for a symbol's latest quote and its newest bars in turn (start it once the symbols have
 * data: a 404 counts as a failure), and every answer is counted by its status ({@code none} when no
 * answer came within the client's own timeout), with the slowest answer's time and the clients that
 * died of anything else.
 */
final class ApiLoad implements AutoCloseable {

  /** The client's own timeout: longer than any the service should take, to catch a hang. */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
  private final AtomicLong slowestNanos = new AtomicLong();
  private final AtomicLong slowestFailureNanos = new AtomicLong();
  private final Queue<Long> tookNanos = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong died = new AtomicLong();
  private final List<Thread> clients = new ArrayList<>();
  private final boolean newConnections;

  private ApiLoad(boolean newConnections) {
    this.newConnections = newConnections;
  }

  static ApiLoad start(Api api, List<String> symbols, int clients) {
    return start(api, symbols, clients, false);
  }

  /**
   * As {@link #start}, each request on a connection of its own (as new users' requests come): what
   * meets a balancer's connection limits, which a connection kept alive from before passes by.
   */
  static ApiLoad startOnNewConnections(Api api, List<String> symbols, int clients) {
    return start(api, symbols, clients, true);
  }

  private static ApiLoad start(Api api, List<String> symbols, int clients, boolean fresh) {
    ApiLoad load = new ApiLoad(fresh);
    for (int c = 0; c < clients; c++) {
      String symbol = symbols.get(c % symbols.size());
      List<String> paths = List.of("/quotes/" + symbol + "/latest", "/bars/" + symbol + "?limit=5");
      Thread client =
          new Thread(
              () -> {
                try {
                  load.ask(api, paths);
                } catch (RuntimeException | Error e) {
                  load.died.incrementAndGet(); // a user gone is a load that stopped: counted
                  throw e;
                }
              },
              "api-load-" + c);
      client.setDaemon(true);
      client.start();
      load.clients.add(client);
    }
    return load;
  }

  private void ask(Api api, List<String> paths) {
    for (int i = 0; running.get(); i++) {
      String outcome;
      long began = System.nanoTime();
      String path = paths.get(i % paths.size());
      if (newConnections) {
        URI uri = URI.create(api.url(path));
        outcome =
            SlowClients.statusOnNewConnection(
                new InetSocketAddress(uri.getHost(), uri.getPort()),
                uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
                CLIENT_TIMEOUT);
      } else {
        try {
          int status =
              http.send(
                      HttpRequest.newBuilder(URI.create(api.url(path)))
                          .timeout(CLIENT_TIMEOUT)
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
          outcome = String.valueOf(status);
        } catch (IOException e) {
          outcome = "none";
        } catch (InterruptedException e) {
          return;
        }
      }
      long took = System.nanoTime() - began;
      slowestNanos.accumulateAndGet(took, Math::max);
      tookNanos.add(took);
      if (!outcome.startsWith("2")) {
        slowestFailureNanos.accumulateAndGet(took, Math::max);
      }
      outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }
  }

  /** Client threads that ended on an exception of their own: each a part of the load lost. */
  long died() {
    return died.get();
  }

  /** Answers so far by status ("200", "503", ..., "none"). */
  Map<String, Long> outcomes() {
    Map<String, Long> counts = new TreeMap<>();
    outcomes.forEach((status, count) -> counts.put(status, count.get()));
    return counts;
  }

  long total() {
    return outcomes().values().stream().mapToLong(Long::longValue).sum();
  }

  /** Answers other than a 2xx, and requests that got no answer at all. */
  long failures() {
    return outcomes().entrySet().stream()
        .filter(e -> !e.getKey().startsWith("2"))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  long count(String status) {
    return outcomes().getOrDefault(status, 0L);
  }

  Duration slowest() {
    return Duration.ofNanos(slowestNanos.get());
  }

  /** The 99th percentile of every request's time, answered or not (nearest rank). */
  Duration p99() {
    long[] sorted = tookNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(sorted[(int) Math.ceil(0.99 * sorted.length) - 1]);
  }

  /** The slowest answer that was not a success: how long a failure made a user wait. */
  Duration slowestFailure() {
    return Duration.ofNanos(slowestFailureNanos.get());
  }

  /** "1234 requests {200=1200, 503=34}, p99 95 ms, slowest 812 ms, 0 clients died". */
  String summary() {
    return String.format(
        "%d requests %s, p99 %d ms, slowest %d ms, %d clients died",
        total(), outcomes(), p99().toMillis(), slowest().toMillis(), died());
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread client : clients) {
      client.join(CLIENT_TIMEOUT.toMillis() * 2);
    }
  }
}
