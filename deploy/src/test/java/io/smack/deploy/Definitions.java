package io.smack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The project's own definitions under deploy/, fresh copies for tests to change. */
final class Definitions {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path DEPLOY = ROOT.resolve("deploy");

  private static final ObjectMapper JSON = new ObjectMapper();

  private Definitions() {}

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
