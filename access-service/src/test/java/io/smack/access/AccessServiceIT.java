package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import io.smack.access.TestTables.Written;
import io.smack.common.CqlSchema;
import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.PortableModel;
import io.smack.localstack.Await;
import io.smack.localstack.LocalStackExtension;
import io.smack.localstack.StackAddresses;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The service on the real node, through a real socket, against rows the test wrote: every
 * endpoint's answer compared with what was written.
 */
@ExtendWith(LocalStackExtension.class)
class AccessServiceIT {

  /** AAPL: every 10 minutes from Nov 20 20:00 to Nov 23 02:00 UTC, nothing on Nov 22. */
  private static final List<Written> AAPL = new ArrayList<>();

  private static TestTables tables;
  private static RunningService service;
  private static ApiClient api;

  @BeforeAll
  static void start(StackAddresses stack) throws InterruptedException {
    String keyspace = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    tables = new TestTables(stack, keyspace);
    Random random = new Random(7);
    double price = 190;
    for (Instant ts = Instant.parse("2026-11-20T20:00:00Z");
        ts.isBefore(Instant.parse("2026-11-23T02:00:00Z"));
        ts = ts.plusSeconds(600)) {
      if (!ts.toString().startsWith("2026-11-22")) {
        price *= Math.exp(random.nextGaussian() * 0.003);
        AAPL.add(new Written("AAPL", ts, price, 100 + random.nextInt(900)));
      }
    }
    AAPL.forEach(tables::quote);
    for (int i = 0; i < 25; i++) {
      Instant ts = Instant.parse("2026-11-21T10:00:00Z").plusSeconds(60L * i);
      tables.quote(new Written("MSFT", ts, 410 + i * 0.5, 10));
      tables.bar("AAPL", Instant.parse("2026-11-20T23:50:00Z").plusSeconds(60L * i), 190 + i, i, 3);
    }
    tables.quote(new Written("IBM", Instant.parse("2026-11-21T10:00:00Z"), 168.4, 5));
    tables.quote(new Written("^GSPC", Instant.parse("2026-11-21T10:00:00Z"), 5900.25, 0));
    tables.quote(new Written("IBM", Instant.parse("2026-11-21T10:00:06.040Z"), 168.5, 5));
    tables.model("AAPL", 1, ForecastTest.MODEL, true);
    tables.model("AAPL", 2, ForecastTest.MODEL, false);
    tables.model("MSFT", 1, ForecastTest.MODEL, true);

    service = RunningService.start(stack, keyspace, Map.of("ACCESS_MODEL_RELOAD_INTERVAL", "1s"));
    api = service.api();
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
  void should_list_every_symbol_with_a_quote() {
    assertThat(texts(api.json("/symbols").get("symbols")))
        .containsExactly("AAPL", "IBM", "MSFT", "^GSPC");
  }

  @Test
  void should_answer_a_range_across_days_newest_first_with_exactly_the_rows_in_it() {
    // given: from Nov 20 23:00 to Nov 23 01:00, across the empty Nov 22
    Instant from = Instant.parse("2026-11-20T23:00:00Z");
    Instant to = Instant.parse("2026-11-23T01:00:00Z");

    // when
    JsonNode page = api.json("/quotes/AAPL?from=" + from + "&to=" + to);

    // then
    List<Written> expected =
        AAPL.stream()
            .filter(q -> !q.ts().isBefore(from) && q.ts().isBefore(to))
            .sorted(Comparator.comparing(Written::ts).reversed())
            .toList();
    assertThat(times(page.get("quotes")))
        .containsExactlyElementsOf(
            expected.stream().map(q -> Json.INSTANT.format(q.ts())).toList());
    assertThat(page.get("quotes").get(0).get("price").asDouble())
        .isEqualTo(expected.get(0).price());
    assertThat(page.get("next").isNull()).isTrue();
  }

  @Test
  void should_answer_an_empty_range_with_no_quotes() {
    JsonNode gap = api.json("/quotes/AAPL?from=2026-11-22&to=2026-11-23");
    JsonNode before = api.json("/quotes/AAPL?from=2020-01-01&to=2020-02-01");
    assertThat(gap.get("quotes")).isEmpty();
    assertThat(before.get("quotes")).isEmpty();
    assertThat(api.json("/quotes/AAPL?from=2026-11-21&to=2026-11-21").get("quotes")).isEmpty();
  }

  @Test
  void should_page_through_the_whole_series_without_loss_or_duplicates() {
    List<String> seen = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      JsonNode page = api.json("/quotes/AAPL?limit=7" + (next == null ? "" : "&cursor=" + next));
      assertThat(page.get("quotes").size()).isLessThanOrEqualTo(7);
      seen.addAll(times(page.get("quotes")));
      next = page.get("next").isNull() ? null : page.get("next").asText();
      pages++;
    } while (next != null);
    assertThat(seen)
        .containsExactlyElementsOf(
            AAPL.stream()
                .sorted(Comparator.comparing(Written::ts).reversed())
                .map(q -> Json.INSTANT.format(q.ts()))
                .toList());
    assertThat(pages).isEqualTo((AAPL.size() + 6) / 7);
  }

