package io.smack.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way every benchmark measures: a subject and its baselines do identical work in rounds,
 * after the same warm-up, each round timed by the trial itself in the same way for all; the order
 * within a round rotates (subject first, then a baseline first, …), so that a drift of the shared
 * machine's speed favours none of them. Figures come from {@link Rounds}: the median of each
 * measurement with its range, and for a comparison the median of the per-round ratios.
 *
 * <p>A benchmark without a baseline (a raw stage such as the bare producer) runs through it with
 * one trial: the same warm-up and rounds, the median and range of its rounds.
 */
final class Paired {

  private static final Logger LOG = LoggerFactory.getLogger(Paired.class);

  /** The fewest rounds a figure rests on. */
  static final int MIN_ROUNDS = 3;

  /**
   * One trial's round: its measurements by name (e.g. {@code rate}, {@code cpu}). It may read what
   * the trials measured before it, e.g. to do the same work as the subject's last round.
   */
  interface Trial {
    Map<String, Double> run(Rounds before) throws Exception;
  }

  private final String benchmark;
  private final Map<String, Trial> trials = new LinkedHashMap<>();
  private int warmUps = 1;
  private int rounds = MIN_ROUNDS;

  private Paired(String benchmark) {
    this.benchmark = benchmark;
  }

  static Paired of(String benchmark) {
    return new Paired(benchmark);
  }

  /** Adds a trial; the first added is the subject. */
  Paired trial(String name, Trial trial) {
    trials.put(name, trial);
    return this;
  }

  /**
   * Untimed rounds of every trial before the timed ones (1 by default; 0 when each round warms up
   * on its own, as a fresh JVM per round does).
   */
  Paired warmUps(int count) {
    this.warmUps = count;
    return this;
  }

  /** Timed rounds; at least {@link #MIN_ROUNDS}. */
  Paired rounds(int count) {
    if (count < MIN_ROUNDS) {
      throw new IllegalArgumentException(
          benchmark + ": " + count + " rounds; a figure rests on at least " + MIN_ROUNDS);
    }
    this.rounds = count;
    return this;
  }

  Rounds run() throws Exception {
    Rounds done = new Rounds();
    List<String> names = new ArrayList<>(trials.keySet());
    for (int warmUp = 0; warmUp < warmUps; warmUp++) {
      for (String name : names) {
        Map<String, Double> sample = trials.get(name).run(done);
        done.warmUps.put(name, sample);
        LOG.info("{} warm-up: {} {}", benchmark, name, format(sample));
      }
    }
    for (int index = 0; index < rounds; index++) {
      int round = index;
      List<String> order = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        order.add(names.get((round + i) % names.size()));
      }
      for (String name : order) {
        Map<String, Double> sample = trials.get(name).run(done);
        done.samples.computeIfAbsent(name, n -> new ArrayList<>()).add(sample);
      }
      LOG.info(
          "{} round {}/{}: {}",
          benchmark,
          round + 1,
          rounds,
          order.stream()
              .map(name -> name + " " + format(done.samples.get(name).get(round)))
              .collect(Collectors.joining("; ")));
    }
    return done;
  }

  private static String format(Map<String, Double> sample) {
    return sample.entrySet().stream()
        .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%,.1f", e.getValue()))
        .collect(Collectors.joining(" "));
  }

  /** What the trials measured, round by round. */
  static final class Rounds {

    private final Map<String, List<Map<String, Double>>> samples = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> warmUps = new LinkedHashMap<>();

    /** The trial's latest measurements, its warm-up's if no timed round has run yet. */
    Optional<Map<String, Double>> latest(String trial) {
      List<Map<String, Double>> timed = samples.getOrDefault(trial, List.of());
      return timed.isEmpty()
          ? Optional.ofNullable(warmUps.get(trial))
          : Optional.of(timed.get(timed.size() - 1));
    }

    /** One measurement of a trial, in the order of the rounds. */
    double[] of(String trial, String measure) {
      List<Map<String, Double>> timed = samples.get(trial);
      if (timed == null) {
        throw new IllegalArgumentException("no trial named " + trial);
      }
      return timed.stream()
          .mapToDouble(
              sample -> {
                Double value = sample.get(measure);
                if (value == null) {
                  throw new IllegalArgumentException(trial + " measured no " + measure);
                }
                return value;
              })
          .toArray();
    }

    Figure raw(String name, String unit, String trial, String measure) {
      return Figure.raw(name, unit, of(trial, measure));
    }

    Figure against(Figure baseline, String name, String trial, String measure) {
      return Figure.against(baseline, name, of(trial, measure));
    }
  }
}
