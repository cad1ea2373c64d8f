package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.smack.access.TestTables.Written;
import io.smack.localstack.Await;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a request may cost the service, on the real node: the statements each endpoint sends to
 * Cassandra (read from the service's own {@code access_cassandra_statements_total}) against the
 * figures the module README gives, the largest page of a daily series (one quote per day partition,
 * as vega-datasets' sp500-2000.csv) answered within the request timeout, and the heap after
 * requests for 100 000 distinct unknown symbols.
 */
@ExtendWith(LocalStackExtension.class)
class BoundedWorkIT {

  private static final Pattern STATEMENTS =
      Pattern.compile(
          "^access_cassandra_statements_total\\{[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);
  private static final Pattern SERIES_ROWS =
      Pattern.compile("^access_cassandra_series_rows_total ([0-9.eE+]+)$", Pattern.MULTILINE);

  /** Business days from 2000-01-03 on, as many as sp500-2000.csv has rows. */
  private static final int DAILY_CLOSES = 5105;

  private static TestTables tables;
  private static String keyspace;

  @BeforeAll
  static void write(StackAddresses stack) {
    keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    tables = new TestTables(stack, keyspace);
    // AAPL: a quote a minute over two days; MSFT: one day; IBM: one quote, no model
    List<Written> quotes = new ArrayList<>();
    for (int i = 0; i < 2 * 24 * 60; i++) {
      quotes.add(
          new Written(
              "AAPL", Instant.parse("2026-11-20T00:00:00Z").plusSeconds(60L * i), 190 + i % 7, 1));
    }
    for (int i = 0; i < 60; i++) {
      quotes.add(
          new Written(
              "MSFT", Instant.parse("2026-11-21T10:00:00Z").plusSeconds(60L * i), 410 + i, 1));
    }
    quotes.add(new Written("IBM", Instant.parse("2026-11-21T10:00:00Z"), 168.4, 5));
    // SPX: one close per business day, each in a day partition of its own
    Random random = new Random(2000);
    double close = 1455;
    LocalDate day = LocalDate.of(2000, 1, 3);
    for (int i = 0; i < DAILY_CLOSES; day = day.plusDays(1)) {
      if (day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY) {
        close *= Math.exp(random.nextGaussian() * 0.012);
        quotes.add(new Written("SPX", day.atStartOfDay(ZoneOffset.UTC).toInstant(), close, 1));
        i++;
      }
    }
    // NITE: eight full days of a quote a minute, then two quotes just after midnight
    for (int i = 0; i < 8 * 24 * 60; i++) {
      quotes.add(
          new Written(
              "NITE", Instant.parse("2026-11-13T00:00:00Z").plusSeconds(60L * i), 50 + i % 3, 1));
    }
    quotes.add(new Written("NITE", Instant.parse("2026-11-21T00:00:10Z"), 51, 1));
    quotes.add(new Written("NITE", Instant.parse("2026-11-21T00:00:20Z"), 52, 1));
    tables.quotes(quotes);
    for (int i = 0; i < 30; i++) {
      tables.bar("AAPL", Instant.parse("2026-11-21T00:00:00Z").plusSeconds(60L * i), 190, 1, 1);
    }
    tables.model("AAPL", 1, ForecastTest.MODEL, true);
    tables.model("MSFT", 1, ForecastTest.MODEL, true);
    tables.model("MSFT", 2, ForecastTest.MODEL, false);
  }

  @AfterAll
  static void close() {
    if (tables != null) {
      tables.close();
    }
  }

  /**
   * The module README's table "What a request costs", uncached: a service whose latest quote and
   * verdict are never kept and whose models are read again after a millisecond.
   */
  @Test
  void should_send_each_endpoint_the_statements_the_readme_gives(StackAddresses stack)
      throws Exception {
    Map<String, Integer> expected = new LinkedHashMap<>();
    // symbols: one page of the symbols partition
    expected.put("/symbols", 1);
    // latest: one row
    expected.put("/quotes/AAPL/latest", 1);
    // a range: the symbol's latest (is it known?), the day index, one day that fills the page
    expected.put("/quotes/AAPL?from=2026-11-21&to=2026-11-22&limit=100", 3);
    // a range over two days, the newer of which does not fill the page
    expected.put("/quotes/AAPL?from=2026-11-20T23:00:00Z&to=2026-11-21T00:30:00Z&limit=100", 4);
    expected.put("/bars/AAPL?limit=10", 3);
    // versions (LIMIT 100), the served pointer and the live monitor
    expected.put("/models/MSFT", 3);
    // known, pointer, model row, day index, one day of prices, the recorded prediction
    expected.put("/predictions/MSFT", 6);
    // the symbols, their latest quotes (one IN read per 100), each symbol's pointer and monitor
    // and the model row of those with one (AAPL, MSFT; not IBM, NITE, SPX), today's and
    // yesterday's batches of the two queries
    expected.put("/status", 1 + 1 + 5 + 5 + 2 + 4);

    try (RunningService service =
        RunningService.start(
            stack,
            keyspace,
            Map.of(
                "ACCESS_LATEST_CACHE_TTL", "0",
                "ACCESS_STATUS_CACHE_TTL", "0",
                "ACCESS_MODEL_RELOAD_INTERVAL", "1ms"))) {
      Map<String, Integer> counted = new LinkedHashMap<>();
      for (String endpoint : expected.keySet()) {
        Thread.sleep(5); // past the model reload interval
        double before = statements(service.api());
        ApiClient.Reply reply = service.api().get(endpoint);
        assertThat(reply.status()).as(endpoint + ": " + reply.body()).isEqualTo(200);
        counted.put(endpoint, (int) (statements(service.api()) - before));
      }
      assertThat(counted).isEqualTo(expected);
    }
  }

  @Test
  void should_answer_the_largest_page_of_a_daily_series_within_the_timeout(StackAddresses stack)
      throws Exception {
    try (RunningService service = RunningService.start(stack, keyspace, Map.of())) {
      for (int call = 1; call <= 8; call++) {
        // when
        long began = System.nanoTime();
        ApiClient.Reply reply = service.api().get("/quotes/SPX?limit=10000");
        long millis = (System.nanoTime() - began) / 1_000_000;

        // then: every quote, not a 503 timeout (the request timeout is 2 s)
        assertThat(reply.status())
            .as("call %d after %d ms: %s", call, millis, reply.body())
            .isEqualTo(200);
        assertThat(reply.json().get("quotes")).hasSize(DAILY_CLOSES);
        System.out.printf("/quotes/SPX?limit=10000, call %d: %d ms%n", call, millis);
      }
    }
  }

  @Test
  void should_read_a_few_pages_of_rows_at_most_for_a_page_that_starts_in_a_sparse_day(
      StackAddresses stack) throws Exception {
    try (RunningService service = RunningService.start(stack, keyspace, Map.of())) {
      // given: the page asks for 1 000 quotes; the newest day holds two, the eight before it
      // 1 440 each, so the rows per day seen first say 500 days are needed
      double before = metric(service.api(), SERIES_ROWS);

      // when
      ApiClient.Reply reply = service.api().get("/quotes/NITE?limit=1000");

      // then: the newest 1 000, from about three pages of rows (the service asks for 1 001 to
      // know whether a next page exists), not the eight days' 8 × 1 000
      double rows = metric(service.api(), SERIES_ROWS) - before;
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      JsonNode quotes = reply.json().get("quotes");
      assertThat(quotes).hasSize(1000);
      assertThat(quotes.get(0).get("ts").asText()).isEqualTo("2026-11-21T00:00:20.000Z");
      assertThat(quotes.get(2).get("ts").asText()).isEqualTo("2026-11-20T23:59:00.000Z");
      assertThat(quotes.get(999).get("ts").asText()).isEqualTo("2026-11-20T07:22:00.000Z");
      assertThat(rows).as("rows read for one page of 1 001").isBetween(1001.0, 3 * 1001 + 2.0);
      System.out.printf("/quotes/NITE?limit=1000 after midnight: %.0f rows read%n", rows);
    }
  }

  @Test
  void should_hold_no_more_symbols_than_the_cache_bound(StackAddresses stack) throws Exception {
    // given: a service that would keep a latest quote (or its absence) for an hour, for at most
    // 200 symbols
    try (RunningService service =
        RunningService.start(
            stack,
            keyspace,
            Map.of("ACCESS_LATEST_CACHE_TTL", "1h", "ACCESS_CACHE_MAX_SYMBOLS", "200"))) {
      HttpClient http = HttpClient.newHttpClient();

      // when: 2 000 symbols no one has are asked for
      int answered = askUnknown(http, service.port(), "C", 2_000);

      // then: every one a 404, at most 200 held once Caffeine has let the least used go (it
      // does so on its own executor, soon after), and the rest evicted
      assertThat(answered).isEqualTo(2_000);
      Await.until(
          () -> metric(service.api(), cache("estimated_size", "latest-quote")) <= 200,
          Duration.ofSeconds(60));
      assertThat(metric(service.api(), cache("estimated_size", "latest-quote"))).isPositive();
      assertThat(metric(service.api(), cache("eviction_total", "latest-quote")))
          .isGreaterThanOrEqualTo(1_800);
    }
  }

  private static Pattern cache(String metric, String name) {
    return Pattern.compile(
        "^caffeine_cache_" + metric + "\\{cache=\"" + name + "\"} ([0-9.eE+]+)$",
        Pattern.MULTILINE);
  }

  // 100 000 requests take about two minutes here: bin/smack chaos runs it; in bin/smack test the
  // cache's bound is checked on its own (should_hold_no_more_symbols_than_the_cache_bound)
  @Test
  @Tag("chaos")
  void should_keep_the_heap_bounded_under_100_000_unknown_symbols(StackAddresses stack)
      throws Exception {
    // given: a service that would keep a latest quote (or its absence) for an hour
    try (RunningService service =
        RunningService.start(stack, keyspace, Map.of("ACCESS_LATEST_CACHE_TTL", "1h"))) {
      HttpClient http = HttpClient.newHttpClient();
      askUnknown(http, service.port(), "W", 2_000); // warm: classes, pools, connections
      long before = heapAfterGc();

      // when
      int answered = askUnknown(http, service.port(), "U", 100_000);
      long after = heapAfterGc();

      // then: every one a 404, and the heap within 8 MiB of where it was (the cache's 10 000
      // entries; the 100 000 would take ~30 MiB)
      System.out.printf(
          "heap after GC: %d KiB before, %d KiB after 100 000 unknown symbols%n",
          before >> 10, after >> 10);
      assertThat(answered).isEqualTo(100_000);
      assertThat(after - before).isLessThan(8L << 20);
    }
  }

  /** Asks {@code /quotes/PREFIXn/latest} for n below {@code count}, 16 at once; 404s counted. */
  private static int askUnknown(HttpClient http, int port, String prefix, int count)
      throws InterruptedException {
    Semaphore slots = new Semaphore(16);
    AtomicInteger notFound = new AtomicInteger();
    for (int i = 0; i < count; i++) {
      slots.acquire();
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + port + "/quotes/" + prefix + i + "/latest"))
              .timeout(Duration.ofSeconds(30))
              .build();
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, error) -> {
                if (response != null && response.statusCode() == 404) {
                  notFound.incrementAndGet();
                }
                slots.release();
              });
    }
    slots.acquire(16);
    slots.release(16);
    return notFound.get();
  }

  private static long heapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static double statements(ApiClient api) {
    return metric(api, STATEMENTS);
  }

  private static double metric(ApiClient api, Pattern samples) {
    Matcher matcher = samples.matcher(api.get("/metrics").body());
    double sum = 0;
    while (matcher.find()) {
      sum += Double.parseDouble(matcher.group(1));
    }
    return sum;
  }
}
