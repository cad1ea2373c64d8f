package io.smack.bench;

/**
 * How much work each benchmark does: a quick look, the default run of a few minutes, or the full
 * run whose figures the READMEs report. The modes differ in the work per round; every mode runs
 * {@code rounds} timed rounds, at least {@link Paired#MIN_ROUNDS}. With {@code profile}, a
 * benchmark that can samples the CPU of what it measures ({@link SamplingProfiler}).
 */
record BenchOptions(Mode mode, int rounds, boolean profile) {

  BenchOptions {
    if (rounds < Paired.MIN_ROUNDS) {
      throw new IllegalArgumentException(
          "--rounds " + rounds + ": a figure rests on at least " + Paired.MIN_ROUNDS + " rounds");
    }
  }

  BenchOptions(Mode mode, int rounds) {
    this(mode, rounds, false);
  }

  BenchOptions(Mode mode) {
    this(mode, Paired.MIN_ROUNDS);
  }

  enum Mode {
    QUICK,
    DEFAULT,
    FULL
  }

  boolean quick() {
    return mode == Mode.QUICK;
  }

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
