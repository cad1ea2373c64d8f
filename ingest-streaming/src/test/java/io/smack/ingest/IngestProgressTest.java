package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.spark.sql.streaming.SourceProgress;
import org.junit.jupiter.api.Test;

class IngestProgressTest {

  @Test
  void should_count_the_records_behind_over_every_partition() {
    // given: Spark's offsets JSON; partition 2 is caught up, 0 and 1 are behind
    SourceProgress kafka =
        new SourceProgress(
            "KafkaV2[Subscribe[quotes]]",
            "{\"quotes\":{\"0\":100,\"1\":50,\"2\":7}}",
            "{\"quotes\":{\"0\":150,\"1\":60,\"2\":7}}",
            "{\"quotes\":{\"0\":180,\"1\":60,\"2\":7}}",
            210,
            10.0,
            20.0,
            Map.of());

    // when
    long behind = IngestProgress.offsetsBehind(new SourceProgress[] {kafka});

    // then: (180 - 150) + (60 - 60) + (7 - 7)
    assertThat(behind).isEqualTo(30);
  }
}
