package io.smack.collector;

import io.smack.common.DeadLetter;
import io.smack.common.Quote;

/** What a source yields for each input: a valid quote, or a dead letter saying why not. */
sealed interface Collected {

  /** The name of the source that produced it. */
  String source();

  /** A valid quote, bound for the quotes topic. */
  record Accepted(String source, Quote quote) implements Collected {}

  /** A refused input, bound for the dead-letter topic. */
  record Rejected(DeadLetter letter) implements Collected {
    @Override
    public String source() {
      return letter.source();
    }
  }
}
