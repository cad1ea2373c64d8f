package io.smack.collector;

import org.apache.pekko.actor.CoordinatedShutdown;
import sun.misc.Signal;

/**
 * Runs a graceful shutdown on SIGTERM and SIGINT instead of the JVM's default, so that a service
 * stopped by its scheduler exits 0 once its work is flushed (the default exit code is 143) and
 * Pekko ends the JVM itself ({@code pekko.coordinated-shutdown.exit-jvm = on}).
 */
final class ExitOnSignal {

  /**
   * Why the shutdown runs. Not Pekko's JVM-exit reason: with that one Pekko assumes the JVM is
   * already exiting and does not end it.
   */
  static final CoordinatedShutdown.Reason SIGNAL = new CoordinatedShutdown.Reason() {};

  private ExitOnSignal() {}

  static void install(Runnable shutdown) {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> shutdown.run());
    }
  }
}
