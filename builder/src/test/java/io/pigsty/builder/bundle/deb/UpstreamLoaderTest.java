package io.pigsty.builder.bundle.deb;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.repo.sign.BundleKey;
import io.pigsty.repo.sign.ClearSigned;
import io.pigsty.repo.sign.TrustedKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UpstreamLoaderTest {
  @Test
  void unverifiedText_isExactlyWhatVerificationReturns() throws Exception {
    BundleKey key = BundleKey.generate("t", Instant.parse("2026-01-01T00:00:00Z"));
    String text = "Origin: X\nSuite: s\n- dashed line\n-----BEGIN not armor\ntrailing   \n";
    byte[] signed =
        key.clearSign(text.getBytes(StandardCharsets.UTF_8), Instant.parse("2026-01-02T00:00:00Z"));
    byte[] verified =
        ClearSigned.verify(signed, TrustedKeys.of(key.publicKeyring()), "t").signedText();
    assertThat(UpstreamLoader.unverifiedText(signed)).isEqualTo(verified);
  }

  @Test
  void unverifiedText_isNullWithoutArmor() {
    assertThat(UpstreamLoader.unverifiedText("Origin: X\n".getBytes(StandardCharsets.UTF_8)))
        .isNull();
  }
}
