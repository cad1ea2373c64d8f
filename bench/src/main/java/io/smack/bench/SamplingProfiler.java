package io.smack.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;

/**
 * async-profiler's CPU sampler, loaded into a running JVM through the JDK's attach API (as its own
 * launcher does): from {@link #start} to {@link #stop} it samples every thread's stack, Java and
 * native frames alike, every {@link #INTERVAL} of CPU time, and writes the stacks in the collapsed
 * format ({@code frame;frame;... count}).
 *
 * <p>Attached rather than started with the JVM so that a profile holds the part of a run that is
 * measured (a job's sustained batches), not its start-up.
 */
final class SamplingProfiler {

  /** CPU time between two samples of a thread. */
  static final Duration INTERVAL = Duration.ofMillis(10);

  private SamplingProfiler() {}

  /**
   * Starts sampling the JVM {@code pid}.
   *
   * @throws IOException when the JVM cannot be attached to, or the library does not load
   */
  static void start(long pid) throws IOException {
    command(pid, "start,event=cpu,interval=" + INTERVAL.toMillis() + "ms");
  }

  /** Stops sampling the JVM {@code pid} and writes its stacks, collapsed, to {@code collapsed}. */
  static void stop(long pid, Path collapsed) throws IOException {
    command(pid, "stop,collapsed,file=" + collapsed.toAbsolutePath());
  }

  private static void command(long pid, String options) throws IOException {
    try {
      VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
      try {
        vm.loadAgentPath(library().toString(), options);
      } finally {
        vm.detach();
      }
    } catch (com.sun.tools.attach.AttachNotSupportedException
        | com.sun.tools.attach.AgentLoadException
        | com.sun.tools.attach.AgentInitializationException e) {
      throw new IOException("async-profiler's " + options + " in process " + pid + ": " + e, e);
    }
  }

  /** The native library of this machine's architecture, out of async-profiler's jar. */
  private static Path library() throws IOException {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch =
        switch (System.getProperty("os.arch")) {
          case "amd64", "x86_64" -> "linux-x64";
          case "aarch64" -> "linux-arm64";
          default -> "";
        };
    if (!os.contains("linux") || arch.isEmpty()) {
      throw new IOException(
          "--profile needs Linux on x64 or arm64 (async-profiler's jar has no library for "
              + System.getProperty("os.name")
              + " on "
              + System.getProperty("os.arch")
              + ")");
    }
    Path library = Path.of("target", "bench", "profiler", arch, "libasyncProfiler.so");
    try (InputStream in =
        SamplingProfiler.class.getResourceAsStream("/" + arch + "/libasyncProfiler.so")) {
      if (in == null) {
        throw new IOException("async-profiler's jar is not on the classpath");
      }
      Files.createDirectories(library.getParent());
      Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
    }
    return library.toAbsolutePath();
  }
}