  @Test
  void should_answer_the_latest_quote() {
    Written last = AAPL.get(AAPL.size() - 1);
    JsonNode latest = api.json("/quotes/AAPL/latest");
    assertThat(latest.get("ts").asText()).isEqualTo(Json.INSTANT.format(last.ts()));
    assertThat(latest.get("price").asDouble()).isEqualTo(last.price());
    assertThat(latest.get("volume").asLong()).isEqualTo(last.volume());
  }

  @Test
  void should_answer_bars_in_a_range_across_midnight() {
    JsonNode bars = api.json("/bars/AAPL?from=2026-11-20T23:58:00Z&to=2026-11-21T00:03:00Z");
    assertThat(times(bars.get("bars"), "minute"))
        .containsExactly(
            "2026-11-21T00:02:00.000Z",
            "2026-11-21T00:01:00.000Z",
            "2026-11-21T00:00:00.000Z",
            "2026-11-20T23:59:00.000Z",
            "2026-11-20T23:58:00.000Z");
    assertThat(bars.get("bars").get(0).get("close").asDouble()).isEqualTo(190 + 12);
    assertThat(bars.get("bars").get(0).get("quotes").asInt()).isEqualTo(3);
  }

  @Test
  void should_list_every_view_and_every_table_behind_it_with_schema_writers_and_freshness() {
    // when
    JsonNode catalog = api.json("/catalog");

    // then: every route, with what it reads and its summary from openapi.json
    assertThat(catalog.get("views").findValuesAsText("path"))
        .containsExactlyElementsOf(
            Arrays.stream(Endpoint.values()).map(Endpoint::template).toList());
    JsonNode bars = view(catalog, "/bars/{symbol}");
    assertThat(bars.get("summary").asText())
        .isEqualTo("A page of the symbol's 1-minute bars in a time range");
    assertThat(bars.get("tables").toString()).isEqualTo("[\"bars_1m\",\"quote_days\"]");
    // and every table of the schema, its columns as Cassandra has them
    List<String> names = new ArrayList<>();
    catalog.get("tables").forEach(t -> names.add(t.get("name").asText()));
    assertThat(names).containsExactlyElementsOf(CqlSchema.descriptions().keySet());
    JsonNode models = table(catalog, "models");
    assertThat(models.get("columns").get(0).toString())
        .isEqualTo("{\"name\":\"symbol\",\"type\":\"text\",\"kind\":\"partition_key\"}");
    assertThat(models.get("columns").get(1).get("name").asText()).isEqualTo("version");
    assertThat(models.get("columns").get(1).get("kind").asText()).isEqualTo("clustering");
    assertThat(models.get("columns").findValuesAsText("name")).contains("lineage", "evaluation");
    assertThat(models.get("description").asText())
        .startsWith("Trained models, newest version first");
    assertThat(models.get("writtenBy").get(0).asText()).isEqualTo("model-training");
    assertThat(models.get("lineage").asText()).contains("walk-forward");
    assertThat(models.get("views").toString()).contains("/models/{symbol}");
    // the newest training is this test's, written at a known time
    assertThat(models.get("newestWrite").asText()).isEqualTo("2026-11-24T03:00:00.000Z");
    // the streaming job's tables: as fresh as its newest batch of the quotes query (the one
    // another test of this class records, if it ran first; none before)
    List<Row> batches =
        tables.rows(
            "SELECT at FROM " + keyspaceOf() + ".ingest_batches WHERE query = 'ingest' AND day = ?",
            LocalDate.now(ZoneOffset.UTC));
    JsonNode quotesWritten = table(catalog, "quotes_by_day").get("newestWrite");
    if (batches.isEmpty()) {
      assertThat(quotesWritten.isNull()).as(quotesWritten.toString()).isTrue();
    } else {
      assertThat(quotesWritten.asText())
          .isEqualTo(
              Json.INSTANT.format(
                  batches.stream().map(r -> r.getInstant(0)).max(Comparator.naturalOrder()).get()));
    }
  }

