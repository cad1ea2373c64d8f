package io.smack.localstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a fault test leaves the figures it counted, for the README's fault table: {@code bin/smack
 * chaos} names a folder ({@value #PROPERTY}), each fault test that passes writes one file into it,
 * and {@link FaultTable} gathers them into the committed results the table is rendered from. A test
 * run any other way records nothing.
 */
public final class FaultFigures {

  /** The folder {@code bin/smack chaos} gathers the figures in. */
  public static final String PROPERTY = "smack.test.fault-figures";

  private static final ObjectMapper JSON = new ObjectMapper();

  private FaultFigures() {}

  /**
   * Records what the fault {@code fault} (a row of {@link FaultTable}) ended with. Called once its
   * assertions have passed: a figure in the README is always one a passing test counted.
   *
   * @param figures each figure by name, in the order a reader would want them
   */
  public static void record(String fault, Map<String, ? extends Number> figures) {
    String folder = System.getProperty(PROPERTY);
    if (folder == null || folder.isBlank()) {
      return;
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("fault", fault);
    entry.put("figures", new LinkedHashMap<>(figures));
    try {
      Path dir = Path.of(folder);
      Files.createDirectories(dir);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(dir.resolve(fault + ".json").toFile(), entry);
    } catch (IOException e) {
      throw new UncheckedIOException("recording the figures of " + fault + " failed", e);
    }
  }
}
