package io.smack.bench;

/**
 * How much work each benchmark does.
 *
 * @param quick a short run, for a look rather than a figure to report
 * @param full adds the long measurements (the training job on 10 M stored quotes)
 */
record BenchOptions(boolean quick, boolean full) {

  /** {@code full} records in a normal run, a tenth of it (at least 1000) in a quick one. */
  int scale(int full) {
    return quick ? Math.max(1_000, full / 10) : full;
  }
}
