package io.smack.deploy.containers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smack.localstack.StackAddresses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The project's deploy files, fresh copies for a test to change, and a site to run them on. */
final class Descriptors {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Descriptors() {}

  static ObjectNode marathon(String app) {
    return read(ROOT.resolve("deploy/marathon/" + app + ".json"));
  }

  static ObjectNode chronos(String job) {
    return read(ROOT.resolve("deploy/chronos/" + job + ".json"));
  }

  static Path file(String kind, String name) {
    return Path.of("deploy", kind, name + ".json");
  }

  /** A site of one local node; its free ports count up from 40001. */
  static LocalSite oneNode() {
    AtomicInteger ports = new AtomicInteger(40000);
    return LocalSite.of(
        new StackAddresses("127.0.0.1:39092", "127.0.0.1:39042", "datacenter1", 1, Map.of()),
        "spark://127.0.0.1:37077",
        Path.of("/srv/run/checkpoints"),
        ports::incrementAndGet);
  }

  private static ObjectNode read(Path file) {
    try {
      return (ObjectNode) JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
