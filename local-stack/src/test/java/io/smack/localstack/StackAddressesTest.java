package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackAddressesTest {

  @Test
  void should_carry_a_secured_stacks_credentials_through_its_ready_file(@TempDir Path dir) {
    // given
    StackAddresses secured =
        new StackAddresses(
            "127.0.0.1:9092",
            "127.0.0.1:9042",
            "datacenter1",
            1,
            Map.of("CASSANDRA_USERNAME", "smack", "CASSANDRA_PASSWORD", "s3cr3t"));
    Path file = dir.resolve("ready.properties");

    // when
    secured.writeTo(file);
    StackAddresses read = StackAddresses.readFrom(file);

    // then
    assertThat(read).isEqualTo(secured);
    assertThat(read.environment())
        .containsEntry("CASSANDRA_PASSWORD", "s3cr3t")
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
  }

  @Test
  void should_keep_the_ready_file_to_its_owner(@TempDir Path dir) throws Exception {
    // given
    Path file = dir.resolve("ready.properties");

    // when
    new StackAddresses("k:1", "c:2", "dc", 1, Map.of()).writeTo(file);

    // then
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }
}
