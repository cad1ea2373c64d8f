package io.smack.common;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * An input that was not a valid quote, kept whole on the {@code quotes.dlq} topic so that nothing
 * is lost and an operator can see why it was refused and replay it once fixed.
 *
 * @param source the collector source or stage that refused it
 * @param rejection why it was refused
 * @param raw the input exactly as received
 * @param rejectedAt when it was refused
 */
public record DeadLetter(String source, Rejection rejection, byte[] raw, Instant rejectedAt) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public DeadLetter {
    if (source == null || rejection == null || raw == null || rejectedAt == null) {
      throw new IllegalArgumentException(
          "a dead letter needs a source, a rejection, raw bytes and a time");
    }
    raw = raw.clone();
  }

  @Override
  public byte[] raw() {
    return raw.clone();
  }

  /**
   * The dead letter as UTF-8 JSON: {@code source}, {@code reason}, {@code detail}, {@code
   * rejected_at}, {@code raw_base64} (always) and {@code raw_text} (when the input is UTF-8).
   */
  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 2 + 128);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("v", 1);
      json.writeStringField("source", source);
      json.writeStringField("reason", rejection.reason().label());
      json.writeStringField("detail", rejection.detail());
      json.writeStringField("rejected_at", rejectedAt.toString());
      json.writeStringField("raw_base64", Base64.getEncoder().encodeToString(raw));
      Optional<String> text = utf8(raw);
      if (text.isPresent()) {
        json.writeStringField("raw_text", text.get());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e);
    }
    return out.toByteArray();
  }

  private static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty(); // not text: raw_base64 alone carries it
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DeadLetter that
        && source.equals(that.source)
        && rejection.equals(that.rejection)
        && Arrays.equals(raw, that.raw)
        && rejectedAt.equals(that.rejectedAt);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * source.hashCode() + rejection.hashCode()) + Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "DeadLetter[" + source + ", " + rejection + ", " + raw.length + " bytes]";
  }
}
