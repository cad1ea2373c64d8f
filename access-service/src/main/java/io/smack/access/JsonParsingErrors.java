package io.smack.access;

import io.smack.access.Views.Error;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers a request too malformed to reach any route (an illegal URI, a bad header) with the JSON
 * error body too, instead of Pekko HTTP's plain text. Named in {@code application.conf} ({@code
 * pekko.http.server.parsing.error-handler}).
 */
public final class JsonParsingErrors extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    return HttpResponse.create()
        .withStatus(status.intValue())
        .withEntity(Json.entity(new Error("bad_request", info.summary())));
  }
}
