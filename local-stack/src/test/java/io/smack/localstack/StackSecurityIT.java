package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured stack's key material, made by the JDK's keytool: owner-only files, a certificate
 * valid for a year, renewed at a start that finds it about to expire. An IT: keytool is a process.
 */
class StackSecurityIT {

  private static final List<String> HOSTS = List.of("127.0.0.1");

  @Test
  void should_make_a_year_long_certificate_in_files_its_owner_alone_reads(@TempDir Path dir) {
    // when
    StackSecurity security = StackSecurity.prepare(dir.resolve("security"), HOSTS);

    // then
    assertThat(security.keystore().expires()).isAfter(Instant.now().plus(Duration.ofDays(360)));
    assertThat(permissions(dir.resolve("security"))).isEqualTo("rwx------");
    for (String file : List.of("server.p12", "truststore.p12", "credentials.properties")) {
      assertThat(permissions(dir.resolve("security").resolve(file)))
          .as(file)
          .isEqualTo("rw-------");
    }
    assertThat(security.toString())
        .doesNotContain(security.passwords().values())
        .doesNotContain(security.adminPassword())
        .doesNotContain(security.keystore().password());
    assertThat(Set.copyOf(security.passwords().values()))
        .as("a password of its own for each principal")
        .hasSize(Principal.values().length);
  }

  @Test
  void should_give_the_principals_of_a_stack_made_before_them_their_passwords(@TempDir Path dir)
      throws Exception {
    // given a stack made when every part logged in as one user
    Path folder = dir.resolve("security");
    StackSecurity.prepare(folder, HOSTS);
    Path credentials = folder.resolve("credentials.properties");
    Properties before = new Properties();
    try (Reader in = Files.newBufferedReader(credentials)) {
      before.load(in);
    }
    String user = before.getProperty("user.password");
    before
        .keySet()
        .removeIf(
            key -> !List.of("keystore.password", "admin.password", "user.password").contains(key));
    try (Writer out = Files.newBufferedWriter(credentials)) {
      before.store(out, null);
    }

    // when it starts again
    StackSecurity again = StackSecurity.prepare(folder, HOSTS);

    // then the operator keeps that user's password, and the others have theirs, kept
    assertThat(again.passwords())
        .containsEntry(Principal.OPERATOR, user)
        .hasSize(Principal.values().length);
    assertThat(StackSecurity.prepare(folder, HOSTS).passwords()).isEqualTo(again.passwords());
    assertThat(permissions(credentials)).isEqualTo("rw-------");
  }

  @Test
  void should_renew_a_certificate_that_expires_within_a_month_at_the_next_start(@TempDir Path dir) {
    // given: a stack whose certificate has 20 days left
    Path folder = dir.resolve("security");
    StackSecurity first = StackSecurity.prepare(folder, HOSTS);
    SelfSignedKeystore.create(folder, HOSTS, first.keystore().password(), Duration.ofDays(20));
    Instant soon = first.keystore().expires();

    // when: it starts again
    StackSecurity again =
        StackSecurity.prepare(folder, HOSTS, Clock.fixed(Instant.now(), ZoneOffset.UTC));

    // then: a new year-long certificate, the same passwords, and a truststore that trusts it
    assertThat(soon).isBefore(Instant.now().plus(Duration.ofDays(21)));
    assertThat(again.keystore().expires()).isAfter(Instant.now().plus(Duration.ofDays(360)));
    assertThat(again.passwords()).isEqualTo(first.passwords());
    assertThat(again.keystore().password()).isEqualTo(first.keystore().password());
    assertThat(new SelfSignedKeystore(again.truststore(), again.keystore().password()).expires())
        .isEqualTo(again.keystore().expires());
  }

  private static String permissions(Path path) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
