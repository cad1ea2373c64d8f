package io.smack.common;

/** Thrown when fields or bytes do not make a valid {@link Quote}; carries the {@link Rejection}. */
public final class InvalidQuoteException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Rejection rejection;

  public InvalidQuoteException(Rejection rejection) {
    this(rejection, null);
  }

  public InvalidQuoteException(Rejection rejection, Throwable cause) {
    super(rejection.toString(), cause);
    this.rejection = rejection;
  }

  public Rejection rejection() {
    return rejection;
  }
}
