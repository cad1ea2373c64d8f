package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackAddressesTest {

  /** A secured stack's addresses: the operator's credentials and the access service's. */
  private static final StackAddresses SECURED =
      new StackAddresses(
          "127.0.0.1:9092",
          "127.0.0.1:9042",
          "datacenter1",
          1,
          Map.of(
              "smack.CASSANDRA_USERNAME", "smack",
              "smack.CASSANDRA_PASSWORD", "s3cr3t",
              "access.CASSANDRA_USERNAME", "access",
              "access.CASSANDRA_PASSWORD", "0th3r"));

  @Test
  void should_carry_a_secured_stacks_credentials_through_its_ready_file(@TempDir Path dir) {
    // given
    Path file = dir.resolve("ready.properties");

    // when
    SECURED.writeTo(file);
    StackAddresses read = StackAddresses.readFrom(file);

    // then
    assertThat(read).isEqualTo(SECURED);
    assertThat(read.environment())
        .containsEntry("CASSANDRA_PASSWORD", "s3cr3t")
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
  }

  @Test
  void should_give_each_principal_its_own_credentials_and_no_one_elses() {
    // when
    Map<String, String> access = SECURED.environment(Principal.ACCESS);

    // then
    assertThat(access)
        .containsEntry("CASSANDRA_USERNAME", "access")
        .containsEntry("CASSANDRA_PASSWORD", "0th3r")
        .containsEntry("CASSANDRA_CONTACT_POINTS", "127.0.0.1:9042")
        .doesNotContainValue("s3cr3t")
        .allSatisfy((name, value) -> assertThat(name).doesNotContain("."));
    assertThat(SECURED.environment(Principal.COLLECTOR)).doesNotContainKey("CASSANDRA_PASSWORD");
  }

  @Test
  void should_tell_the_jobs_of_a_secured_stack_to_leave_the_schema_alone() {
    // then: their users may not change it, the stack applied it as its admin
    assertThat(SECURED.environment(Principal.INGEST))
        .containsEntry("INGEST_CREATE_SCHEMA", "false");
    assertThat(SECURED.environment(Principal.TRAINING))
        .containsEntry("TRAINING_CREATE_SCHEMA", "false");
    assertThat(SECURED.environment(Principal.ACCESS)).doesNotContainKey("INGEST_CREATE_SCHEMA");
    // and on a stack without security each job applies it, as bin/smack up runs them
    StackAddresses open = new StackAddresses("k:1", "c:2", "dc", 1, Map.of());
    assertThat(open.environment(Principal.INGEST)).doesNotContainKey("INGEST_CREATE_SCHEMA");
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
