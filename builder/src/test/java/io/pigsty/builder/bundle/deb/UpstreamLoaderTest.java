package io.pigsty.builder.bundle.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class UpstreamLoaderTest {
  @Test
  void readBounded_returnsAStreamOfExactlyTheBound() throws Exception {
    assertThat(UpstreamLoader.readBounded(new ByteArrayInputStream(new byte[10]), 10)).hasSize(10);
  }

  @Test
  void readBounded_isNullOneBytePastTheBoundAndReadsNoFurther() throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(new byte[1000]);
    assertThat(UpstreamLoader.readBounded(in, 10)).isNull();
    assertThat(in.available()).isEqualTo(1000 - 11);
  }
}
