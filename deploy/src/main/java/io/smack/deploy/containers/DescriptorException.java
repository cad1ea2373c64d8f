package io.smack.deploy.containers;

import java.nio.file.Path;

/** A deploy file the launcher cannot run: the message names the file, the field and the problem. */
public final class DescriptorException extends RuntimeException {

  public DescriptorException(Path file, String field, String problem) {
    super(file + ": " + field + ": " + problem);
  }
}
