package io.smack.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import io.smack.common.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestSettingsTest {

  @Test
  void should_read_the_defaults_of_the_reference() {
    // when
    IngestSettings settings = IngestSettings.from(Settings.load(Map.of()));

    // then
    assertThat(settings.master()).isEqualTo("local[*]");
    assertThat(settings.triggerInterval()).contains(Duration.ofMillis(250));
    assertThat(settings.barsTrigger()).contains(Duration.ofSeconds(10));
    assertThat(settings.shufflePartitions()).as("fewer than the cores of 2").isEqualTo(1);
    assertThat(settings.quotes().maxClockSkew()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.maxOffsetsPerTrigger()).isEqualTo(200_000);
    assertThat(settings.barsMaxOffsetsPerTrigger())
        .as("as many records a second as the quotes query: 40 quotes triggers in a bars trigger")
        .isEqualTo(8_000_000);
    assertThat(settings.startingOffsets()).isEqualTo("earliest");
    assertThat(settings.barsWatermark()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.checkpoint()).isEqualTo("var/local-stack/checkpoints/ingest");
    assertThat(settings.quotesCheckpoint()).isEqualTo("var/local-stack/checkpoints/ingest/quotes");
    assertThat(settings.barsCheckpoint()).isEqualTo("var/local-stack/checkpoints/ingest/bars");
    assertThat(settings.barsQueryName()).isEqualTo("ingest-bars");
    assertThat(settings.kafka().quotesTopic()).isEqualTo("quotes");
  }

  @Test
  void should_keep_the_checkpoint_in_the_local_runs_folder() {
    // when: the local run's folder moved (bin/smack up --dir, or a --config file)
    IngestSettings settings =
        IngestSettings.from(Settings.load(Map.of("SMACK_STACK_DIR", "/tmp/my-stack")));

    // then
    assertThat(settings.quotesCheckpoint()).isEqualTo("/tmp/my-stack/checkpoints/ingest/quotes");
  }

  @Test
  void should_keep_a_files_checkpoint_when_the_stack_folder_comes_from_the_environment(
      @TempDir Path dir) throws Exception {
    // given: a file that puts the checkpoint on HDFS, and the stack folder in the environment
    Path file = dir.resolve("pipeline.conf");
    Files.writeString(file, "smack.ingest.checkpoint = \"hdfs:///smack/checkpoints/ingest\"\n");
    Properties system = new Properties();
    system.setProperty("config.file", file.toString());

    // when
    IngestSettings settings =
        IngestSettings.from(Settings.load(Map.of("SMACK_STACK_DIR", "/tmp/my-stack"), system));

    // then: the derived default does not beat the explicit value
    assertThat(settings.checkpoint()).isEqualTo("hdfs:///smack/checkpoints/ingest");
  }

  @Test
  void should_take_the_environment_over_the_defaults() {
    // when
    IngestSettings settings =
        IngestSettings.from(
            Settings.load(
                Map.of(
                    "SPARK_MASTER", "mesos://zk://zk1:2181/mesos",
                    "INGEST_TRIGGER", "available-now",
                    "INGEST_MAX_OFFSETS_PER_TRIGGER", "5000",
                    "INGEST_CHECKPOINT_DIR", "hdfs:///smack/checkpoints/ingest",
                    "INGEST_BARS_WATERMARK", "90s",
                    "QUOTES_MAX_CLOCK_SKEW", "30s")));

    // then
    assertThat(settings.master()).isEqualTo("mesos://zk://zk1:2181/mesos");
    assertThat(settings.triggerInterval()).isEqualTo(Optional.empty());
    assertThat(settings.maxOffsetsPerTrigger()).isEqualTo(5000);
    assertThat(settings.checkpoint()).isEqualTo("hdfs:///smack/checkpoints/ingest");
    assertThat(settings.barsWatermark()).isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.barsTrigger()).as("available-now for both queries").isEmpty();
    assertThat(settings.barsMaxOffsetsPerTrigger()).isEqualTo(5000);
  }

  @Test
  void should_let_the_bars_query_read_as_many_records_a_second_as_the_quotes_query() {
    assertThat(barsMaxOffsets("250ms", "1s", "1000")).isEqualTo(4000);
    assertThat(barsMaxOffsets("300ms", "1s", "1000")).as("a part trigger counts").isEqualTo(4000);
    assertThat(barsMaxOffsets("2s", "1s", "1000")).as("never below the quotes'").isEqualTo(1000);
    assertThat(barsMaxOffsets("0s", "10s", "1000")).as("no rate to keep").isEqualTo(1000);
    assertThat(barsMaxOffsets("1ms", "10000d", String.valueOf(Long.MAX_VALUE / 2)))
        .isEqualTo(Long.MAX_VALUE);
  }

  private static long barsMaxOffsets(String trigger, String barsTrigger, String maxOffsets) {
    return IngestSettings.from(
            Settings.load(
                Map.of(
                    "INGEST_TRIGGER", trigger,
                    "INGEST_BARS_TRIGGER", barsTrigger,
                    "INGEST_MAX_OFFSETS_PER_TRIGGER", maxOffsets)))
        .barsMaxOffsetsPerTrigger();
  }

  @Test
  void should_refuse_a_watermark_that_a_quote_within_the_clock_skew_could_pass() {
    assertThatThrownBy(
            () ->
                IngestSettings.from(
                    Settings.load(
                        Map.of("INGEST_BARS_WATERMARK", "5m", "QUOTES_MAX_CLOCK_SKEW", "5m"))))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.ingest.bars.watermark")
        .hasMessageContaining("is not above smack.quotes.max-clock-skew (PT5M)");
  }

  @Test
  void should_name_the_setting_of_a_bad_trigger_or_batch_size() {
    assertThatThrownBy(() -> IngestSettings.from(Settings.load(Map.of("INGEST_TRIGGER", "soon"))))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.ingest.trigger")
        .hasMessageContaining("'soon'");
    assertThatThrownBy(
            () -> IngestSettings.from(Settings.load(Map.of("INGEST_MAX_OFFSETS_PER_TRIGGER", "0"))))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("smack.ingest.max-offsets-per-trigger");
    assertThatThrownBy(
            () -> IngestSettings.from(Settings.load(Map.of("INGEST_STARTING_OFFSETS", "middle"))))
        .hasMessageContaining("smack.ingest.starting-offsets");
  }

  @Test
  void should_give_spark_utc_cassandra_and_the_extra_settings_but_leave_a_submitted_master() {
    // given
    IngestSettings settings =
        IngestSettings.from(
                Settings.load(Map.of("CASSANDRA_CONTACT_POINTS", "10.0.0.1:9142,10.0.0.2:9142")))
            .withSparkConf(Map.of("spark.cassandra.output.concurrent.writes", "8"));

    // when
    SparkConf conf = IngestJob.sparkConf(settings);

    // then
    assertThat(conf.get("spark.sql.session.timeZone")).isEqualTo("UTC");
    assertThat(conf.get("spark.cassandra.connection.host")).isEqualTo("10.0.0.1,10.0.0.2");
    assertThat(conf.get("spark.cassandra.connection.port")).isEqualTo("9142");
    assertThat(conf.get("spark.cassandra.output.concurrent.writes")).isEqualTo("8");
    assertThat(conf.get("spark.master")).isEqualTo("local[*]");
    assertThat(conf.get("spark.sql.streaming.stateStore.providerClass"))
        .endsWith("RocksDBStateStoreProvider");
    assertThat(conf.get("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled"))
        .isEqualTo("true");
  }

  @Test
  void should_refuse_contact_points_on_different_ports() {
    IngestSettings settings =
        IngestSettings.from(
            Settings.load(Map.of("CASSANDRA_CONTACT_POINTS", "10.0.0.1:9042,10.0.0.2:9142")));

    assertThatThrownBy(() -> IngestJob.sparkConf(settings))
        .hasMessageContaining("smack.cassandra.contact-points");
  }
}
