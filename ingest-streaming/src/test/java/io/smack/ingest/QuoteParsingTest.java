package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.smack.common.Quote;
import io.smack.common.QuoteCodec;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The parsing functions on local rows shaped like the Kafka source's, with Spark local[2]. */
class QuoteParsingTest {

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = TestSparks.local("quote-parsing-test");
    QuoteParsing.register(spark, Duration.ofMinutes(5));
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void should_keep_valid_quotes_with_their_utc_day_and_reject_the_rest_with_reasons() {
    // given
    Quote aaplAtOpen =
        new Quote("AAPL", Instant.parse("2026-11-23T14:30:00.125Z"), 189.23, 1200, "sim");
    Quote msftJustBeforeMidnight =
        new Quote("MSFT", Instant.parse("2026-11-23T23:59:59.999Z"), 410.5, 3, "sim");
    List<String> badValues =
        List.of(
            "not json at all",
            "{\"v\":1,\"symbol\":\"AAPL\",\"ts\":\"2026-11-23T14:30:00Z\",\"price\":\"high\",\"volume\":1,\"source\":\"sim\"}",
            "{\"v\":1,\"symbol\":\"AAPL\",\"price\":1.5,\"volume\":1,\"source\":\"sim\"}",
            "{\"v\":1,\"symbol\":\"AAPL\",\"ts\":\"2026-11-23T14:30:00Z\",\"price\":NaN,\"volume\":1,\"source\":\"sim\"}",
            "{\"v\":1,\"symbol\":\"AAPL\",\"ts\":\"2026-11-23T14:30:00Z\",\"price\":-2,\"volume\":1,\"source\":\"sim\"}",
            "{\"v\":1,\"symbol\":\"aapl!\",\"ts\":\"2026-11-23T14:30:00Z\",\"price\":2,\"volume\":1,\"source\":\"sim\"}",
            "{\"v\":1,\"symbol\":\"AAPL\",\"ts\":\"2099-01-01T00:00:00Z\",\"price\":2,\"volume\":1,\"source\":\"sim\"}");
    List<Row> rows = new ArrayList<>();
    rows.add(kafkaRow(QuoteCodec.encode(aaplAtOpen), 0));
    for (int i = 0; i < badValues.size(); i++) {
      rows.add(kafkaRow(badValues.get(i).getBytes(StandardCharsets.UTF_8), i + 1));
    }
    rows.add(kafkaRow(QuoteCodec.encode(msftJustBeforeMidnight), badValues.size() + 1));
    Dataset<Row> kafka = spark.createDataFrame(rows, TestSparks.KAFKA_ROWS);

    // when
    Dataset<Row> decoded = QuoteParsing.decode(kafka).cache();
    List<Row> quotes = QuoteParsing.quotes(decoded).orderBy("ts").collectAsList();
    List<Row> rejects = QuoteParsing.rejects(decoded).orderBy("offset").collectAsList();

    // then
    assertThat(quotes)
        .extracting(
            r -> r.getString(0),
            r -> r.getDate(1),
            r -> r.getTimestamp(2),
            r -> r.getDouble(3),
            r -> r.getLong(4),
            r -> r.getString(5))
        .containsExactly(
            tuple(
                "AAPL",
                Date.valueOf("2026-11-23"),
                Timestamp.from(aaplAtOpen.ts()),
                189.23,
                1200L,
                "sim"),
            tuple(
                "MSFT",
                Date.valueOf("2026-11-23"),
                Timestamp.from(msftJustBeforeMidnight.ts()),
                410.5,
                3L,
                "sim"));
    assertThat(rejects)
        .extracting(r -> r.getString(1), r -> r.getLong(5))
        .containsExactly(
            tuple("malformed", 1L),
            tuple("bad_price", 2L),
            tuple("missing_field", 3L),
            tuple("malformed", 4L),
            tuple("bad_price", 5L),
            tuple("bad_symbol", 6L),
            tuple("future_timestamp", 7L));
    assertThat(new String((byte[]) rejects.get(0).get(0), StandardCharsets.UTF_8))
        .isEqualTo("not json at all");
    assertThat(rejects.get(2).getString(2)).isEqualTo("ts is missing");
    assertThat(rejects.get(6).getString(2))
        .startsWith("ts 2099-01-01T00:00:00Z is more than PT5M ahead of the receiving clock");
    List<String> letters =
        QuoteParsing.deadLetters(decoded).collectAsList().stream()
            .map(r -> new String((byte[]) r.get(1), StandardCharsets.UTF_8))
            .toList();
    assertThat(letters).hasSize(7);
    assertThat(letters)
        .allSatisfy(
            letter ->
                assertThat(letter)
                    .contains("\"source\":\"ingest-streaming\"")
                    .contains("\"raw_base64\":"));
    assertThat(letters).anySatisfy(l -> assertThat(l).contains("\"raw_text\":\"not json at all\""));
    assertThat(letters)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("\"reason\":\"missing_field\",\"detail\":\"ts is missing\""));
  }

  private static Row kafkaRow(byte[] value, long offset) {
    return RowFactory.create("AAPL".getBytes(StandardCharsets.UTF_8), value, "quotes", 0, offset);
  }
}
