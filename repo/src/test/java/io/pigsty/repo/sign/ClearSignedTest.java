package io.pigsty.repo.sign;

import static io.pigsty.repo.sign.SignFixtures.BOOKWORM_AUTOMATIC;
import static io.pigsty.repo.sign.SignFixtures.BOOKWORM_STABLE;
import static io.pigsty.repo.sign.SignFixtures.KEY_TIME;
import static io.pigsty.repo.sign.SignFixtures.TRIXIE_AUTOMATIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.junit.jupiter.api.Test;

class ClearSignedTest {

  private static final String SRC = "mirror.example/debian/dists/bookworm/InRelease";

  /** A time after the fixture was signed (July 2026) and before the bookworm keys expire (2031). */
  private static final Instant DEBIAN_NOW = Instant.parse("2026-08-01T00:00:00Z");

  private static String inRelease() {
    return SignFixtures.text("InRelease");
  }

  private static TrustedKeys bookwormKeys() throws SignatureException {
    return SignFixtures.keys(
        "debian-archive-bookworm-automatic",
        "debian-archive-bookworm-stable",
        "debian-archive-trixie-automatic");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void verify_debianInReleaseWithBookwormKeys_returnsSignedTextAndAllThreeSigners()
      throws Exception {
    ClearSigned.Verified v =
        ClearSigned.verify(bytes(inRelease()), bookwormKeys(), SRC, DEBIAN_NOW);

    String text = new String(v.signedText(), StandardCharsets.UTF_8);
    assertThat(text)
        .startsWith("Origin: Debian\n")
        .contains("\nSHA256:\n")
        .endsWith("\n")
        .doesNotContain("PGP")
        .doesNotContain("Hash: SHA256");
    String file = inRelease();
    String expected =
        file.substring(file.indexOf("\n\n") + 2, file.indexOf("-----BEGIN PGP SIGNATURE-----"));
    assertThat(text).isEqualTo(expected);
    assertThat(v.goodKeyFingerprints())
        .containsExactly(BOOKWORM_AUTOMATIC, TRIXIE_AUTOMATIC, BOOKWORM_STABLE);
  }

  @Test
  void verify_debianInReleaseWithOnlyEd25519StableKey_isGood() throws Exception {
    TrustedKeys keys = SignFixtures.keys("debian-archive-bookworm-stable");
    ClearSigned.Verified v = ClearSigned.verify(bytes(inRelease()), keys, SRC, DEBIAN_NOW);
    assertThat(v.goodKeyFingerprints()).containsExactly(BOOKWORM_STABLE);
  }

  @Test
  void verify_debianInReleaseWithCrLfLineEndings_isGood() throws Exception {
    byte[] crlf = bytes(inRelease().replace("\n", "\r\n"));
    ClearSigned.Verified v = ClearSigned.verify(crlf, bookwormKeys(), SRC, DEBIAN_NOW);
    assertThat(new String(v.signedText(), StandardCharsets.UTF_8))
        .startsWith("Origin: Debian\n")
        .doesNotContain("\r");
  }

  @Test
  void verify_flippedByteInSignedText_failsWithBadSignatureNamingSourceAndKey() throws Exception {
    String tampered = inRelease().replaceFirst("Origin: Debian", "Origin: Debiam");
    assertThatThrownBy(() -> ClearSigned.verify(bytes(tampered), bookwormKeys(), SRC, DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessageStartingWith(SRC + ": ")
        .hasMessageContaining("bad signature by key")
        .hasMessageContaining(BOOKWORM_AUTOMATIC);
  }

  @Test
  void verify_flippedByteInSignature_fails() throws Exception {
    String file = inRelease();
    int sigStart = file.indexOf("-----BEGIN PGP SIGNATURE-----");
    int pos = file.indexOf('\n', file.indexOf("\n\n", sigStart) + 2) + 20;
    char c = file.charAt(pos);
    String tampered = file.substring(0, pos) + (c == 'A' ? 'B' : 'A') + file.substring(pos + 1);
    assertThatThrownBy(() -> ClearSigned.verify(bytes(tampered), bookwormKeys(), SRC, DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessageStartingWith(SRC + ": ");
  }

  @Test
  void verify_bitFlippedSignatureValueWithoutCrc_failsAsBadSignature() throws Exception {
    BundleKey key = SignFixtures.keyA();
    byte[] text = bytes("Origin: Pigsty\n");
    PGPSignature sig =
        key.sign(
            PGPSignature.CANONICAL_TEXT_DOCUMENT,
            HashAlgorithmTags.SHA512,
            ClearSigned.canonical(ClearSigned.splitLines(text)),
            KEY_TIME.plusSeconds(60));
    byte[] packet = sig.getEncoded();
    packet[packet.length - 10] ^= 0x01; // inside the RSA signature value
    PGPSignature broken = SignaturePolicy.parseSignatures(packet, "test").get(0);
    byte[] msg = ClearSigned.assemble(ClearSigned.splitLines(text), "SHA512", List.of(broken));
    TrustedKeys keys = TrustedKeys.of(key.publicKeyring());
    assertThatThrownBy(() -> ClearSigned.verify(msg, keys, "t.InRelease"))
        .isInstanceOf(SignatureException.class)
        .hasMessage("t.InRelease: bad signature by key " + key.fingerprint());
  }

  @Test
  void verify_onlyBookwormSecurityKey_failsWithNoTrustedSignature() throws Exception {
    TrustedKeys keys = SignFixtures.keys("debian-archive-bookworm-security-automatic");
    assertThat(keys.fingerprints()).containsExactly(SignFixtures.BOOKWORM_SECURITY);
    assertThatThrownBy(() -> ClearSigned.verify(bytes(inRelease()), keys, SRC, DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessageStartingWith(SRC + ": no signature by a trusted key")
        .hasMessageContaining("6ED0E7B82643E131");
  }

  @Test
  void verify_freshlyGeneratedKey_failsWithNoTrustedSignature() throws Exception {
    TrustedKeys keys = TrustedKeys.of(SignFixtures.keyA().publicKeyring());
    assertThatThrownBy(() -> ClearSigned.verify(bytes(inRelease()), keys, SRC, DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessageStartingWith(SRC + ": no signature by a trusted key");
  }

  @Test
  void verify_textAppendedAfterSignature_isRejectedAndNeverReturned() throws Exception {
    String withTail =
        inRelease() + "Origin: Evil\nSHA256:\n deadbeef 1 main/binary-amd64/Packages\n";
    assertThatThrownBy(() -> ClearSigned.verify(bytes(withTail), bookwormKeys(), SRC, DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("unsigned data after the signature");
  }

  @Test
  void verify_blankLinesAfterSignature_areAllowedAndNotReturned() throws Exception {
    ClearSigned.Verified v =
        ClearSigned.verify(bytes(inRelease() + "\n\n"), bookwormKeys(), SRC, DEBIAN_NOW);
    assertThat(new String(v.signedText(), StandardCharsets.UTF_8)).doesNotContain("END PGP");
  }

  @Test
  void verify_textBeforeSignedMessage_isRejected() throws Exception {
    String withHead = "Origin: Evil\n" + inRelease();
    assertThatThrownBy(() -> ClearSigned.verify(bytes(withHead), bookwormKeys(), SRC, DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("not a clear-signed message");
  }

  @Test
  void verify_fileWithNoSignature_fails() throws Exception {
    String file = inRelease();
    String plain =
        file.substring(file.indexOf("\n\n") + 2, file.indexOf("-----BEGIN PGP SIGNATURE-----"));
    assertThatThrownBy(
            () -> ClearSigned.verify(bytes(plain), bookwormKeys(), "Release", DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessage(
            "Release: not a clear-signed message: it does not start with "
                + "-----BEGIN PGP SIGNED MESSAGE-----");
  }

  @Test
  void verify_signatureBlockCutOff_failsAsMalformedArmor() throws Exception {
    String file = inRelease();
    String cut = file.substring(0, file.indexOf("-----END PGP SIGNATURE-----"));
    assertThatThrownBy(() -> ClearSigned.verify(bytes(cut), bookwormKeys(), SRC, DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("malformed armor");
  }

  @Test
  void verify_unexpectedArmorHeader_isRejected() throws Exception {
    String file = inRelease().replaceFirst("Hash: SHA256\n", "Hash: SHA256\nNotDashEscaped: yes\n");
    assertThatThrownBy(() -> ClearSigned.verify(bytes(file), bookwormKeys(), SRC, DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("unexpected header");
  }

  @Test
  void verify_hashHeaderContradictingSignature_failsWithDigestConflict() throws Exception {
    BundleKey key = SignFixtures.keyA();
    String signed =
        new String(key.clearSign(bytes("A: b\n"), KEY_TIME.plusSeconds(60)), StandardCharsets.UTF_8)
            .replace("Hash: SHA512", "Hash: SHA256");
    assertThatThrownBy(
            () -> ClearSigned.verify(bytes(signed), TrustedKeys.of(key.publicKeyring()), "x"))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("digest conflict");
  }

  @Test
  void verify_goodByOneTrustedKeyAndBadByAnotherTrustedKey_failsWholeFile() throws Exception {
    BundleKey a = SignFixtures.keyA();
    BundleKey b = SignFixtures.keyB();
    List<String> lines = List.of("Origin: Pigsty", "Suite: d12");
    Instant t = KEY_TIME.plusSeconds(60);
    PGPSignature good =
        a.sign(
            PGPSignature.CANONICAL_TEXT_DOCUMENT,
            HashAlgorithmTags.SHA512,
            ClearSigned.canonical(lines),
            t);
    PGPSignature bad =
        b.sign(
            PGPSignature.CANONICAL_TEXT_DOCUMENT,
            HashAlgorithmTags.SHA512,
            ClearSigned.canonical(List.of("Origin: Other")),
            t);
    byte[] msg = ClearSigned.assemble(lines, "SHA512", List.of(good, bad));

    TrustedKeys both = TrustedKeys.of(concat(a.publicKeyring(), b.publicKeyring()));
    assertThat(both.fingerprints()).containsExactly(a.fingerprint(), b.fingerprint());
    assertThatThrownBy(() -> ClearSigned.verify(msg, both, "x"))
        .isInstanceOf(SignatureException.class)
        .hasMessage("x: bad signature by key " + b.fingerprint());

    ClearSigned.Verified onlyA = ClearSigned.verify(msg, TrustedKeys.of(a.publicKeyring()), "x");
    assertThat(onlyA.goodKeyFingerprints()).containsExactly(a.fingerprint());
    assertThat(new String(onlyA.signedText(), StandardCharsets.UTF_8))
        .isEqualTo("Origin: Pigsty\nSuite: d12\n");
  }

  @Test
  void verify_sha1Signature_isRejectedAsWeakDigest() throws Exception {
    BundleKey key = SignFixtures.keyA();
    List<String> lines = List.of("Origin: Pigsty");
    PGPSignature sha1 =
        key.sign(
            PGPSignature.CANONICAL_TEXT_DOCUMENT,
            HashAlgorithmTags.SHA1,
            ClearSigned.canonical(lines),
            KEY_TIME.plusSeconds(60));
    byte[] msg = ClearSigned.assemble(lines, "SHA1", List.of(sha1));
    assertThatThrownBy(() -> ClearSigned.verify(msg, TrustedKeys.of(key.publicKeyring()), "x"))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("no signature by a trusted key")
        .hasMessageContaining("weak digest SHA1");
  }

  @Test
  void verify_signatureMadeAfterKeyExpiry_doesNotCount() throws Exception {
    BundleKey expiring = TestKeys.expiringKey(KEY_TIME, Duration.ofDays(1));
    byte[] msg = expiring.clearSign(bytes("A: b\n"), KEY_TIME.plus(Duration.ofDays(2)));
    TrustedKeys keys = TrustedKeys.of(expiring.publicKeyring());
    assertThatThrownBy(() -> ClearSigned.verify(msg, keys, "x", KEY_TIME.plus(Duration.ofDays(3))))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("after the key expired");
  }

  @Test
  void verify_signatureMadeBeforeExpiryCheckedAfterIt_doesNotCountButCheckedBefore_isGood()
      throws Exception {
    BundleKey expiring = TestKeys.expiringKey(KEY_TIME, Duration.ofDays(1));
    byte[] msg = expiring.clearSign(bytes("A: b\n"), KEY_TIME.plus(Duration.ofHours(1)));
    TrustedKeys keys = TrustedKeys.of(expiring.publicKeyring());
    assertThat(
            ClearSigned.verify(msg, keys, "x", KEY_TIME.plus(Duration.ofHours(2)))
                .goodKeyFingerprints())
        .containsExactly(expiring.fingerprint());
    assertThatThrownBy(() -> ClearSigned.verify(msg, keys, "x", KEY_TIME.plus(Duration.ofDays(2))))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("key expired");
  }

  @Test
  void verify_revokedKey_doesNotCount() throws Exception {
    BundleKey key = SignFixtures.keyA();
    byte[] msg = key.clearSign(bytes("A: b\n"), KEY_TIME.plusSeconds(60));
    TrustedKeys revoked =
        TrustedKeys.of(TestKeys.revokedPublicKeyring(key, KEY_TIME.plusSeconds(120)));
    assertThatThrownBy(() -> ClearSigned.verify(msg, revoked, "x"))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("key revoked");
  }

  @Test
  void verify_unescapedDashLineInBody_isRejected() throws Exception {
    BundleKey key = SignFixtures.keyA();
    String signed =
        new String(key.clearSign(bytes("-x\n"), KEY_TIME.plusSeconds(60)), StandardCharsets.UTF_8)
            .replace("- -x", "-x");
    assertThatThrownBy(
            () -> ClearSigned.verify(bytes(signed), TrustedKeys.of(key.publicKeyring()), "x"))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("not dash-escaped");
  }

  @Test
  void verify_debianSubkeyWithBindingSignatureRemoved_doesNotCount() throws Exception {
    PGPPublicKeyRing ring =
        new PGPPublicKeyRing(
            SignFixtures.resource("debian-archive-bookworm-automatic.gpg"),
            new BcKeyFingerprintCalculator());
    PGPPublicKey sub = ring.getPublicKey(Long.parseUnsignedLong("6ED0E7B82643E131", 16));
    PGPPublicKey stripped = sub;
    for (Iterator<PGPSignature> it = sub.getSignaturesOfType(PGPSignature.SUBKEY_BINDING);
        it.hasNext(); ) {
      stripped = PGPPublicKey.removeCertification(stripped, it.next());
    }
    PGPPublicKeyRing forged = PGPPublicKeyRing.insertPublicKey(ring, stripped);
    assertThat(forged.getPublicKey(sub.getKeyID()).getSignatures().hasNext()).isFalse();

    TrustedKeys keys = TrustedKeys.of(forged.getEncoded(true));
    assertThatThrownBy(() -> ClearSigned.verify(bytes(inRelease()), keys, SRC, DEBIAN_NOW))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("no signature by a trusted key")
        .hasMessageContaining("has no valid binding signature");
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
