package io.smack.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.smack.collector.Collected.Rejected;
import io.smack.common.DeadLetter;
import io.smack.common.QuoteSettings;
import io.smack.common.Rejection;
import io.smack.common.Rejection.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Polls a quote endpoint on an interval with Pekko HTTP's client: one request per symbol ({@code
 * {symbol}} in the URL) or one for all ({@code {symbols}}), rate-limited, each with a timeout and
 * retried with backoff. A JSON or CSV answer is mapped to quotes by configuration; an answer that
 * is not what was configured (an HTML error page, say) becomes a dead letter. When the retries of
 * one request run out, the source fails and the collector restarts it with backoff.
 *
 * <p>Only quotes newer than the last one sent for their symbol go on: polling an unchanged quote
 * sends it once.
 */
final class HttpFeed implements QuoteSource {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Settings(
      String name,
      String url,
      List<String> symbols,
      Duration interval,
      String format,
      String recordsPath,
      char delimiter,
      FieldMapping mapping,
      Duration requestTimeout,
      int maxRetries,
      Duration minBackoff,
      Duration maxBackoff,
      double requestsPerSecond) {

    Settings {
      symbols = List.copyOf(symbols);
      if (!format.equals("json") && !format.equals("csv")) {
        throw new IllegalArgumentException(
            "source " + name + ": format '" + format + "' is neither json nor csv");
      }
      if (!url.contains("{symbol}") && !url.contains("{symbols}")) {
        throw new IllegalArgumentException(
            "source " + name + ": url has neither {symbol} nor {symbols}");
      }
    }

    static Settings from(String name, Config source, QuoteSettings quotes) {
      return new Settings(
          name,
          source.getString("url"),
          List.of(source.getString("symbols").split("\\s*,\\s*")),
          source.getDuration("interval"),
          source.getString("format"),
          source.getString("records-path"),
          source.getString("delimiter").charAt(0),
          FieldMapping.from(source, quotes),
          source.getDuration("request-timeout"),
          source.getInt("max-retries"),
          source.getDuration("min-backoff"),
          source.getDuration("max-backoff"),
          source.getDouble("requests-per-second"));
    }

    /** The URLs of one poll: one per symbol, or one naming them all. */
    List<String> urls() {
      if (url.contains("{symbol}")) {
        return symbols.stream().map(symbol -> url.replace("{symbol}", symbol)).toList();
      }
      return List.of(url.replace("{symbols}", String.join(",", symbols)));
    }
  }

  private final Settings settings;
  private final Clock clock;

  HttpFeed(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public Source<Collected, ?> create(ActorSystem system) {
    int perSecond = Math.max(1, (int) Math.ceil(settings.requestsPerSecond()));
    Duration per = Duration.ofNanos((long) (perSecond / settings.requestsPerSecond() * 1e9));
    Map<String, Instant> newestSent = new HashMap<>();
    return Source.tick(Duration.ZERO, settings.interval(), "poll")
        .mapConcat(tick -> settings.urls())
        .throttle(perSecond, per)
        .mapAsync(1, url -> fetch(system, url).thenApply(body -> parse(url, body)))
        .mapConcat(collected -> collected)
        .filter(collected -> isNew(collected, newestSent));
  }

  /** The quotes and dead letters of one answer. */
  List<Collected> parse(String url, byte[] body) {
    Instant now = clock.instant();
    if (settings.format().equals("csv")) {
      String[] lines = new String(body, StandardCharsets.UTF_8).split("\r?\n");
      try {
        CsvRows rows =
            new CsvRows(settings.name(), settings.mapping(), settings.delimiter(), lines[0]);
        List<Collected> collected = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
          rows.parse(lines[i], now).ifPresent(collected::add);
        }
        return collected;
      } catch (IllegalArgumentException e) {
        return List.of(
            rejected(
                "the answer of " + url + " is not the configured CSV: " + e.getMessage(),
                body,
                now));
      }
    }
    JsonNode records;
    try {
      records = JSON.readTree(body);
    } catch (IOException e) {
      return List.of(
          rejected(
              "the answer of " + url + " is not JSON: " + firstLine(e.getMessage()), body, now));
    }
    for (String step :
        settings.recordsPath().isEmpty() ? new String[0] : settings.recordsPath().split("\\.")) {
      records = records == null ? null : records.get(step);
    }
    if (records == null || !(records.isArray() || records.isObject())) {
      return List.of(
          rejected(
              "the answer of " + url + " has no records at '" + settings.recordsPath() + "'",
              body,
              now));
    }
    List<Collected> collected = new ArrayList<>();
    for (JsonNode record : records.isArray() ? records : List.of(records)) {
      collected.add(
          settings
              .mapping()
              .toQuote(
                  settings.name(),
                  field ->
                      Optional.ofNullable(record.get(field))
                          .filter(node -> node.isValueNode() && !node.isNull())
                          .map(JsonNode::asText),
                  record.toString().getBytes(StandardCharsets.UTF_8),
                  now));
    }
    return collected;
  }

  private CompletionStage<byte[]> fetch(ActorSystem system, String url) {
    return Patterns.retry(
        () -> fetchOnce(system, url),
        settings.maxRetries(),
        settings.minBackoff(),
        settings.maxBackoff(),
        0.2,
        system);
  }

  private CompletionStage<byte[]> fetchOnce(ActorSystem system, String url) {
    long timeout = settings.requestTimeout().toMillis();
    return Http.get(system)
        .singleRequest(HttpRequest.GET(url))
        .thenCompose(response -> body(system, url, response, timeout))
        .toCompletableFuture()
        .orTimeout(timeout, TimeUnit.MILLISECONDS);
  }

  private static CompletionStage<byte[]> body(
      ActorSystem system, String url, HttpResponse response, long timeout) {
    if (!response.status().isSuccess()) {
      response.discardEntityBytes(system);
      throw new FeedException(url + " answered " + response.status().intValue());
    }
    return response
        .entity()
        .toStrict(timeout, system)
        .thenApply(strict -> strict.getData().toArray());
  }

  private Rejected rejected(String detail, byte[] body, Instant now) {
    return new Rejected(
        new DeadLetter(settings.name(), new Rejection(Reason.MALFORMED, detail), body, now));
  }

  private static boolean isNew(Collected collected, Map<String, Instant> newestSent) {
    if (!(collected instanceof Collected.Accepted accepted)) {
      return true;
    }
    Instant ts = accepted.quote().ts();
    Instant newest = newestSent.get(accepted.quote().symbol());
    if (newest != null && !ts.isAfter(newest)) {
      return false;
    }
    newestSent.put(accepted.quote().symbol(), ts);
    return true;
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** The feed answered with an error status. */
  static final class FeedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FeedException(String message) {
      super(message);
    }
  }
}