  private static JsonNode view(JsonNode catalog, String path) {
    for (JsonNode view : catalog.get("views")) {
      if (view.get("path").asText().equals(path)) {
        return view;
      }
    }
    throw new AssertionError(path + " is not in " + catalog);
  }

  private static JsonNode table(JsonNode catalog, String name) {
    for (JsonNode table : catalog.get("tables")) {
      if (table.get("name").asText().equals(name)) {
        return table;
      }
    }
    throw new AssertionError(name + " is not in " + catalog);
  }

  @Test
  void should_give_the_features_the_model_sees_at_each_price_as_worked_out_by_hand() {
    // when: the newest three prices, the page after them, and the series' first two
    JsonNode newest = api.json("/features/AAPL?limit=3");
    JsonNode older = api.json("/features/AAPL?limit=3&cursor=" + newest.get("next").asText());
    JsonNode first = api.json("/features/AAPL?to=" + Json.INSTANT.format(AAPL.get(2).ts()));

    // then: newest first, each from the 21 prices ending at it, across the missing day
    List<String> names = new ArrayList<>();
    newest.get("names").forEach(n -> names.add(n.asText()));
    assertThat(names).isEqualTo(ForecastFeatures.NAMES);
    List<JsonNode> rows = new ArrayList<>();
    newest.get("features").forEach(rows::add);
    older.get("features").forEach(rows::add);
    assertThat(rows).hasSize(6);
    for (int k = 0; k < rows.size(); k++) {
      int i = AAPL.size() - 1 - k;
      double[] prices = AAPL.subList(i - 20, i + 1).stream().mapToDouble(Written::price).toArray();
      double[] expected = ForecastTest.featuresByHand(prices);
      JsonNode row = rows.get(k);
      assertThat(row.get("ts").asText()).isEqualTo(Json.INSTANT.format(AAPL.get(i).ts()));
      assertThat(row.get("price").asDouble()).isEqualTo(AAPL.get(i).price());
      for (int f = 0; f < expected.length; f++) {
        assertThat(row.get("values").get(f).asDouble()).isCloseTo(expected[f], within(1e-12));
      }
    }
    assertThat(first.get("features")).hasSize(2);
    assertThat(first.get("features").get(0).get("values").isNull()).isTrue();
  }

  @Test
  void should_predict_with_the_served_model_on_the_newest_prices_and_record_it() {
    // when
    JsonNode prediction = api.json("/predictions/AAPL");

    // then: the portable model evaluated on the 21 newest written prices
    List<Written> inputs = AAPL.subList(AAPL.size() - ForecastFeatures.PRICES_NEEDED, AAPL.size());
    double[] prices = inputs.stream().mapToDouble(Written::price).toArray();
    // worked out by hand, not with the features and model code under test
    double expected = ForecastTest.byHand(ForecastTest.MODEL, ForecastTest.featuresByHand(prices));
    Written last = AAPL.get(AAPL.size() - 1);
    assertThat(prediction.get("modelVersion").asInt()).isEqualTo(1);
    assertThat(prediction.get("predictedReturn").asDouble()).isCloseTo(expected, within(1e-12));
    assertThat(prediction.get("predicted").asDouble())
        .isCloseTo(PortableModel.nextPrice(last.price(), expected), within(1e-9));
    assertThat(prediction.get("asOf").asText()).isEqualTo(Json.INSTANT.format(last.ts()));
    assertThat(prediction.get("pricesFrom").asText())
        .isEqualTo(Json.INSTANT.format(inputs.get(0).ts()));
    assertThat(prediction.get("targetTs").asText())
        .isEqualTo(Json.INSTANT.format(last.ts().plusSeconds(600)));
    // and recorded, keyed on its asOf
    List<Row> recorded =
        tables.rows(
            "SELECT predicted, model_version, inputs FROM "
                + keyspaceOf()
                + ".predictions WHERE symbol = 'AAPL' AND day = ? AND ts = ?",
            LocalDate.of(2026, 11, 23),
            last.ts());
    assertThat(recorded).hasSize(1);
    assertThat(recorded.get(0).getDouble(0)).isEqualTo(prediction.get("predicted").asDouble());
    assertThat(recorded.get(0).getString(2))
        .contains("\"ret_1\"")
        .contains("\"from\":\"" + inputs.get(0).ts() + "\"");
  }

