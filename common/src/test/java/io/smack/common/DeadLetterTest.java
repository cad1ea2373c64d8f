package io.smack.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.smack.common.Rejection.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

  private static final Instant NOW = Instant.parse("2026-11-23T15:00:00Z");

  @Test
  void should_keep_the_raw_bytes_and_reason_of_a_dead_letter() {
    // given
    byte[] htmlFromFeed = "<html>oops</html>".getBytes(StandardCharsets.UTF_8);
    DeadLetter letter =
        new DeadLetter("feed", new Rejection(Reason.MALFORMED, "not JSON: <"), htmlFromFeed, NOW);

    // when
    String json = new String(letter.toJson(), StandardCharsets.UTF_8);

    // then
    assertThat(json)
        .isEqualTo(
            "{\"v\":1,\"source\":\"feed\",\"reason\":\"malformed\",\"detail\":\"not JSON: <\","
                + "\"rejected_at\":\"2026-11-23T15:00:00Z\",\"raw_base64\":\"PGh0bWw+b29wczwvaHRtbD4=\","
                + "\"raw_text\":\"<html>oops</html>\"}");
  }

  @Test
  void should_carry_bytes_that_are_not_text_in_base64_alone() {
    // given
    byte[] binaryGarbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x41};
    DeadLetter letter =
        new DeadLetter("csv", new Rejection(Reason.MALFORMED, "not text"), binaryGarbage, NOW);

    // when
    String json = new String(letter.toJson(), StandardCharsets.UTF_8);

    // then
    assertThat(json).contains("\"raw_base64\":\"//4AQQ==\"").doesNotContain("raw_text");
  }
}
