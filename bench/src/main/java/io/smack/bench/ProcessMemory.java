package io.smack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's memory as Linux reports it in {@code /proc/PID/status}, in MiB, the unit of a
 * Marathon app's {@code mem}: what the process holds now ({@code VmRSS}) and the most it has held
 * ({@code VmHWM}, kept by the kernel, so that no poll misses a peak).
 */
final class ProcessMemory {

  private ProcessMemory() {}

  /** The resident set now; 0 when the process is gone. */
  static double residentMib(long pid) {
    return field(pid, "VmRSS:");
  }

  /** The largest resident set so far; 0 when the process is gone. */
  static double peakResidentMib(long pid) {
    return field(pid, "VmHWM:");
  }

  private static double field(long pid, String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException gone) {
      return 0;
    }
    return 0;
  }
}
