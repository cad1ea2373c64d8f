package io.smack.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.access.CatalogRepository.Size;
import io.smack.access.Views.Catalog;
import io.smack.access.Views.CatalogColumn;
import io.smack.access.Views.CatalogTable;
import io.smack.access.Views.CatalogView;
import io.smack.common.CqlSchema;
import io.smack.common.Tables;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /catalog}, put together: the views from {@link Endpoint} and {@code openapi.json}, the
 * tables from Cassandra's schema and estimates, and what the pipeline knows of each table's writers
 * and sources. The project's own: OpenLineage's Spark integration records no Cassandra datasets and
 * splits a {@code foreachBatch} query into disconnected events, so it could not draw this.
 */
final class DataCatalog {

  /** Where a table's newest write is known from. */
  enum Freshness {
    /** the streaming job's newest batch of its quotes query */
    QUOTES,
    /** the streaming job's newest batch of its bars query (which scores, too) */
    BARS,
    /** the newest model version's training */
    TRAINED,
    /** the newest change of a served pointer */
    PROMOTED
  }

  /** What the pipeline knows of one table: who writes it, from what, how its freshness shows. */
  record Source(String table, List<String> writtenBy, String lineage, Freshness freshness) {}

  /** Every table of the schema, in its order. */
  static final List<Source> SOURCES =
      List.of(
          new Source(
              Tables.QUOTES_BY_DAY,
              List.of("ingest-streaming"),
              "topic quotes (the collectors: HTTP feed, CSV replay, simulator) → ingest-streaming,"
                  + " each quote checked by QuoteRules (a bad one goes to quotes.dlq with its"
                  + " reason) → a row per quote",
              Freshness.QUOTES),
          new Source(
              Tables.QUOTE_DAYS,
              List.of("ingest-streaming"),
              "quotes_by_day's days per symbol, written with them",
              Freshness.QUOTES),
          new Source(
              Tables.LATEST_QUOTE,
              List.of("ingest-streaming"),
              "quotes_by_day's newest quote per symbol by event time",
              Freshness.QUOTES),
          new Source(
              Tables.SYMBOLS,
              List.of("ingest-streaming"),
              "every symbol quotes_by_day has a quote of",
              Freshness.QUOTES),
          new Source(
              Tables.BARS_1M,
              List.of("ingest-streaming"),
              "topic quotes → ingest-streaming's bars query: one-minute OHLC bars by event time"
                  + " (a late quote's bar given again from quotes_by_day)",
              Freshness.BARS),
          new Source(
              Tables.MODELS,
              List.of("model-training", "ingest-streaming (a demotion's naive version)"),
              "bars_1m (or quotes_by_day) → model-training: features, every family walk-forward"
                  + " against naive → a version per symbol and run; its lineage column names the"
                  + " data, the code's commit, the configuration and its digest",
              Freshness.TRAINED),
          new Source(
              Tables.SERVED_MODELS,
              List.of("model-training", "ingest-streaming (demotion)", "bin/smack model promote"),
              "the version of models each symbol serves",
              Freshness.PROMOTED),
          new Source(
              Tables.PREDICTIONS,
              List.of("ingest-streaming (scoring)", "access-service (on request, scoring off)"),
              "bars_1m and the served version of models → the next close, with model_version and"
                  + " the bars it came from (inputs.from to ts); actual and errors when the next"
                  + " bar closes",
              Freshness.BARS),
          new Source(
              Tables.PREDICTION_MONITOR,
              List.of("ingest-streaming (scoring)"),
              "predictions' outcomes → each symbol's rolling errors against naive's, and its"
                  + " demotions",
              Freshness.BARS),
          new Source(
              Tables.INGEST_BATCHES,
              List.of("ingest-streaming"),
              "each micro-batch of the streaming job's queries: offsets, counts, rates",
              Freshness.QUOTES));

  private static final Map<String, String> SUMMARIES = summaries();

  private DataCatalog() {}

  static Catalog of(
      String keyspace,
      Instant now,
      Map<String, List<CatalogColumn>> columns,
      Map<String, Size> sizes,
      Map<Freshness, Instant> newest) {
    List<CatalogView> views = new ArrayList<>();
    for (Endpoint endpoint : Endpoint.values()) {
      views.add(
          new CatalogView(
              endpoint.template(),
              SUMMARIES.get(endpoint.template()),
              endpoint.authenticated(),
              endpoint.tables()));
    }
    Map<String, String> descriptions = CqlSchema.descriptions();
    List<CatalogTable> tables = new ArrayList<>();
    for (Source source : SOURCES) {
      Instant written = newest.get(source.freshness());
      Size size = sizes.get(source.table());
      tables.add(
          new CatalogTable(
              source.table(),
              descriptions.get(source.table()),
              columns.getOrDefault(source.table(), List.of()),
              source.writtenBy(),
              source.lineage(),
              written,
              written == null ? null : Math.max(0, Duration.between(written, now).toSeconds()),
              size == null ? null : size.partitions(),
              size == null ? null : size.bytes(),
              Arrays.stream(Endpoint.values())
                  .filter(e -> e.tables().contains(source.table()))
                  .map(Endpoint::template)
                  .toList()));
    }
    return new Catalog(keyspace, now, views, tables);
  }

  /** Each path's GET summary in openapi.json. */
  private static Map<String, String> summaries() {
    try (InputStream in = DataCatalog.class.getResourceAsStream("/openapi.json")) {
      JsonNode paths = new ObjectMapper().readTree(in).get("paths");
      Map<String, String> out = new HashMap<>();
      paths
          .fields()
          .forEachRemaining(p -> out.put(p.getKey(), p.getValue().at("/get/summary").asText(null)));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("openapi.json, which the build puts beside this class", e);
    }
  }
}
