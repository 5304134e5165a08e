package io.pigsty.builder.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The arithmetic of {@link Writers.Outcome} on a writer log, without docker. */
class WritersTest {
  static final String LOG =
      """
      ok 1 100.000
      ok 2 100.010
      ok 3 100.500
      err 4 101.000 server closed the connection unexpectedly
      err 4 103.000 connection to server at "10.10.10.11", port 5433 failed: timeout expired
      ok 4 109.250
      ok 5 109.260
      done
      """;

  @Test
  void theOutageIsTheLongestGapEndingAfterTheKillNotTheFirstAcknowledgementAfterIt() {
    Writers.Outcome o = Writers.parse("w", LOG);
    assertThat(o.acks()).hasSize(5);
    assertThat(o.errors()).hasSize(2);
    // the kill at 100.005: one more acknowledgement (100.010) came before the node died
    assertThat(o.outageAfter(100.005)).isCloseTo(8.75, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(o.outageAfter(109.255)).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(o.outageAfter(110)).isNaN();
    assertThat(o.maxGap()).isCloseTo(8.75, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void lostRowsAreAcknowledgedIdsMissingFromTheTable() {
    Writers.Outcome o = Writers.parse("w", LOG);
    assertThat(o.lost(Set.of(1L, 2L, 3L, 4L, 5L))).isEmpty();
    assertThat(o.lost(Set.of(1L, 2L, 4L))).containsExactly(3L, 5L);
  }
}
