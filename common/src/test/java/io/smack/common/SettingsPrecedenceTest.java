package io.smack.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** System properties, then the environment, then the configuration file, then the reference. */
class SettingsPrecedenceTest {

  private static final String KEY = "smack.kafka.bootstrap-servers";

  @Test
  void should_take_each_layer_over_the_ones_below_it(@TempDir Path dir) throws Exception {
    // given a file, a variable and a system property that each set the brokers
    Path file = dir.resolve("pipeline.conf");
    Files.writeString(file, KEY + " = \"from-file:9092\"\n");
    Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "from-env:9092");
    Properties system = properties("config.file", file.toString());
    Properties systemAndKey = properties("config.file", file.toString(), KEY, "from-system:9092");

    // then
    assertThat(Settings.load(env, systemAndKey).getString(KEY)).isEqualTo("from-system:9092");
    assertThat(Settings.load(env, system).getString(KEY)).isEqualTo("from-env:9092");
    assertThat(Settings.load(Map.of(), system).getString(KEY)).isEqualTo("from-file:9092");
    assertThat(Settings.load(Map.of(), new Properties()).getString(KEY))
        .isEqualTo("127.0.0.1:9092");
  }

  @Test
  void should_let_a_variable_equal_to_the_default_win_over_the_file(@TempDir Path dir)
      throws Exception {
    // given
    Path file = dir.resolve("pipeline.conf");
    Files.writeString(file, KEY + " = \"from-file:9092\"\n");

    // when
    String brokers =
        Settings.load(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                properties("config.file", file.toString()))
            .getString(KEY);

    // then
    assertThat(brokers).isEqualTo("127.0.0.1:9092");
  }

  @Test
  void should_read_a_file_by_url_or_class_path_resource_and_substitute_variables(@TempDir Path dir)
      throws Exception {
    // given
    Path file = dir.resolve("pipeline.conf");
    Files.writeString(
        file, "smack.cassandra.keyspace = trading\nsmack.kafka.topics.quotes = ${?QUOTES}\n");

    // when
    var byUrl =
        Settings.load(Map.of("QUOTES", "ticks"), properties("config.url", file.toUri().toString()));

    // then
    assertThat(byUrl.getString("smack.cassandra.keyspace")).isEqualTo("trading");
    assertThat(byUrl.getString("smack.kafka.topics.quotes")).isEqualTo("ticks");
    assertThat(
            Settings.load(Map.of(), properties("config.resource", "settings-test.conf"))
                .getString("smack.cassandra.keyspace"))
        .isEqualTo("from_resource");
  }

  @Test
  void should_keep_the_parts_application_conf_under_a_configuration_file(@TempDir Path dir)
      throws Exception {
    // given: the test class path's application.conf sets settings-test.kept and .overridden
    Path file = dir.resolve("pipeline.conf");
    Files.writeString(file, "settings-test.overridden = from-file\n");

    // when
    var pekko = Settings.actorSystem(properties("config.file", file.toString()));

    // then: the file adds to the application's settings, it does not replace them
    assertThat(pekko.getString("settings-test.overridden")).isEqualTo("from-file");
    assertThat(pekko.getString("settings-test.kept")).isEqualTo("from-application");
  }

  @Test
  void should_refuse_a_misspelt_key_naming_the_file_the_line_and_the_nearest_known_key(
      @TempDir Path dir) throws Exception {
    // given
    Path file = dir.resolve("pipeline.conf");
    Files.writeString(file, KEY + " = \"kafka:9092\"\nsmack.cassandra.consistancy = ONE\n");

    // when, then
    assertThatThrownBy(() -> Settings.load(Map.of(), properties("config.file", file.toString())))
        .isInstanceOf(ConfigException.BadPath.class)
        .hasMessageContaining(file.getFileName().toString() + ": 2")
        .hasMessageContaining("smack.cassandra.consistancy")
        .hasMessageContaining("did you mean 'smack.cassandra.consistency'?");
  }

  @Test
  void should_take_another_parts_section_from_a_shared_file_but_not_an_unknown_section(
      @TempDir Path dir) throws Exception {
    // given: this JVM holds common's reference only; the file is every part's
    Path shared = dir.resolve("shared.conf");
    Files.writeString(
        shared,
        "smack.collector.sources = \"stocks\"\nsmack.local-stack.nodes = 3\n"
            + "smack.local-stack.dir = \"var/x\"\n");
    Path typo = dir.resolve("typo.conf");
    Files.writeString(typo, "smack.acess.http.port = 8080\n");

    // then
    assertThat(Settings.load(Map.of(), properties("config.file", shared.toString())).getString(KEY))
        .isEqualTo("127.0.0.1:9092");
    assertThatThrownBy(() -> Settings.load(Map.of(), properties("config.file", typo.toString())))
        .isInstanceOf(ConfigException.BadPath.class)
        .hasMessageContaining("smack.acess.http.port");
    assertThat(
            Settings.load(
                    Map.of(),
                    properties(
                        "smack.stack.file", "/tmp/stack.properties",
                        "smack.excluded-groups", "none"))
                .getString(KEY))
        .as("the build's own properties")
        .isEqualTo("127.0.0.1:9092");
    assertThatThrownBy(() -> Settings.load(Map.of(), properties("smack.kafka.topics.quote", "x")))
        .hasMessageContaining("did you mean 'smack.kafka.topics.quotes'?");
  }

  @Test
  void should_name_a_configuration_file_that_is_missing() {
    assertThatThrownBy(
            () -> Settings.load(Map.of(), properties("config.file", "/nonexistent/pipeline.conf")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("/nonexistent/pipeline.conf");
  }

  private static Properties properties(String... keysAndValues) {
    Properties properties = new Properties();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return properties;
  }
}
