package io.smack.access;

import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A request the service answers with an error: its status, a stable code for clients ({@code
 * bad_symbol}, {@code unknown_symbol}, …) and a detail naming the bad value and what was expected.
 * {@link ApiErrors} turns it into the JSON body.
 */
final class ApiException extends RuntimeException {

  private final StatusCode status;
  private final String error;

  ApiException(StatusCode status, String error, String detail) {
    super(detail);
    this.status = status;
    this.error = error;
  }

  static ApiException badRequest(String error, String detail) {
    return new ApiException(StatusCodes.BAD_REQUEST, error, detail);
  }

  static ApiException notFound(String error, String detail) {
    return new ApiException(StatusCodes.NOT_FOUND, error, detail);
  }

  static ApiException unavailable(String detail) {
    return new ApiException(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", detail);
  }

  StatusCode status() {
    return status;
  }

  String error() {
    return error;
  }

  String detail() {
    return getMessage();
  }
}
