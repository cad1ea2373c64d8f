package io.smack.ingest;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;

/**
 * The steps of one micro-batch, each timed, with the Spark jobs it ran: the batch's log line and
 * progress row name them ("write 1 job 312 ms, dead-letters 1 job 61 ms"), so that the cost of a
 * batch in Spark jobs is visible. Jobs are counted in the job group Structured Streaming gives each
 * run of a query (its run id), read from Spark's status tracker.
 */
final class SparkSteps {

  /** One step: its Spark jobs and its milliseconds. */
  record Step(int jobs, long millis) {
    @Override
    public String toString() {
      return jobs + (jobs == 1 ? " job " : " jobs ") + millis + " ms";
    }
  }

  private final SparkContext spark;
  private final String group;
  private final Map<String, Step> steps = new LinkedHashMap<>();

  SparkSteps(SparkContext spark) {
    this.spark = spark;
    this.group = spark.getLocalProperty("spark.jobGroup.id");
  }

  <T> T run(String name, Supplier<T> body) {
    int before = jobs();
    long start = System.nanoTime();
    T result = body.get();
    steps.put(name, new Step(jobs() - before, (System.nanoTime() - start) / 1_000_000));
    return result;
  }

  void run(String name, Runnable body) {
    run(
        name,
        () -> {
          body.run();
          return null;
        });
  }

  Map<String, Step> steps() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(steps));
  }

  /** All jobs of the steps. */
  static int jobs(Map<String, Step> steps) {
    return steps.values().stream().mapToInt(Step::jobs).sum();
  }

  private int jobs() {
    return group == null ? 0 : spark.statusTracker().getJobIdsForGroup(group).length;
  }

  @Override
  public String toString() {
    return Arrays.toString(steps.entrySet().toArray());
  }
}
