package io.smack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smack.bench.Wrk.Report;
import org.junit.jupiter.api.Test;

class WrkTest {

  @Test
  void should_read_rate_percentiles_in_milliseconds_and_every_error() {
    // given: a report of wrk 4.1 with --latency
    String out =
        """
        Running 10s test @ http://127.0.0.1:8080/quotes/AAPL/latest
          2 threads and 32 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     2.10ms    1.05ms  20.31ms   85.12%
            Req/Sec     7.71k   512.33     8.90k    70.00%
          Latency Distribution
             50%  850.00us
             75%    2.50ms
             90%    3.20ms
             99%    1.54s
          153421 requests in 10.00s, 40.12MB read
          Socket errors: connect 0, read 2, write 0, timeout 1
          Non-2xx or 3xx responses: 3
        Requests/sec:  15342.10
        Transfer/sec:      4.01MB
        """;

    // when
    Report report = Wrk.parse(out);

    // then
    assertThat(report).isEqualTo(new Report(15342.10, 0.85, 1540.0, 6));
  }

  @Test
  void should_refuse_output_that_is_not_a_report() {
    assertThatThrownBy(() -> Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused"))
        .hasMessageStartingWith("no Requests/sec in wrk's report");
  }
}
