package io.smack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FlameGraphTest {

  private static final Pattern RECT =
      Pattern.compile(
          "<title>([^<]*) \\(([\\d,]+) samples[^<]*</title><rect x=\"([\\d.]+)\" y=\"(\\d+)\" width=\"([\\d.]+)\"");

  @Test
  void should_draw_each_frame_as_wide_as_its_samples_with_its_callees_on_it() {
    // given: three quarters of the samples in a, a third of those in a;c
    FlameGraph profile = FlameGraph.parse(List.of("a;b 50", "a;c 25", "d 25", "a;b 10", ""));

    // when
    String svg = profile.svg("title <&>", "subtitle");

    // then
    assertThat(profile.samples()).isEqualTo(110);
    assertThat(svg).contains("title &lt;&amp;&gt;");
    Map<String, double[]> frames = new java.util.HashMap<>();
    Matcher rect = RECT.matcher(svg);
    while (rect.find()) {
      frames.put(
          rect.group(1),
          new double[] {
            Double.parseDouble(rect.group(2).replace(",", "")),
            Double.parseDouble(rect.group(3)),
            Double.parseDouble(rect.group(4)),
            Double.parseDouble(rect.group(5))
          });
    }
    assertThat(frames).containsOnlyKeys("all", "a", "b", "c", "d");
    assertThat(frames.get("a")[0]).isEqualTo(85);
    assertThat(frames.get("a")[3] / frames.get("all")[3]).isCloseTo(85 / 110.0, within());
    assertThat(frames.get("c")[3] / frames.get("a")[3]).isCloseTo(25 / 85.0, within());
    // callees below their caller, siblings side by side in name order
    assertThat(frames.get("b")[2]).isGreaterThan(frames.get("a")[2]);
    assertThat(frames.get("b")[1]).isEqualTo(frames.get("a")[1]);
    assertThat(frames.get("c")[1]).isGreaterThan(frames.get("b")[1]);
    assertThat(frames.get("d")[1]).isCloseTo(frames.get("a")[1] + frames.get("a")[3], within());
  }

  @Test
  void should_sort_a_stack_into_the_first_part_one_of_its_frames_names() {
    // given: a decode inside a task, a task's other work, the driver's planning, and the unknown
    String decode =
        "java/lang/Thread.run;org/apache/spark/executor/Executor$TaskRunner.run;"
            + "io/smack/ingest/QuoteParsing.decode;io/smack/common/QuoteCodec.decode";
    String task = "java/lang/Thread.run;org/apache/spark/executor/Executor$TaskRunner.run;x";
    String planning =
        "org/apache/spark/sql/execution/streaming/MicroBatchExecution.runBatch;"
            + "org/apache/spark/sql/catalyst/rules/RuleExecutor.execute";
    FlameGraph profile =
        FlameGraph.parse(
            List.of(decode + " 3", task + " 2", planning + " 4", "start_thread;unknown 1"));

    // when
    Map<JobCpu.Part, Long> parts = JobCpu.samples(profile);

    // then
    assertThat(parts.get(JobCpu.of(decode))).isEqualTo(3);
    assertThat(JobCpu.of(decode).name()).isEqualTo("JSON decode and validation");
    assertThat(JobCpu.of(task).name()).startsWith("operators in tasks");
    assertThat(JobCpu.of(planning).slug()).isEqualTo("planning-per-batch");
    assertThat(parts.get(JobCpu.OTHER)).isEqualTo(1);
    assertThat(parts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);
    assertThat(parts).hasSize(JobCpu.PARTS.size() + 1);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(0.01);
  }
}
