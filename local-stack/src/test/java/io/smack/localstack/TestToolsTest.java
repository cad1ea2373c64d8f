package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class TestToolsTest {

  private final String before = System.getProperty(TestTools.PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(TestTools.PROPERTY);
    } else {
      System.setProperty(TestTools.PROPERTY, before);
    }
  }

  @Test
  void should_fail_naming_a_missing_tool_when_the_test_command_requires_them() {
    // given: run as bin/smack test runs it
    System.setProperty(TestTools.PROPERTY, "required");

    // then: a failure, not a skip
    assertThatThrownBy(() -> TestTools.required("HAProxy", Optional.empty(), "apt-get install"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("HAProxy is not installed (apt-get install)");
  }

  @Test
  void should_skip_saying_why_when_run_on_its_own() {
    // given: a test run alone
    System.clearProperty(TestTools.PROPERTY);

    // then
    assertThatThrownBy(() -> TestTools.required("Chromium", Optional.empty(), "apt-get install"))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("Chromium is not installed");
    assertThat(TestTools.required("Chromium", Optional.of("/usr/bin/chromium"), ""))
        .isEqualTo("/usr/bin/chromium");
  }
}
