package io.smack.localstack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The load of a shared machine: one busy shell loop per core until closed. A loop spins on the
 * shell's built-in {@code kill -0} of this JVM, so it ends by itself if the test JVM is killed.
 */
final class BusyCores implements AutoCloseable {

  private final List<Process> loops;

  private BusyCores(List<Process> loops) {
    this.loops = loops;
  }

  /** One loop on each core the JVM sees. */
  static BusyCores everyCore() throws IOException {
    String loop = "while kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null; do :; done";
    List<Process> loops = new ArrayList<>();
    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
      loops.add(new ProcessBuilder("sh", "-c", loop).start());
    }
    return new BusyCores(loops);
  }

  int loops() {
    return loops.size();
  }

  /** True while every loop still runs (the load was held throughout). */
  boolean busy() {
    return loops.stream().allMatch(Process::isAlive);
  }

  @Override
  public void close() throws InterruptedException {
    for (Process loop : loops) {
      loop.destroyForcibly();
    }
    for (Process loop : loops) {
      loop.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
