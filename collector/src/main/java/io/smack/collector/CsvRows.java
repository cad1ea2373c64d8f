package io.smack.collector;

import io.smack.collector.Collected.Rejected;
import io.smack.common.DeadLetter;
import io.smack.common.Rejection;
import io.smack.common.Rejection.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the lines of a CSV text with a header (a replayed file, a feed's CSV answer) into quotes
 * with a {@link FieldMapping}. Fields may be quoted, with {@code ""} for a quote inside.
 */
final class CsvRows {

  private final String source;
  private final FieldMapping mapping;
  private final char delimiter;
  private final Map<String, Integer> columns = new HashMap<>();

  /**
   * @throws IllegalArgumentException when the header lacks a mapped column: the whole file is
   *     unusable, which is the source's failure rather than a bad row
   */
  CsvRows(String source, FieldMapping mapping, char delimiter, String header) {
    this.source = source;
    this.mapping = mapping;
    this.delimiter = delimiter;
    List<String> names = split(header.strip(), delimiter);
    for (int i = 0; i < names.size(); i++) {
      columns.put(names.get(i).strip(), i);
    }
    // each mapped column, by the setting that names it
    Map<String, String> needed = new LinkedHashMap<>();
    mapping.symbolField().ifPresent(column -> needed.put("symbol-field", column));
    needed.put("time-field", mapping.timeField());
    needed.put("price-field", mapping.priceField());
    mapping.volumeField().ifPresent(column -> needed.put("volume-field", column));
    needed.putAll(mapping.rangeColumns());
    for (Map.Entry<String, String> column : needed.entrySet()) {
      if (!columns.containsKey(column.getValue())) {
        throw new IllegalArgumentException(
            "source "
                + source
                + ": the header "
                + names
                + " has no column '"
                + column.getValue()
                + "' (smack.collector.source."
                + source
                + "."
                + column.getKey()
                + ")");
      }
    }
  }

  /** One data line as a quote or a dead letter; blank lines yield nothing. */
  Optional<Collected> parse(String line, Instant now) {
    String stripped = line.strip();
    if (stripped.isEmpty()) {
      return Optional.empty();
    }
    byte[] raw = line.getBytes(StandardCharsets.UTF_8);
    List<String> fields;
    try {
      fields = split(stripped, delimiter);
    } catch (IllegalArgumentException e) {
      return Optional.of(rejected(Reason.MALFORMED, e.getMessage(), raw, now));
    }
    if (fields.size() != columns.size()) {
      return Optional.of(
          rejected(
              Reason.MALFORMED,
              "the row has " + fields.size() + " fields, the header " + columns.size(),
              raw,
              now));
    }
    return Optional.of(
        mapping.toQuote(
            source, name -> Optional.ofNullable(columns.get(name)).map(fields::get), raw, now));
  }

  private Collected rejected(Reason reason, String detail, byte[] raw, Instant now) {
    return new Rejected(new DeadLetter(source, new Rejection(reason, detail), raw, now));
  }

  /** RFC 4180 fields of one line. */
  static List<String> split(String line, char delimiter) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.isEmpty()) {
        quoted = true;
      } else if (c == delimiter) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("a quoted field is not closed");
    }
    fields.add(field.toString());
    return fields;
  }
}
