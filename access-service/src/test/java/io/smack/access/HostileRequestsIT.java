package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.access.TestTables.Written;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A generated corpus of hostile requests, by the classes a fuzzer tries, sent over raw sockets (so
 * that invalid UTF-8 and broken percent-encoding reach the server as sent): never a 5xx, never a
 * stack trace or a class name in a body, every error as JSON with its {@code error}, never a hang,
 * the heap bounded, and clients sending a byte a second answered without slowing the others.
 */
@ExtendWith(LocalStackExtension.class)
class HostileRequestsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PER_CLASS = 1300;
  private static final int SLOW_CLIENTS = 4;

  /** What no body may hold: a stack frame, an exception's or a package's name, a file read. */
  private static final Pattern LEAK =
      Pattern.compile(
          "Exception|Throwable|\\bat [\\w$]+\\.[\\w$.]+\\(|io\\.smack|org\\.apache|scala\\."
              + "|java\\.|datastax|root:x:0|<project");

  /** Longer than this without an answer counts as a hang: five times the request timeout. */
  private static final Duration HANG = Duration.ofSeconds(25);

  private static TestTables tables;
  private static RunningService service;

  @BeforeAll
  static void start(StackAddresses stack) throws InterruptedException {
    String keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    tables = new TestTables(stack, keyspace);
    Instant start = Instant.parse("2026-11-21T10:00:00Z");
    for (int i = 0; i < 50; i++) {
      tables.quote(new Written("AAPL", start.plusSeconds(60L * i), 190 + i * 0.1, 10));
    }
    tables.model("AAPL", 1, ForecastTest.MODEL, true);
    // a request timeout well above a busy machine's slowest answer: a 503 here is a defect
    service = RunningService.start(stack, keyspace, Map.of("ACCESS_REQUEST_TIMEOUT", "5s"));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    if (tables != null) {
      tables.close();
    }
  }

  @Test
  void should_answer_every_hostile_request_with_a_clean_4xx_or_its_data() throws Exception {
    // given
    Map<String, List<String>> corpus = corpus(new Random(20));
    long heapBefore = heapAfterGc();
    List<Future<String>> slow = new ArrayList<>();
    ExecutorService slowClients = Executors.newFixedThreadPool(SLOW_CLIENTS);
    for (int i = 0; i < SLOW_CLIENTS; i++) {
      String path = i % 2 == 0 ? "/symbols" : "/quotes/AAPL/latest";
      slow.add(slowClients.submit(() -> sendSlowly(path)));
    }

    // when
    Map<String, AtomicInteger> sent = new TreeMap<>();
    Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    ExecutorService clients = Executors.newFixedThreadPool(2);
    List<Future<?>> done = new ArrayList<>();
    for (Map.Entry<String, List<String>> klass : corpus.entrySet()) {
      AtomicInteger count = sent.computeIfAbsent(klass.getKey(), k -> new AtomicInteger());
      for (String target : klass.getValue()) {
        done.add(
            clients.submit(
                () -> {
                  String failure = check(klass.getKey(), target, statuses);
                  count.incrementAndGet();
                  if (failure != null) {
                    failures.add(failure);
                  }
                }));
      }
    }
    for (Future<?> request : done) {
      request.get();
    }
    clients.shutdown();
    List<String> slowAnswers = new ArrayList<>();
    for (Future<String> answer : slow) {
      slowAnswers.add(answer.get());
    }
    slowClients.shutdown();
    long heapAfter = heapAfterGc();

    // then
    int total = sent.values().stream().mapToInt(AtomicInteger::get).sum() + SLOW_CLIENTS;
    System.out.printf(
        "hostile corpus: %d requests; per class %s and slow clients %d; statuses %s; heap %+d"
            + " MiB%n",
        total, sent, SLOW_CLIENTS, new TreeMap<>(statuses), (heapAfter - heapBefore) >> 20);
    assertThat(failures).as("%d failures", failures.size()).isEmpty();
    assertThat(total).isGreaterThanOrEqualTo(10_000);
    assertThat(sent.values()).allSatisfy(count -> assertThat(count.get()).isGreaterThan(1000));
    assertThat(slowAnswers)
        .as("each slow client's answer")
        .allSatisfy(status -> assertThat(status).startsWith("HTTP/1.1 200"));
    assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(48L << 20);
  }

  /**
   * Sends {@code target}, checks the answer; null when it is clean, else what is wrong.
   *
   * @param target the request target as raw bytes (ISO-8859-1 characters), or a whole request head
   *     when it starts with {@code "RAW "}
   */
  private static String check(String klass, String target, Map<String, AtomicInteger> statuses) {
    byte[] request =
        target.startsWith("RAW ")
            ? target.substring(4).getBytes(StandardCharsets.ISO_8859_1)
            : ("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    String shown = klass + ": " + abbreviated(target);
    Answer answer;
    try {
      answer = send(request);
    } catch (SocketTimeoutException e) {
      return shown + " → no answer within " + HANG.toSeconds() + " s";
    } catch (IOException e) {
      return shown + " → " + e;
    }
    statuses
        .computeIfAbsent(String.valueOf(answer.status()), s -> new AtomicInteger())
        .incrementAndGet();
    if (answer.status() >= 500 || answer.status() < 200) {
      return shown + " → " + answer.status() + " " + abbreviated(answer.body());
    }
    if (LEAK.matcher(answer.body()).find()) {
      return shown + " → a body with internals: " + abbreviated(answer.body());
    }
    if (answer.status() >= 400) {
      try {
        JsonNode error = JSON.readTree(answer.body());
        if (!answer.contentType().startsWith("application/json") || !error.has("error")) {
          return shown + " → " + answer.status() + " without a JSON error: " + answer.body();
        }
      } catch (IOException e) {
        return shown + " → " + answer.status() + " not JSON: " + abbreviated(answer.body());
      }
    }
    return null;
  }

  private record Answer(int status, String contentType, String body) {}

  /** One request on a connection of its own; the answer read to the end of the connection. */
  private static Answer send(byte[] request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", service.port()), 5000);
      socket.setSoTimeout((int) HANG.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    }
  }

  /** A valid request sent a byte a second; returns the answer's status line. */
  private static String sendSlowly(String target) throws IOException, InterruptedException {
    byte[] request =
        ("GET " + target + " HTTP/1.1\r\nHost:a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      socket.setSoTimeout((int) HANG.toMillis());
      OutputStream out = socket.getOutputStream();
      for (byte b : request) {
        out.write(b);
        out.flush();
        Thread.sleep(1000);
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream statusLine = new ByteArrayOutputStream();
      for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
        statusLine.write(b);
      }
      return statusLine.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static Answer parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.UTF_8);
    int headEnd = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
      throw new IOException("not an HTTP answer: " + abbreviated(text));
    }
    String head = text.substring(0, headEnd);
    String body = text.substring(headEnd + 4);
    String contentType = "";
    boolean chunked = false;
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase();
      if (lower.startsWith("content-type:")) {
        contentType = line.substring(13).strip();
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    return new Answer(
        Integer.parseInt(head.substring(9, 12)), contentType, chunked ? unchunked(body) : body);
  }

  private static String unchunked(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < body.length()) {
      int lineEnd = body.indexOf("\r\n", at);
      int size = Integer.parseInt(body.substring(at, lineEnd).strip(), 16);
      if (size == 0) {
        break;
      }
      out.append(body, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
    return out.toString();
  }

  // ---- the corpus --------------------------------------------------------------------------

  private static final String[] ENDPOINTS = {
    "/quotes/%s",
    "/quotes/%s/latest",
    "/bars/%s",
    "/predictions/%s",
    "/predictions/%s/errors",
    "/models/%s"
  };
  private static final String[] PARAMETERS = {"limit", "from", "to", "cursor"};

  /** Requests by class, {@link #PER_CLASS} each, from {@code random}. */
  static Map<String, List<String>> corpus(Random random) {
    Map<String, List<String>> corpus = new TreeMap<>();
    corpus.put("traversal", generate(random, HostileRequestsIT::traversal));
    corpus.put("encoded separators", generate(random, HostileRequestsIT::separators));
    corpus.put("overlong values", generate(random, HostileRequestsIT::overlong));
    corpus.put("invalid UTF-8 and percent-encoding", generate(random, HostileRequestsIT::encoding));
    corpus.put("CQL and JSON metacharacters", generate(random, HostileRequestsIT::metacharacters));
    corpus.put("huge and negative numbers", generate(random, HostileRequestsIT::numbers));
    corpus.put("repeated parameters", generate(random, HostileRequestsIT::repeated));
    corpus.put("malformed request heads", generate(random, HostileRequestsIT::heads));
    return corpus;
  }

  private interface Generator {
    String next(Random random);
  }

  private static List<String> generate(Random random, Generator generator) {
    List<String> requests = new ArrayList<>();
    for (int i = 0; i < PER_CLASS; i++) {
      requests.add(generator.next(random));
    }
    return requests;
  }

  private static String traversal(Random random) {
    String[] up = {
      "..",
      "%2e%2e",
      "%2E%2E",
      ".%2e",
      "%2e.",
      "%252e%252e",
      "..%2f",
      "..%5c",
      "..;",
      "....//",
      "%c0%ae%c0%ae",
      "..%00",
      ".",
      "%2e"
    };
    String[] targets = {"etc/passwd", "pom.xml", "WEB-INF/web.xml", "", "openapi.json", "symbols"};
    StringBuilder path =
        new StringBuilder(pick(random, "/", "/quotes/", "/bars/AAPL/", "/health/"));
    for (int i = 1 + random.nextInt(6); i > 0; i--) {
      path.append(pick(random, up)).append(pick(random, "/", "%2f", "%5c", "\\"));
    }
    return path + pick(random, targets);
  }

  private static String separators(Random random) {
    String[] separators = {
      "%2F", "%2f", "%5C", "%3F", "%23", "%00", "%0A", "%0D%0A", "%09", "%3B", ";", "%26", "%3D",
      "%20", "+", "%2C", "%7C"
    };
    String symbol = "AA" + pick(random, separators) + "PL";
    if (random.nextBoolean()) {
      return endpoint(random, symbol);
    }
    return endpoint(random, "AAPL")
        + "?"
        + pick(random, PARAMETERS)
        + "="
        + "2026"
        + pick(random, separators)
        + "11-21";
  }

  private static String overlong(Random random) {
    int length = pick(random, new int[] {17, 33, 64, 255, 1000, 1900, 2100, 5000, 20_000});
    String value = repeat(pick(random, "A", "9", "%41", "Z."), length);
    return switch (random.nextInt(3)) {
      case 0 -> endpoint(random, value);
      case 1 -> endpoint(random, "AAPL") + "?" + pick(random, PARAMETERS) + "=" + value;
      default ->
          "RAW GET /quotes/AAPL HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
              + "X-Long: "
              + repeat("h", length * 2)
              + "\r\n\r\n";
    };
  }

  private static String encoding(Random random) {
    String[] broken = {
      "%",
      "%G",
      "%1",
      "%GG",
      "%zz",
      "%C3%28",
      "%FF",
      "%FE%FF",
      "%C0%AF",
      "%ED%A0%80",
      "%F8%88%80%80%80",
      "%E2%82",
      "\u00c3\u0028",
      "\u00ff",
      "\u0080",
      "%%",
      "%u0041",
      "%C3"
    };
    String piece = pick(random, broken);
    return random.nextBoolean()
        ? endpoint(random, "A" + piece)
        : endpoint(random, "AAPL") + "?" + pick(random, PARAMETERS) + "=" + piece;
  }

  private static String metacharacters(Random random) {
    String[] symbols = {
      "A'B",
      "%27%3BDROP%20TABLE%20quotes_by_day%3B--",
      "%22%7D",
      "%7B%22a%22%3A1%7D",
      "A%5CB",
      "$where",
      "*",
      "A%27",
      "%3Cscript%3E",
      "AAPL'%20OR%20'1'='1",
      "A\"B",
      "%60",
      "A%2A",
      "?",
      "AAPL%22%2C%22x%22%3A%22"
    };
    String[] cursors = {
      "'",
      "%27",
      "%7B%7D",
      "AAAA",
      "%00",
      "'%20OR%201=1%20--",
      "%22%7D%5D",
      "2026-11-21T10:00:00Z'",
      "null",
      "%5B%5D",
      "eyJhIjoxfQ==",
      "2026-11-21T10:00:00.000Z%3B",
      "-",
      "9" + repeat("9", 30)
    };
    return random.nextBoolean()
        ? endpoint(random, pick(random, symbols))
        : "/quotes/AAPL?cursor=" + pick(random, cursors);
  }

  private static String numbers(Random random) {
    String[] limits = {
      "-1",
      "-2147483649",
      "0",
      "2147483648",
      "9223372036854775808",
      "1e309",
      "NaN",
      "Infinity",
      "0x10",
      "+5",
      "00010",
      "1.5",
      "%205",
      "5%20",
      "%D9%A1%D9%A2",
      "-0",
      "10001",
      repeat("9", 400)
    };
    String[] times = {
      "-999999999-01-01",
      "%2B1000000000-01-01",
      "9999999999999",
      "-1",
      "1e10",
      "2026-02-30",
      "2026-11-21T25:00:00Z",
      "0000-00-00",
      "-292275055-05-16T16:47:04Z",
      "+292278994-08-17",
      "2026-11-21T10:00:00%2B99:00",
      "1970-01-01T00:00:00Z"
    };
    return random.nextBoolean()
        ? endpoint(random, "AAPL") + "?limit=" + pick(random, limits)
        : endpoint(random, "AAPL")
            + "?"
            + pick(random, "from", "to")
            + "="
            + pick(random, times)
            + "&"
            + pick(random, "from", "to")
            + "="
            + pick(random, times);
  }

  private static String repeated(Random random) {
    int times = pick(random, new int[] {2, 3, 10, 50, 100, 300});
    StringBuilder query = new StringBuilder();
    for (int i = 0; i < times; i++) {
      query
          .append(i == 0 ? "?" : "&")
          .append(random.nextInt(4) == 0 ? pick(random, PARAMETERS) : "limit")
          .append('=')
          .append(random.nextInt(3) == 0 ? "2026-11-21" : String.valueOf(random.nextInt(20)));
    }
    return endpoint(random, "AAPL") + query;
  }

  private static String heads(Random random) {
    String[] heads = {
      "RAW GET /symbols HTTP/1.1\r\nConnection: close\r\n\r\n",
      "RAW GET /symbols HTTP/9.9\r\nHost: a\r\nConnection: close\r\n\r\n",
      "RAW BREW /symbols HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
      "RAW GET  /symbols  HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
      "RAW GET symbols HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
      "RAW GET /symbols HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n",
      "RAW GET /symbols HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\nConnection: close\r\n\r\n",
      "RAW GET /symbols HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked"
          + "\r\nConnection: close\r\n\r\n0\r\n\r\n",
      "RAW GET /symbols HTTP/1.1\r\nHost: a\r\nBad Header\r\nConnection: close\r\n\r\n",
      "RAW GET /symbols HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer \u00ff\u00fe\r\n"
          + "Connection: close\r\n\r\n",
      "RAW GET http://evil.example/symbols HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
      "RAW GET * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
      "RAW OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
      "RAW GET /symbols HTTP/1.1\r\nHost: a\r\nOrigin: http://evil.example\r\n"
          + "Connection: close\r\n\r\n"
    };
    String head = pick(random, heads);
    if (random.nextInt(4) == 0) {
      // many headers: over the limit of 64 (431)
      StringBuilder many = new StringBuilder("RAW GET /symbols HTTP/1.1\r\nHost: a\r\n");
      for (int i = 0; i < 40 + random.nextInt(60); i++) {
        many.append("X-").append(i).append(": v\r\n");
      }
      return many.append("Connection: close\r\n\r\n").toString();
    }
    return head;
  }

  private static String endpoint(Random random, String symbol) {
    return String.format(pick(random, ENDPOINTS), symbol);
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static int pick(Random random, int[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static String repeat(String piece, int length) {
    return piece.repeat(Math.max(1, length / piece.length()));
  }

  private static String abbreviated(String text) {
    return text.length() <= 160 ? text : text.substring(0, 160) + "… (" + text.length() + ")";
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
