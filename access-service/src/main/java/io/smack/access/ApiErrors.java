package io.smack.access;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.servererrors.QueryExecutionException;
import io.smack.access.Views.Error;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the service answers, in one place, always as {@code {"error":..,"detail":..}}: our
 * own {@link ApiException}s with their status, Cassandra failures as 503, Pekko HTTP's rejections
 * (unknown route 404, wrong method 405, missing token 401) with their status, anything else as a
 * 500 that names no internals (logged once, with its stack trace, for operators).
 */
final class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  static HttpResponse response(StatusCode status, String error, String detail) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(Json.entity(new Error(error, detail)));
  }

  /** The response to a failure of a route or of the future it completes with. */
  static HttpResponse of(Throwable failure, HttpMetrics metrics) {
    Throwable error = unwrap(failure);
    if (error instanceof ApiException api) {
      return response(api.status(), api.error(), api.detail());
    }
    if (unavailable(error)) {
      metrics.cassandraError(error);
      return response(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", unavailableDetail(error));
    }
    return response(StatusCodes.INTERNAL_SERVER_ERROR, "internal", internal(error));
  }

  /**
   * Whether the failure is Cassandra's unavailability (every node down or too slow, a node gone
   * mid-request, too few replicas): a 503, as for any dependency that is not there.
   */
  static boolean unavailable(Throwable failure) {
    Throwable error = unwrap(failure);
    return error instanceof AllNodesFailedException
        || error instanceof DriverTimeoutException
        // a node that went away mid-request, when the driver could not send it elsewhere
        || error instanceof ClosedConnectionException
        || error instanceof QueryExecutionException;
  }

  /** What a 503 says: the kind of failure, never the driver's message (it names nodes). */
  static String unavailableDetail(Throwable failure) {
    return "Cassandra did not answer (" + unwrap(failure).getClass().getSimpleName() + ")";
  }

  /**
   * Logs an unexpected failure once, with its stack trace and an error id, and returns what a 500
   * says: the id, no internals.
   */
  static String internal(Throwable failure) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    LOG.error("request failed unexpectedly (error id {})", id, unwrap(failure));
    return "the service failed (error id " + id + "); see its log";
  }

  static ExceptionHandler exceptions(HttpMetrics metrics) {
    return ExceptionHandler.newBuilder()
        .matchAny(error -> Directives.complete(of(error, metrics)))
        .build();
  }

  /**
   * Pekko HTTP's own rejection handling (the right status, an {@code Allow} header on a 405, a
   * {@code WWW-Authenticate} header on a 401), with its text turned into our JSON.
   */
  static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(ApiErrors::asJson);
  }

  /** The response when a request outlives its timeout. */
  static HttpResponse timeout() {
    return response(
        StatusCodes.SERVICE_UNAVAILABLE, "timeout", "the request took longer than its timeout");
  }

  /** A rejection's plain-text response as our JSON error (other responses as they are). */
  static HttpResponse asJson(HttpResponse response) {
    HttpEntity entity = response.entity();
    if (!(entity instanceof HttpEntity.Strict strict)
        || !entity.getContentType().equals(ContentTypes.TEXT_PLAIN_UTF8)) {
      return response;
    }
    String detail = strict.getData().utf8String();
    return response.withEntity(Json.entity(new Error(code(response.status()), detail)));
  }

  private static String code(StatusCode status) {
    return switch (status.intValue()) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 406 -> "not_acceptable";
      default -> "rejected";
    };
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
