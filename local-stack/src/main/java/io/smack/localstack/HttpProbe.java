package io.smack.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Short GETs to the pipeline's HTTP ports, for readiness and progress; never throws. */
final class HttpProbe {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpProbe() {}

  static boolean ok(String url) {
    return get(url).map(response -> response.statusCode() == 200).orElse(false);
  }

  /** The JSON body of any answer; empty when nothing answers or the body is not JSON. */
  static Optional<JsonNode> json(String url) {
    return get(url)
        .flatMap(
            response -> {
              try {
                return Optional.of(JSON.readTree(response.body()));
              } catch (IOException notJson) {
                return Optional.empty();
              }
            });
  }

  private static Optional<HttpResponse<String>> get(String url) {
    try {
      return Optional.of(
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (IOException notAnswering) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
