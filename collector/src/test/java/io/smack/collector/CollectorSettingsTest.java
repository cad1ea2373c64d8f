package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.smack.common.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's own source blocks, as a configuration file writes them. */
class CollectorSettingsTest {

  @Test
  void should_give_a_new_source_block_the_defaults_of_its_type(@TempDir Path dir) throws Exception {
    // given: a csv block with only what differs from a csv source's defaults
    Config config =
        load(
            dir,
            """
            smack.collector.sources = "closes"
            smack.collector.source.closes {
              type = csv
              path = "closes.csv"
              symbol = "SPX"
              time-field = "date"
              price-field = "close"
            }
            """);

    // when
    CollectorSettings settings = CollectorSettings.from(config, Clock.systemUTC());

    // then
    assertThat(settings.sources()).singleElement().isInstanceOf(CsvReplay.class);
    assertThat(settings.sources().get(0).name()).isEqualTo("closes");
  }

  @Test
  void should_refuse_a_misspelt_key_of_a_source_block(@TempDir Path dir) throws Exception {
    assertThatThrownBy(
            () ->
                load(
                    dir,
                    """
                    smack.collector.source.closes {
                      type = csv
                      delimeter = ";"
                    }
                    """))
        .isInstanceOf(ConfigException.BadPath.class)
        .hasMessageContaining("smack.collector.source.closes.delimeter")
        .hasMessageContaining(": 3");
  }

  private static Config load(Path dir, String text) throws Exception {
    Path file = dir.resolve("pipeline.conf");
    Files.writeString(file, text);
    Properties system = new Properties();
    system.setProperty("config.file", file.toString());
    return Settings.load(Map.of(), system);
  }
}
