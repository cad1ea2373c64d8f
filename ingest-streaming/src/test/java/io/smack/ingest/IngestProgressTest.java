package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestProgressTest {

  @Test
  void should_count_the_records_behind_the_topics_end_over_every_partition() {
    // given: the offsets a batch reached, in Spark's JSON, and the topic's end now; partition 2 is
    // caught up, 0 and 1 are behind, 3 has not been read at all
    Map<String, Long> reached = KafkaOffsets.parse("{\"quotes\":{\"0\":150,\"1\":50,\"2\":7}}");
    Map<String, Long> latest =
        Map.of("quotes/0", 180L, "quotes/1", 60L, "quotes/2", 7L, "quotes/3", 4L);

    // when
    long behind = TopicEnds.behind(latest, reached);

    // then: (180 - 150) + (60 - 50) + (7 - 7) + (4 - 0)
    assertThat(reached).containsOnlyKeys("quotes/0", "quotes/1", "quotes/2");
    assertThat(behind).isEqualTo(44);
  }

  @Test
  void should_let_a_backfill_go_once_the_quotes_query_reached_every_partition_of_the_bars_batch() {
    // given: the bars batch read up to these offsets
    Map<String, Long> needed = Map.of("quotes/0", 100L, "quotes/1", 40L);

    // then: each partition must be reached; more is fine, a missing partition is not
    assertThat(QuotesGate.covers(Map.of("quotes/0", 100L, "quotes/1", 41L), needed)).isTrue();
    assertThat(QuotesGate.covers(Map.of("quotes/0", 100L, "quotes/1", 39L), needed)).isFalse();
    assertThat(QuotesGate.covers(Map.of("quotes/0", 500L), needed)).isFalse();
    assertThat(QuotesGate.covers(Map.of(), Map.of())).isTrue();
  }
}
