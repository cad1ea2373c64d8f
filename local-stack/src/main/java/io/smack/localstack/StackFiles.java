package io.smack.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes the configuration files of the servers, which are generated anew at each start, readable
 * by their owner only: a secured stack's hold its passwords (Kafka's JAAS line and stores,
 * Cassandra's keystore password).
 */
final class StackFiles {

  private StackFiles() {}

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    }
  }
}
