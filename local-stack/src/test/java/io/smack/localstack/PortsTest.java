package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class PortsTest {

  @RepeatedTest(20)
  void should_give_distinct_ports_for_every_zero() {
    // when
    List<Integer> ports = Ports.claim(List.of(0, 0, 0, 0), List.of("a", "b", "c", "d"));

    // then
    assertThat(ports).doesNotHaveDuplicates().allMatch(port -> port > 0);
  }

  @Test
  void should_name_who_wanted_a_port_that_is_taken() throws Exception {
    // given
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(Ports.HOST, 0));
      int port = taken.getLocalPort();

      // when / then
      assertThatThrownBy(() -> Ports.claim(List.of(0, port), List.of("Kafka", "Cassandra (CQL)")))
          .isInstanceOf(StackStartException.class)
          .hasMessageContaining("port " + port + " for Cassandra (CQL) is in use");
    }
  }
}
