package io.smack.common;

import java.util.Arrays;

/**
 * A growing byte array that text known to be ASCII is written into, one byte per character: what
 * {@link QuoteCodec#encode} builds the JSON in, without a {@code StringBuilder}'s chars and the
 * String and UTF-8 copies after it.
 */
final class AsciiBytes {

  private byte[] bytes;
  private int size;

  AsciiBytes(int capacity) {
    bytes = new byte[capacity];
  }

  /** Appends {@code text}, whose characters the caller knows to be ASCII. */
  AsciiBytes append(String text) {
    int length = text.length();
    ensure(length);
    for (int i = 0; i < length; i++) {
      bytes[size++] = (byte) text.charAt(i);
    }
    return this;
  }

  AsciiBytes append(byte[] ascii) {
    ensure(ascii.length);
    System.arraycopy(ascii, 0, bytes, size, ascii.length);
    size += ascii.length;
    return this;
  }

  AsciiBytes append(char c) {
    ensure(1);
    bytes[size++] = (byte) c;
    return this;
  }

  /** Appends {@code value} (≥ 0: a version, a volume, a price's whole part) in decimal. */
  AsciiBytes append(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative: " + value);
    }
    return appendDigits(value, digitCount(value));
  }

  /** Appends the last {@code count} decimal digits of {@code value} (≥ 0), zeros in front. */
  AsciiBytes appendDigits(long value, int count) {
    ensure(count);
    for (int i = size + count - 1; i >= size; i--) {
      bytes[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += count;
    return this;
  }

  /** The number of decimal digits of {@code value} (≥ 0). */
  static int digitCount(long value) {
    int count = 1;
    while (value >= 10) {
      value /= 10;
      count++;
    }
    return count;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
