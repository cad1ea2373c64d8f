package io.smack.common;

import java.util.Locale;

/**
 * Why an input is not a quote: a machine-readable reason and a sentence naming the bad value.
 *
 * @param reason what kind of rule was broken
 * @param detail the offending value and what was expected
 */
public record Rejection(Reason reason, String detail) {

  /** The kinds of rejection, as they appear in the dead-letter topic and in metrics labels. */
  public enum Reason {
    MALFORMED,
    UNSUPPORTED_VERSION,
    MISSING_FIELD,
    BAD_SYMBOL,
    BAD_TIMESTAMP,
    /** Stamped further ahead of the receiving clock than the allowed clock skew. */
    FUTURE_TIMESTAMP,
    BAD_PRICE,
    BAD_VOLUME,
    BAD_SOURCE;

    /** The label used on the wire, e.g. {@code bad_price}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Rejection {
    if (reason == null || detail == null) {
      throw new IllegalArgumentException("a rejection needs a reason and a detail");
    }
  }

  @Override
  public String toString() {
    return reason.label() + ": " + detail;
  }
}
