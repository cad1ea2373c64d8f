package io.smack.bench;

/**
 * How much work each benchmark does.
 *
 * @param quick a short run, for a look rather than a figure to report
 */
record BenchOptions(boolean quick) {

  /** {@code full} records in a normal run, a tenth of it (at least 1000) in a quick one. */
  int scale(int full) {
    return quick ? Math.max(1_000, full / 10) : full;
  }
}