  @Test
  void should_show_a_recorded_prediction_against_what_happened_next() {
    // given: a prediction served for IBM-like symbol ERR, then the next quote arrives
    Instant t = Instant.parse("2026-11-21T08:00:00Z");
    for (int i = 0; i < 21; i++) {
      tables.quote(new Written("ERR", t.plusSeconds(60L * i), 50 + i * 0.1, 1));
    }
    tables.model("ERR", 1, ForecastTest.MODEL, true);
    JsonNode prediction = api.json("/predictions/ERR");
    JsonNode pending = api.json("/predictions/ERR/errors");
    Written next = new Written("ERR", Instant.parse("2026-11-22T09:30:00Z"), 52.5, 1);
    tables.quote(next);

    // when
    JsonNode errors = api.json("/predictions/ERR/errors?from=2026-11-21");

    // then
    assertThat(pending.get("errors")).hasSize(1);
    assertThat(pending.get("errors").get(0).get("actual").isNull()).isTrue();
    JsonNode error = errors.get("errors").get(0);
    assertThat(errors.get("errors")).hasSize(1);
    assertThat(error.get("asOf").asText()).isEqualTo(prediction.get("asOf").asText());
    assertThat(error.get("predicted").asDouble()).isEqualTo(prediction.get("predicted").asDouble());
    assertThat(error.get("actual").get("ts").asText()).isEqualTo(Json.INSTANT.format(next.ts()));
    assertThat(error.get("error").asDouble())
        .isCloseTo(52.5 - prediction.get("predicted").asDouble(), within(1e-9));
  }

  @Test
  void should_list_model_versions_newest_first_with_the_served_one() {
    JsonNode models = api.json("/models/AAPL");
    assertThat(models.get("served").asInt()).isEqualTo(1);
    assertThat(models.get("versions").findValuesAsText("version")).containsExactly("2", "1");
    assertThat(models.get("versions").get(1).get("metrics").get("rmse").asDouble()).isEqualTo(1.5);
    assertThat(models.get("versions").get(1).get("features").size()).isEqualTo(8);
  }

  @Test
  void should_serve_a_newly_promoted_model_without_a_restart() throws InterruptedException {
    assertThat(api.json("/predictions/MSFT").get("modelVersion").asInt()).isEqualTo(1);
    tables.model("MSFT", 2, ForecastTest.MODEL, true);
    Await.until(
        () -> api.json("/predictions/MSFT").get("modelVersion").asInt() == 2,
        Duration.ofSeconds(10));
  }

  @Test
  void should_report_whether_data_flows_from_the_progress_rows() throws InterruptedException {
    // given: no batch recorded yet
    JsonNode before = api.json("/status");
    Instant fiveSecondsAgo = Instant.now().minusSeconds(5);
    tables.rows(
        "INSERT INTO "
            + keyspaceOf()
            + ".ingest_batches (query, day, batch_id, at, input_rows, quotes, rejected, late,"
            + " bars, backfilled, offsets_behind) VALUES ('ingest', ?, 41, ?, 120, 117, 3, 0, 0,"
            + " 0, 250)",
        LocalDate.ofInstant(fiveSecondsAgo, ZoneOffset.UTC),
        fiveSecondsAgo);
    tables.rows(
        "INSERT INTO "
            + keyspaceOf()
            + ".ingest_batches (query, day, batch_id, at, input_rows, quotes, rejected, late,"
            + " bars, backfilled, watermark) VALUES ('ingest-bars', ?, 9, ?, 120, 0, 0, 2, 12, 1,"
            + " ?)",
        LocalDate.ofInstant(fiveSecondsAgo, ZoneOffset.UTC),
        fiveSecondsAgo,
        fiveSecondsAgo.minusSeconds(600));

    // when: asked again once the verdict kept from before (status-cache-ttl, 1 s) has expired
    JsonNode[] latest = new JsonNode[1];
    Await.until(
        () -> !(latest[0] = api.json("/status")).get("verdict").asText().equals("down"),
        Duration.ofSeconds(20));
    JsonNode after = latest[0];

    // then
    assertThat(before.get("verdict").asText()).isEqualTo("down");
    assertThat(after.get("verdict").asText()).as(after.toString()).isEqualTo("ok");
    assertThat(after.get("stream").get("lastBatch").asLong()).isEqualTo(41);
    assertThat(after.get("stream").get("offsetsBehind").asLong()).isEqualTo(250);
    assertThat(after.get("stream").get("recentRejected").asLong()).isEqualTo(3);
    assertThat(after.get("stream").get("recentLate").asLong()).isEqualTo(2);
    assertThat(after.get("stream").get("recentBackfilled").asLong()).isEqualTo(1);
    JsonNode aapl = after.get("symbols").get(0);
    assertThat(aapl.get("symbol").asText()).isEqualTo("AAPL");
    assertThat(aapl.get("newestQuote").asText())
        .isEqualTo(Json.INSTANT.format(AAPL.get(AAPL.size() - 1).ts()));
    assertThat(aapl.get("servedModel").asInt()).isEqualTo(1);
    assertThat(after.get("symbols").findValuesAsText("symbol")).contains("AAPL", "IBM", "MSFT");
  }

