package io.smack.access;

import io.smack.access.Views.Error;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers a request too malformed to reach any route (an illegal URI, a bad header) with the JSON
 * error body too, instead of Pekko HTTP's plain text. Named in {@code application.conf} ({@code
 * pekko.http.server.parsing.error-handler}).
 *
 * <p>What the parser answers with a 5xx is the client's doing, not the server's, and is answered as
 * such, so that a scanner's requests never show among the server errors an operator is alerted on:
 * an unknown method ({@code BREW}, 501) gets 405 with {@code Allow: GET, HEAD}, the only methods
 * the API serves; an unknown HTTP version (505) gets 400.
 */
public final class JsonParsingErrors extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    return switch (status.intValue()) {
      case 501 ->
          HttpResponse.create()
              .withStatus(405)
              .addHeader(Allow.create(HttpMethods.GET, HttpMethods.HEAD))
              .withEntity(
                  Json.entity(
                      new Error("method_not_allowed", "only GET and HEAD are served here")));
      case 505 ->
          HttpResponse.create()
              .withStatus(400)
              .withEntity(
                  Json.entity(new Error("bad_request", "HTTP/1.0 and HTTP/1.1 are served")));
      default ->
          HttpResponse.create()
              .withStatus(status.intValue())
              .withEntity(Json.entity(new Error("bad_request", info.summary())));
    };
  }
}
