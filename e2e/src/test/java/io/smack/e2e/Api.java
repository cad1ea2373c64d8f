package io.smack.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The access service's API through a real socket, as a user's client calls it. */
final class Api {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the API writes an instant: UTC, exactly three fraction digits. */
  private static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  Api(String base) {
    this.base = base;
  }

  /** {@code instant} as the API writes it. */
  static String instant(Instant instant) {
    return INSTANT.format(instant);
  }

  String url(String path) {
    return base + path;
  }

  /** The JSON of a 200 answer; fails on any other status. */
  JsonNode json(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError(
            "GET " + path + " → " + response.statusCode() + " " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** How many quotes a symbol has (0 while it is unknown), by paging through them. */
  long count(String quotesPath) {
    try {
      long count = 0;
      String next = null;
      do {
        JsonNode page = json(quotesPath + "?limit=10000" + (next == null ? "" : "&cursor=" + next));
        count += page.get("quotes").size();
        next = page.get("next").isNull() ? null : page.get("next").asText();
      } while (next != null);
      return count;
    } catch (AssertionError unknownYet) {
      return 0;
    }
  }

  static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
