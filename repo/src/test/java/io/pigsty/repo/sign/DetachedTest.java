package io.pigsty.repo.sign;

import static io.pigsty.repo.sign.SignFixtures.KEY_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DetachedTest {

  private static final String SRC = "mirror.example/debian/dists/bookworm/Release.gpg";

  /** After the fixture was signed (July 2026), before the bookworm keys expire (2031). */
  private static final Instant DEBIAN_NOW = Instant.parse("2026-08-01T00:00:00Z");

  private static TrustedKeys bookwormKeys() throws SignatureException {
    return SignFixtures.keys("debian-archive-bookworm-automatic", "debian-archive-bookworm-stable");
  }

  @Test
  void verify_debianReleaseGpg_isGoodAndIgnoresTheUnknownTrixieSignature() throws Exception {
    assertThat(
            Detached.verify(
                SignFixtures.resource("Release"),
                SignFixtures.resource("Release.gpg"),
                bookwormKeys(),
                SRC,
                DEBIAN_NOW))
        .containsExactly(SignFixtures.BOOKWORM_AUTOMATIC, SignFixtures.BOOKWORM_STABLE);
  }

  @Test
  void verify_debianReleaseWithOneByteChanged_failsWithBadSignature() throws Exception {
    byte[] data = SignFixtures.resource("Release");
    data[100] ^= 0x20;
    assertThatThrownBy(
            () ->
                Detached.verify(
                    data, SignFixtures.resource("Release.gpg"), bookwormKeys(), SRC, DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessageStartingWith(SRC + ": bad signature by key ");
  }

  @Test
  void verify_debianReleaseGpgWithOnlySecurityKey_failsWithNoTrustedSignature() throws Exception {
    TrustedKeys keys = SignFixtures.keys("debian-archive-bookworm-security-automatic");
    assertThatThrownBy(
            () ->
                Detached.verify(
                    SignFixtures.resource("Release"),
                    SignFixtures.resource("Release.gpg"),
                    keys,
                    SRC,
                    DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessageStartingWith(SRC + ": no signature by a trusted key");
  }

  @Test
  void verify_armorWithBrokenChecksum_failsAsMalformedArmor() throws Exception {
    BundleKey key = SignFixtures.keyA();
    byte[] data = "<repomd/>\n".getBytes(StandardCharsets.UTF_8);
    String armored =
        new String(key.detachSign(data, true, KEY_TIME.plusSeconds(1)), StandardCharsets.US_ASCII);
    int crc = armored.lastIndexOf("\n=") + 2;
    String broken =
        armored.substring(0, crc)
            + (armored.charAt(crc) == 'A' ? 'B' : 'A')
            + armored.substring(crc + 1);
    assertThatThrownBy(
            () ->
                Detached.verify(
                    data,
                    broken.getBytes(StandardCharsets.US_ASCII),
                    TrustedKeys.of(key.publicKeyring()),
                    "repomd.xml.asc"))
        .isInstanceOf(SignatureException.class)
        .hasMessageStartingWith("repomd.xml.asc: malformed armor");
  }

  @Test
  void verify_publicKeyGivenAsSignature_isRejected() throws Exception {
    BundleKey key = SignFixtures.keyA();
    assertThatThrownBy(
            () ->
                Detached.verify(
                    new byte[] {1},
                    key.publicKeyring(),
                    TrustedKeys.of(key.publicKeyring()),
                    "repomd.xml.asc"))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("not a detached signature");
  }

  @Test
  void verify_emptySignature_failsWithNoSignatureFound() throws Exception {
    assertThatThrownBy(
            () ->
                Detached.verify(
                    new byte[] {1},
                    new byte[0],
                    TrustedKeys.of(SignFixtures.keyA().publicKeyring()),
                    "repomd.xml.asc"))
        .isInstanceOf(SignatureException.class)
        .hasMessage("repomd.xml.asc: no signature found");
  }

  @Test
  void verify_signatureByOtherGeneratedKey_failsWithNoTrustedSignature() throws Exception {
    byte[] data = "<repomd/>\n".getBytes(StandardCharsets.UTF_8);
    byte[] sig = SignFixtures.keyB().detachSign(data, false, KEY_TIME.plusSeconds(1));
    assertThatThrownBy(
            () ->
                Detached.verify(
                    data, sig, TrustedKeys.of(SignFixtures.keyA().publicKeyring()), "s"))
        .isInstanceOf(SignatureException.class)
        .hasMessageStartingWith(
            "s: no signature by a trusted key (signed by unknown key "
                + SignFixtures.keyB().fingerprint());
  }
}
