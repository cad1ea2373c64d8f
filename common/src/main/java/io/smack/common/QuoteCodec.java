package io.smack.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smack.common.Rejection.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The JSON wire form of a {@link Quote}, schema version 1, as it travels on the {@code quotes}
 * topic:
 *
 * <pre>
 * {"v":1,"symbol":"AAPL","ts":"2026-11-23T14:30:00.125Z","price":189.23,"volume":1200,"source":"sim"}
 * {"v":1,"symbol":"SPX","ts":"2020-04-17T00:00:00Z","price":2874.56,"volume":5792140000,
 *  "source":"sp500","open":2842.43,"high":2879.22,"low":2830.88}
 * </pre>
 *
 * <p>{@code open}, {@code high} and {@code low} (all three, or none) are optional: a quote that
 * closes a period (a daily OHLC row) carries them ({@link Quote.Ohlc}), and the price is its close.
 *
 * <p>Unknown fields are ignored so that a newer producer can add fields without breaking older
 * readers; a different {@code v} is refused.
 */
public final class QuoteCodec {

  public static final int SCHEMA_VERSION = 1;

  public static final String VERSION = "v";
  public static final String SYMBOL = "symbol";
  public static final String TS = "ts";
  public static final String PRICE = "price";
  public static final String VOLUME = "volume";
  public static final String SOURCE = "source";
  public static final String OPEN = "open";
  public static final String HIGH = "high";
  public static final String LOW = "low";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private QuoteCodec() {}

  /**
   * The quote as UTF-8 JSON bytes. Written by hand rather than through a generator: the collector
   * encodes every quote it sends, and Jackson's generator with {@code Instant.toString} and {@code
   * Double.toString} was a fifth of its CPU. The output is the same JSON; a source name that needs
   * escaping, and times past the year 9999, take the generator's path.
   */
  public static byte[] encode(Quote quote) {
    // a Quote's symbol is [A-Z0-9.^-] and its price finite (its constructor checks): only the
    // source's name may need escaping
    if (!plain(quote.source())) {
      return encodeWithGenerator(quote);
    }
    AsciiBytes json = new AsciiBytes(112);
    json.append("{\"v\":").append(SCHEMA_VERSION);
    json.append(",\"symbol\":\"").append(quote.symbol());
    json.append("\",\"ts\":\"");
    if (!Iso8601.appendInstant(json, quote.ts())) {
      return encodeWithGenerator(quote);
    }
    json.append("\",\"price\":");
    appendPrice(json, quote.price());
    json.append(",\"volume\":").append(quote.volume());
    json.append(",\"source\":\"").append(quote.source()).append('"');
    if (quote.ohlc() != null) {
      json.append(",\"open\":");
      appendPrice(json, quote.ohlc().open());
      json.append(",\"high\":");
      appendPrice(json, quote.ohlc().high());
      json.append(",\"low\":");
      appendPrice(json, quote.ohlc().low());
    }
    json.append('}');
    return json.toByteArray();
  }

  /**
   * The shortest decimal that reads back as {@code price}, as Jackson's Schubfach writer gives it;
   * a price of at most four decimals in [0.001, 10⁷) — every simulated quote and nearly every
   * market one — is written straight from its ten-thousandths. (When {@code t / 10⁴} is exactly
   * {@code price} as a double, the decimal {@code t / 10⁴} reads back as {@code price}; and no
   * shorter decimal can, since the doubles there are much closer together than 10⁻⁴.)
   */
  static void appendPrice(AsciiBytes out, double price) {
    if (price >= 1e-3 && price < 1e7) {
      long tenThousandths = Math.round(price * 10_000);
      if (tenThousandths / 10_000.0 == price) {
        long fraction = tenThousandths % 10_000;
        out.append(tenThousandths / 10_000).append('.');
        int digits = 4;
        while (digits > 1 && fraction % 10 == 0) {
          fraction /= 10;
          digits--;
        }
        out.appendDigits(fraction, digits);
        return;
      }
    }
    out.append(NumberOutput.toString(price, true));
  }

