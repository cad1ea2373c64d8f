package io.smack.localstack;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * A program a test drives (Chromium, HAProxy). Run on its own, a test without it is skipped, saying
 * so; run by the README's test command ({@code bin/smack test} sets {@value #PROPERTY}), a missing
 * tool fails the test, naming it: a green run never has such a test skipped.
 */
public final class TestTools {

  /** {@code required} when the test command runs the tests. */
  public static final String PROPERTY = "smack.test.tools";

  private TestTools() {}

  /**
   * The {@code tool} that was {@code found}; else a skip, or a failure when the tools are required.
   *
   * @param install how to get it, for the message
   */
  public static <T> T required(String tool, Optional<T> found, String install) {
    if (found.isPresent()) {
      return found.get();
    }
    String why = tool + " is not installed (" + install + ")";
    if ("required".equals(System.getProperty(PROPERTY))) {
      throw new AssertionError(why + ": bin/smack test runs every test, this one needs it");
    }
    Assumptions.abort(why + ": SKIPPED");
    throw new AssertionError("not reached");
  }
}