  @Test
  void should_answer_404_for_unknown_symbols_and_missing_models() {
    assertError("/quotes/ZZZ/latest", 404, "unknown_symbol");
    assertError("/quotes/ZZZ?from=2026-01-01", 404, "unknown_symbol");
    assertError("/bars/ZZZ", 404, "unknown_symbol");
    assertError("/predictions/IBM", 404, "no_model");
    assertError("/models/IBM", 404, "no_model");
    assertError("/predictions/ZZZ", 404, "unknown_symbol");
  }

  private static void assertError(String uri, int status, String error) {
    ApiClient.Reply reply = api.get(uri);
    assertThat(reply.status()).as(uri + " " + reply.body()).isEqualTo(status);
    assertThat(reply.json().get("error").asText()).as(uri).isEqualTo(error);
  }

  private static String keyspaceOf() {
    return tables.keyspace();
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  private static List<String> times(JsonNode array) {
    return times(array, "ts");
  }

  private static List<String> times(JsonNode array, String field) {
    List<String> times = new ArrayList<>();
    array.forEach(node -> times.add(node.get(field).asText()));
    return times;
  }

  @Test
  void should_write_every_instant_with_milliseconds_so_that_they_sort_as_text() {
    // given: IBM at 10:00:00 (whole second) and 10:00:06.040
    JsonNode quotes = api.json("/quotes/IBM").get("quotes");

    // then
    assertThat(times(quotes))
        .containsExactly("2026-11-21T10:00:06.040Z", "2026-11-21T10:00:00.000Z");
    assertThat(api.json("/quotes/IBM?limit=1").get("next").asText())
        .isEqualTo("2026-11-21T10:00:06.040Z");
  }

  @Test
  void should_answer_head_wherever_get_is_answered_without_a_body() throws Exception {
    for (String path : List.of("/symbols", "/quotes/AAPL/latest", "/health/live", "/nowhere")) {
      String get = raw("GET " + path);
      String head = raw("HEAD " + path);
      assertThat(statusLine(head)).as(path).isEqualTo(statusLine(get));
      assertThat(head.substring(head.indexOf("\r\n\r\n") + 4)).as(path).isEmpty();
    }
    assertThat(statusLine(raw("HEAD /symbols"))).isEqualTo("HTTP/1.1 200 OK");
  }

  @Test
  void should_take_a_caret_in_a_symbol_as_typed_or_encoded() throws Exception {
    // when: curl -g sends the caret as it is
    String typed = raw("GET /quotes/^GSPC/latest");

    // then
    assertThat(statusLine(typed)).isEqualTo("HTTP/1.1 200 OK");
    assertThat(typed).contains("\"symbol\":\"^GSPC\"").contains("5900.25");
    assertThat(api.json("/quotes/%5EGSPC/latest").get("price").asDouble()).isEqualTo(5900.25);
  }

  @Test
  void should_refuse_an_overlong_uri_or_header_with_json() throws Exception {
    String longUri = raw("GET /quotes/AAPL?cursor=" + "9".repeat(3000));
    String longHeader =
        raw("GET /symbols HTTP/1.1\r\nX-Padding: " + "x".repeat(10_000) + "\r\nX-End: 1", "");
    assertThat(statusLine(longUri)).isEqualTo("HTTP/1.1 414 URI Too Long");
    assertThat(longUri).contains("\"error\":\"bad_request\"");
    assertThat(statusLine(longHeader)).matches("HTTP/1\\.1 4(00|31) .*");
    assertThat(longHeader).contains("\"error\":\"bad_request\"");
  }

  /** {@link #raw(String)} with the request line's protocol given in {@code line} itself. */
  private static String raw(String line, String protocol) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          (line + protocol + "\r\nHost: localhost\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** One request over a socket of its own, as written, and the whole response. */
  private static String raw(String requestLine) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          (requestLine + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String statusLine(String response) {
    return response.substring(0, response.indexOf("\r\n"));
  }
}
