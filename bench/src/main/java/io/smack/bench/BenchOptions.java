package io.smack.bench;

/**
 * How much work each benchmark does: a quick look, the default run of a few minutes, or the full
 * run whose figures the READMEs report.
 */
record BenchOptions(Mode mode) {

  enum Mode {
    QUICK,
    DEFAULT,
    FULL
  }

  boolean quick() {
    return mode == Mode.QUICK;
  }

  /** Adds the long measurements (the training job on 10 M stored quotes). */
  boolean full() {
    return mode == Mode.FULL;
  }

  /** {@code full} records in a full run, a quarter in a default one, a tenth in a quick one. */
  int scale(int full) {
    return switch (mode) {
      case QUICK -> Math.max(1_000, full / 10);
      case DEFAULT -> Math.max(1_000, full / 4);
      case FULL -> full;
    };
  }

  /** The value for this mode: rounds, seconds of a measurement. */
  int pick(int quick, int normal, int full) {
    return switch (mode) {
      case QUICK -> quick;
      case DEFAULT -> normal;
      case FULL -> full;
    };
  }
}
