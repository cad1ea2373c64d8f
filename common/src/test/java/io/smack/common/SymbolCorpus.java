package io.smack.common;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Strings to hold a symbol check against the documented pattern: mostly allowed characters, so that
 * every length up to and past the 16-character limit is tried, with a refused one now and then.
 * Shared with the access service's tests (this module's test-jar).
 */
public final class SymbolCorpus {

  private static final String ALLOWED = "AZMQ09.^-";
  private static final String REFUSED = "az _/\u00c4\"";

  private SymbolCorpus() {}

  /** {@code count} strings of 0 to 18 characters, the same for the same {@code seed}. */
  public static List<String> of(long seed, int count) {
    SplittableRandom random = new SplittableRandom(seed);
    return Stream.generate(() -> next(random)).limit(count).toList();
  }

  private static String next(SplittableRandom random) {
    StringBuilder symbol = new StringBuilder();
    int length = random.nextInt(19);
    for (int j = 0; j < length; j++) {
      String from = random.nextInt(20) == 0 ? REFUSED : ALLOWED;
      symbol.append(from.charAt(random.nextInt(from.length())));
    }
    return symbol.toString();
  }
}
