package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/smack up --source: a named block, or a CSV file and its columns inline. */
class SourceSpecTest {

  private static final Config CONFIG =
      ConfigFactory.parseString("smack.collector.source.sp500 { type = csv }");

  @Test
  void should_take_the_simulator_and_a_block_of_the_configuration_by_name() {
    assertThat(SourceSpec.parse("sim", Path.of(""), CONFIG).jvmOptions()).isEmpty();
    assertThat(SourceSpec.parse("sp500", Path.of(""), CONFIG).name()).isEqualTo("sp500");
    assertThatThrownBy(() -> SourceSpec.parse("nasdaq", Path.of(""), CONFIG))
        .hasMessageContaining("no source block smack.collector.source.nasdaq")
        .hasMessageContaining("--config FILE");
  }

  @Test
  void should_make_a_source_block_of_an_inline_mapping(@TempDir Path dir) throws Exception {
    // given
    Files.writeString(dir.resolve("sp500-2000.csv"), "date,open,high,low,close,adjclose,volume\n");

    // when: a path relative to the caller's folder
    SourceSpec spec =
        SourceSpec.parse(
            "csv=sp500-2000.csv,symbol=SPX,time=date:yyyy-MM-dd,price=close,volume=volume",
            dir,
            CONFIG);

    // then
    assertThat(spec.name()).isEqualTo("sp500-2000");
    assertThat(spec.jvmOptions())
        .contains(
            "-Dsmack.collector.source.sp500-2000.type=csv",
            "-Dsmack.collector.source.sp500-2000.path=" + dir.resolve("sp500-2000.csv"),
            "-Dsmack.collector.source.sp500-2000.symbol=SPX",
            "-Dsmack.collector.source.sp500-2000.symbol-field=",
            "-Dsmack.collector.source.sp500-2000.time-field=date",
            "-Dsmack.collector.source.sp500-2000.time-format=yyyy-MM-dd",
            "-Dsmack.collector.source.sp500-2000.price-field=close",
            "-Dsmack.collector.source.sp500-2000.volume-field=volume");
  }

  @Test
  void should_read_a_bare_csv_path_as_the_stocks_layout(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("stocks.csv"), "symbol,date,price\n");

    SourceSpec spec = SourceSpec.parse("csv=" + file, Path.of(""), CONFIG);

    assertThat(spec.settings())
        .containsEntry("symbol-field", "symbol")
        .containsEntry("time-format", "MMM d yyyy")
        .containsEntry("price-field", "price");
  }

  @Test
  void should_name_what_is_wrong_in_an_inline_mapping(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("x.csv"), "a,b\n");

    assertThatThrownBy(() -> SourceSpec.parse("csv=" + file + ",time=a", dir, CONFIG))
        .hasMessageContaining("'price' is missing");
    assertThatThrownBy(() -> SourceSpec.parse("csv=" + file + ",colour=red", dir, CONFIG))
        .hasMessageContaining("unknown key 'colour'");
    assertThatThrownBy(() -> SourceSpec.parse("csv=" + dir.resolve("none.csv"), dir, CONFIG))
        .hasMessageContaining("none.csv is not readable");
    assertThatThrownBy(
            () ->
                SourceSpec.parse(
                    "csv=" + file + ",symbol=A,symbol-field=s,time=a,price=b", dir, CONFIG))
        .hasMessageContaining("not both");
  }
}
