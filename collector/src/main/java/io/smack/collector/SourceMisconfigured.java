package io.smack.collector;

/**
 * A source's failure that no retry can mend: its settings do not fit what it reads (a file that is
 * missing or unreadable, a header without a configured column). The collector does not restart such
 * a source: it reports it {@code failed} in {@code GET /health}, logs the message once, and runs
 * the other sources; with {@code exit-when-done} it exits 2. The message names the setting to
 * change and the file.
 */
final class SourceMisconfigured extends RuntimeException {

  SourceMisconfigured(String message) {
    super(message);
  }

  SourceMisconfigured(String message, Throwable cause) {
    super(message, cause);
  }
}