  /** The same JSON through Jackson's generator, which escapes what it must. */
  static byte[] encodeWithGenerator(Quote quote) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField(VERSION, SCHEMA_VERSION);
      json.writeStringField(SYMBOL, quote.symbol());
      json.writeStringField(TS, quote.ts().toString());
      json.writeNumberField(PRICE, quote.price());
      json.writeNumberField(VOLUME, quote.volume());
      json.writeStringField(SOURCE, quote.source());
      if (quote.ohlc() != null) {
        json.writeNumberField(OPEN, quote.ohlc().open());
        json.writeNumberField(HIGH, quote.ohlc().high());
        json.writeNumberField(LOW, quote.ohlc().low());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e);
    }
    return out.toByteArray();
  }

  /** Printable ASCII without a quote or a backslash: written into a JSON string as it is. */
  private static boolean plain(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads and validates one quote.
   *
   * @param now the receiver's clock, for the clock-skew rule
   * @param maxClockSkew how far ahead of {@code now} a quote may be stamped
   * @throws InvalidQuoteException naming the first field or rule that is wrong
   */
  public static Quote decode(byte[] bytes, Instant now, Duration maxClockSkew) {
    JsonNode node = parse(bytes);
    checkVersion(node.get(VERSION));
    String symbol = text(node, SYMBOL, Reason.BAD_SYMBOL);
    Instant ts = instant(node);
    double price = number(node, PRICE, Reason.BAD_PRICE).doubleValue();
    JsonNode volumeNode = number(node, VOLUME, Reason.BAD_VOLUME);
    if (!volumeNode.canConvertToExactIntegral() || !volumeNode.canConvertToLong()) {
      throw invalid(Reason.BAD_VOLUME, "volume " + volumeNode + " is not a whole number");
    }
    String source = text(node, SOURCE, Reason.BAD_SOURCE);
    Quote quote = new Quote(symbol, ts, price, volumeNode.asLong(), source, ohlc(node));
    QuoteRules.checkTime(ts, now, maxClockSkew)
        .ifPresent(
            rejection -> {
              throw new InvalidQuoteException(rejection);
            });
    return quote;
  }

  private static JsonNode parse(byte[] bytes) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InvalidQuoteException(
          new Rejection(Reason.MALFORMED, "not JSON: " + e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading JSON from memory failed", e);
    }
    if (node == null || !node.isObject()) {
      throw invalid(
          Reason.MALFORMED,
          "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    return node;
  }

  private static void checkVersion(JsonNode version) {
    if (version == null || version.isNull()) {
      throw invalid(Reason.MISSING_FIELD, VERSION + " is missing");
    }
    if (!version.isIntegralNumber() || version.asInt() != SCHEMA_VERSION) {
      throw invalid(
          Reason.UNSUPPORTED_VERSION,
          VERSION + " " + version + " is not the supported schema version " + SCHEMA_VERSION);
    }
  }

  private static JsonNode field(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw invalid(Reason.MISSING_FIELD, name + " is missing");
    }
    return value;
  }

  private static String text(JsonNode node, String name, Reason wrongType) {
    JsonNode value = field(node, name);
    if (!value.isTextual()) {
      throw invalid(wrongType, name + " " + value + " is not a JSON string");
    }
    return value.textValue();
  }

  private static JsonNode number(JsonNode node, String name, Reason wrongType) {
    JsonNode value = field(node, name);
    if (!value.isNumber()) {
      throw invalid(wrongType, name + " " + value + " is not a JSON number");
    }
    return value;
  }

  /** The quote's open, high and low: all three, or null when it has none. */
  private static Quote.Ohlc ohlc(JsonNode node) {
    if (!node.hasNonNull(OPEN) && !node.hasNonNull(HIGH) && !node.hasNonNull(LOW)) {
      return null;
    }
    return new Quote.Ohlc(
        number(node, OPEN, Reason.BAD_PRICE).doubleValue(),
        number(node, HIGH, Reason.BAD_PRICE).doubleValue(),
        number(node, LOW, Reason.BAD_PRICE).doubleValue());
  }

  private static Instant instant(JsonNode node) {
    String text = text(node, TS, Reason.BAD_TIMESTAMP);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidQuoteException(
          new Rejection(
              Reason.BAD_TIMESTAMP,
              TS + " '" + text + "' is not an ISO-8601 instant like 2026-11-23T14:30:00Z"),
          e);
    }
  }

  private static InvalidQuoteException invalid(Reason reason, String detail) {
    return new InvalidQuoteException(new Rejection(reason, detail));
  }
}
