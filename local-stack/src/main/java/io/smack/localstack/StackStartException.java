package io.smack.localstack;

/** The local stack could not start; the message says what and names the log to read. */
public final class StackStartException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StackStartException(String message) {
    super(message);
  }

  public StackStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
