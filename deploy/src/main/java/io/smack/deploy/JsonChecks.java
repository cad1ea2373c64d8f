package io.smack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The problems found in a JSON document, each as {@code where: what}, and the checks that find
 * them: allowed fields, types, ranges, enums, patterns. Absent optional fields pass every check.
 */
class JsonChecks {

  private final List<String> problems = new ArrayList<>();

  /** Every problem found so far, in the order found. */
  List<String> problems() {
    return List.copyOf(problems);
  }

  void problem(String where, String what) {
    problems.add(where + ": " + what);
  }

  /** {@code node} is an object whose fields are all in {@code allowed}. */
  boolean object(JsonNode node, String where, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      problem(where, "must be a JSON object");
      return false;
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        problem(
            where + "." + name, "is not a field of this object (a typo is ignored or rejected)");
      }
    }
    return true;
  }

  /** {@code node.field} exists. */
  boolean required(JsonNode node, String field, String where) {
    if (node.has(field) && !node.get(field).isNull()) {
      return true;
    }
    problem(where + "." + field, "is required");
    return false;
  }

  /** {@code node.field}, when present, is a string matching {@code pattern}. */
  void string(JsonNode node, String field, String where, Pattern pattern, String meaning) {
    JsonNode value = node.get(field);
    if (value == null) {
      return;
    }
    if (!value.isTextual()) {
      problem(where + "." + field, "must be a string");
    } else if (!pattern.matcher(value.asText()).matches()) {
      problem(where + "." + field, "'" + value.asText() + "' is not " + meaning);
    }
  }

  /** {@code node.field}, when present, is one of {@code values}. */
  void oneOf(JsonNode node, String field, String where, Set<String> values) {
    JsonNode value = node.get(field);
    if (value != null && (!value.isTextual() || !values.contains(value.asText()))) {
      problem(where + "." + field, value + " is not one of " + new TreeSet<>(values));
    }
  }

  /** {@code node.field}, when present, is a number within [min, max]. */
  void number(JsonNode node, String field, String where, double min, double max) {
    JsonNode value = node.get(field);
    if (value == null) {
      return;
    }
    if (!value.isNumber()) {
      problem(where + "." + field, "must be a number, not " + value);
    } else if (value.asDouble() < min || value.asDouble() > max) {
      problem(where + "." + field, value + " is outside [" + min + ", " + max + "]");
    }
  }

  /** {@code node.field}, when present, is an integer of at least {@code min}. */
  void integer(JsonNode node, String field, String where, long min) {
    JsonNode value = node.get(field);
    if (value == null) {
      return;
    }
    if (!value.isIntegralNumber()) {
      problem(where + "." + field, "must be an integer, not " + value);
    } else if (value.asLong() < min) {
      problem(where + "." + field, value + " is less than " + min);
    }
  }

  /** {@code node.field}, when present, is a boolean. */
  void bool(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value != null && !value.isBoolean()) {
      problem(where + "." + field, "must be true or false, not " + value);
    }
  }

  /** {@code node.field}, when present, is an array of strings. */
  void strings(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null) {
      return;
    }
    if (!value.isArray()) {
      problem(where + "." + field, "must be an array of strings");
      return;
    }
    for (int i = 0; i < value.size(); i++) {
      if (!value.get(i).isTextual()) {
        problem(where + "." + field + "[" + i + "]", "must be a string, not " + value.get(i));
      }
    }
  }

  /** {@code node.field}, when present, is an object whose values are all strings. */
  void stringMap(JsonNode node, String field, String where, Pattern keys, String keyMeaning) {
    JsonNode value = node.get(field);
    if (value == null) {
      return;
    }
    if (!value.isObject()) {
      problem(where + "." + field, "must be an object of strings");
      return;
    }
    value
        .fields()
        .forEachRemaining(
            entry -> {
              if (!keys.matcher(entry.getKey()).matches()) {
                problem(where + "." + field, "'" + entry.getKey() + "' is not " + keyMeaning);
              }
              if (!entry.getValue().isTextual()) {
                problem(
                    where + "." + field + "." + entry.getKey(),
                    "must be a string (quote numbers and booleans), not " + entry.getValue());
              }
            });
  }
}
