package io.smack.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Dockerfile read as its instructions (continuation lines joined, comments dropped), enough for
 * the static checks of the images: there is no Docker engine to build them here.
 */
record Dockerfile(Path file, List<Instruction> instructions) {

  /** One instruction: its keyword, upper case, and the rest of its line. */
  record Instruction(String keyword, String arguments) {}

  static Dockerfile read(Path file) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    try {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.strip();
        if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.isEmpty())) {
          continue;
        }
        if (trimmed.endsWith("\\")) {
          pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
          continue;
        }
        pending.append(trimmed);
        String text = pending.toString().strip();
        pending.setLength(0);
        int space = text.indexOf(' ');
        instructions.add(
            new Instruction(
                text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Dockerfile(file, List.copyOf(instructions));
  }

  List<String> all(String keyword) {
    return instructions.stream()
        .filter(i -> i.keyword().equals(keyword))
        .map(Instruction::arguments)
        .toList();
  }

  Optional<String> last(String keyword) {
    List<String> all = all(keyword);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** The value an ENV or ARG instruction gives {@code name} ({@code NAME=value} forms). */
  Optional<String> value(String keyword, String name) {
    for (String arguments : all(keyword)) {
      for (String assignment : arguments.split("\\s+")) {
        if (assignment.startsWith(name + "=")) {
          return Optional.of(assignment.substring(name.length() + 1));
        }
      }
    }
    return Optional.empty();
  }

  /** Each COPY as [source, destination]. */
  List<String[]> copies() {
    return all("COPY").stream()
        .map(arguments -> arguments.replaceAll("--\\S+\\s+", "").split("\\s+"))
        .toList();
  }

  List<Integer> exposed() {
    return all("EXPOSE").stream()
        .flatMap(arguments -> List.of(arguments.split("\\s+")).stream())
        .map(port -> Integer.parseInt(port.replace("/tcp", "")))
        .toList();
  }
}
