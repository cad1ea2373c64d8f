package io.smack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The project's own definitions under deploy/, fresh copies for tests to change. */
final class Definitions {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path DEPLOY = ROOT.resolve("deploy");

  private static final ObjectMapper JSON = new ObjectMapper();

  private Definitions() {}

  /** The names of the Marathon apps, as their files under deploy/marathon name them. */
  static List<String> marathonApps() {
    try (Stream<Path> files = Files.list(DEPLOY.resolve("marathon"))) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".json"))
          .map(f -> f.substring(0, f.length() - ".json".length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode marathonApp(String name) {
    return read(DEPLOY.resolve("marathon").resolve(name + ".json"));
  }

  static ObjectNode chronosJob(String name) {
    return read(DEPLOY.resolve("chronos").resolve(name + ".json"));
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode groupOf(JsonNode... apps) {
    ObjectNode group = JSON.createObjectNode().put("id", "/smack");
    for (JsonNode app : apps) {
      group.withArray("apps").add(app);
    }
    return group;
  }

  private static ObjectNode read(Path file) {
    try {
      return (ObjectNode) JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
