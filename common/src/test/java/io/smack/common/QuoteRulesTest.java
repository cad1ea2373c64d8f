package io.smack.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuoteRulesTest {

  @Test
  void should_accept_exactly_the_symbols_the_documented_pattern_accepts() {
    // given strings of allowed and refused characters, of every length around the limit
    String alphabet = "AZMQ09.^-az _/\u00c4\"";
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 50_000; i++) {
      StringBuilder symbol = new StringBuilder();
      int length = random.nextInt(19);
      for (int j = 0; j < length; j++) {
        symbol.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String text = symbol.toString();

      // then the hand-written check and the pattern agree
      assertThat(QuoteRules.isSymbol(text))
          .as("'%s'", text)
          .isEqualTo(QuoteRules.SYMBOL.matcher(text).matches());
    }
  }
}
