package io.smack.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CqlSchemaTest {

  @Test
  void should_make_one_idempotent_statement_per_object_in_the_given_keyspace() {
    // when
    List<String> statements =
        CqlSchema.statements("it_42", "{'class': 'SimpleStrategy', 'replication_factor': 1}");

    // then
    assertThat(statements)
        .extracting(s -> s.substring(0, s.indexOf(" (") > 0 ? s.indexOf(" (") : s.indexOf(" WITH")))
        .containsExactly(
            "CREATE KEYSPACE IF NOT EXISTS it_42",
            "CREATE TABLE IF NOT EXISTS it_42.quotes_by_day",
            "ALTER TABLE it_42.quotes_by_day ADD IF NOT EXISTS",
            "CREATE TABLE IF NOT EXISTS it_42.quote_days",
            "CREATE TABLE IF NOT EXISTS it_42.latest_quote",
            "CREATE TABLE IF NOT EXISTS it_42.symbols",
            "CREATE TABLE IF NOT EXISTS it_42.bars_1m",
            "CREATE TABLE IF NOT EXISTS it_42.models",
            "ALTER TABLE it_42.models ADD IF NOT EXISTS",
            "CREATE TABLE IF NOT EXISTS it_42.served_models",
            "CREATE TABLE IF NOT EXISTS it_42.predictions",
            "ALTER TABLE it_42.predictions ADD IF NOT EXISTS",
            "CREATE TABLE IF NOT EXISTS it_42.prediction_monitor",
            "ALTER TABLE it_42.prediction_monitor ADD IF NOT EXISTS",
            "ALTER TABLE it_42.prediction_monitor ADD IF NOT EXISTS",
            "CREATE TABLE IF NOT EXISTS it_42.ingest_batches",
            "ALTER TABLE it_42.ingest_batches ADD IF NOT EXISTS");
    assertThat(statements.get(0))
        .isEqualTo(
            "CREATE KEYSPACE IF NOT EXISTS it_42 WITH replication = "
                + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    assertThat(String.join("\n", statements)).doesNotContain("${").doesNotContain("--");
  }

  @Test
  void should_name_every_table_of_the_constants() {
    // when
    String script = String.join("\n", CqlSchema.statements("smack", "{}"));

    // then
    for (String table : Tables.ALL) {
      assertThat(script).contains("smack." + table + " (");
    }
  }

  @Test
  void should_reject_a_keyspace_that_is_not_an_identifier() {
    assertThatThrownBy(() -> CqlSchema.statements("smack; DROP", "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'smack; DROP' is not a lower-case CQL identifier");
  }

  @Test
  void should_describe_each_table_by_the_comment_above_it() {
    // when
    java.util.Map<String, String> descriptions = CqlSchema.descriptions();

    // then
    assertThat(descriptions.keySet())
        .containsExactly(
            "quotes_by_day",
            "quote_days",
            "latest_quote",
            "symbols",
            "bars_1m",
            "models",
            "served_models",
            "predictions",
            "prediction_monitor",
            "ingest_batches");
    assertThat(descriptions.get("models"))
        .startsWith("Trained models, newest version first. model is the portable JSON");
    assertThat(descriptions.values()).allSatisfy(d -> assertThat(d).isNotBlank());
  }
}
