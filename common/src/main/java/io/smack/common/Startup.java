package io.smack.common;

import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's start-up checks: a setting that cannot work (a malformed value, an unreadable
 * keystore, a wrong password) ends the process with one line naming the setting and exit code 2,
 * rather than a stack trace, so that an operator reading a Marathon task's log sees what to fix.
 */
public final class Startup {

  /** The exit code of a process refused by its settings. */
  public static final int BAD_SETTINGS = 2;

  /**
   * How long a service's one login check at start-up waits for Kafka or Cassandra before it leaves
   * them to its own retries: long enough for a busy machine's TLS handshake.
   */
  public static final Duration LOGIN_CHECK_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(Startup.class);

  private Startup() {}

  /**
   * {@code check}'s value, or the process exits {@link #BAD_SETTINGS} after logging what is wrong.
   *
   * @param service the service's name, for the log line
   */
  public static <T> T orExit(String service, Supplier<T> check) {
    try {
      return check.get();
    } catch (ConfigException e) {
      LOG.error("{} cannot start: {}", service, e.getMessage());
      System.exit(BAD_SETTINGS);
      throw e; // not reached
    }
  }
}
