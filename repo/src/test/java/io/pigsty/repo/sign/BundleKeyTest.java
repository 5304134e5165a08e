package io.pigsty.repo.sign;

import static io.pigsty.repo.sign.SignFixtures.KEY_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleKeyTest {

  private static final byte[] RELEASE =
      ("Origin: Pigsty\nLabel: Pigsty\nSuite: d12\nCodename: bookworm\n"
              + "SHA256:\n 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef 1234 main/binary-amd64/Packages\n")
          .getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;

  @Test
  void loadOrCreate_createThenLoad_givesSameFingerprintAndPrivateModes() throws Exception {
    Path dir = tmp.resolve("keys");
    BundleKey created = BundleKey.loadOrCreate(dir, "Pigsty Test <test@example.org>");
    Path secret = dir.resolve(BundleKey.SECRET_FILE);

    assertThat(created.fingerprint()).matches("[0-9A-F]{40}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(Files.readString(secret)).startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(secret);
    }

    String before = Files.readString(secret);
    BundleKey loaded = BundleKey.loadOrCreate(dir, "ignored <x@example.org>");
    assertThat(loaded.fingerprint()).isEqualTo(created.fingerprint());
    assertThat(loaded.publicKeyring()).isEqualTo(created.publicKeyring());
    assertThat(Files.readString(secret)).as("loading must not rewrite the key").isEqualTo(before);
  }

  @Test
  void loadOrCreate_concurrentFirstRuns_endWithOneKeyThatAllOfThemUse() throws Exception {
    Path dir = tmp.resolve("race/keys");
    int callers = 4;
    CyclicBarrier start = new CyclicBarrier(callers);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<String>> fingerprints = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        fingerprints.add(
            pool.submit(
                () -> {
                  start.await();
                  return BundleKey.loadOrCreate(dir, "Race <race@example.org>").fingerprint();
                }));
      }
      Set<String> seen = new HashSet<>();
      for (Future<String> f : fingerprints) {
        seen.add(f.get(120, TimeUnit.SECONDS));
      }
      assertThat(seen).hasSize(1);
      assertThat(BundleKey.load(dir.resolve(BundleKey.SECRET_FILE)).fingerprint())
          .isEqualTo(seen.iterator().next());
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files)
            .as("no temporary file left")
            .containsExactly(dir.resolve(BundleKey.SECRET_FILE));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void load_secretFileReadableByOthers_isRejected() throws Exception {
    Path dir = tmp.resolve("keys");
    BundleKey.loadOrCreate(dir, "Pigsty Test <test@example.org>");
    Path secret = dir.resolve(BundleKey.SECRET_FILE);
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> BundleKey.loadOrCreate(dir, "x"))
        .isInstanceOf(SignatureException.class)
        .hasMessageStartingWith(secret.toString() + ": ")
        .hasMessageContaining("rw-r--r--");
  }

  @Test
  void load_fileThatIsNotASecretKey_isRejected() throws Exception {
    Path file = tmp.resolve(BundleKey.SECRET_FILE);
    Files.writeString(file, SignFixtures.keyA().publicKeyArmored());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> BundleKey.load(file))
        .isInstanceOf(SignatureException.class)
        .hasMessageStartingWith(file + ": not an OpenPGP secret key");
  }

  @Test
  void clearSign_output_verifiesWithClearSignedAndWithRealGpgv() throws Exception {
    BundleKey key = SignFixtures.keyA();
    byte[] signed = key.clearSign(RELEASE);
    String text = new String(signed, StandardCharsets.UTF_8);
    assertThat(text)
        .startsWith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Pigsty\n")
        .contains("\n-----BEGIN PGP SIGNATURE-----\n")
        .endsWith("-----END PGP SIGNATURE-----\n")
        .doesNotContain("Version:")
        .doesNotContain("\r");

    ClearSigned.Verified v =
        ClearSigned.verify(signed, TrustedKeys.of(key.publicKeyring()), "InRelease");
    assertThat(v.signedText()).isEqualTo(RELEASE);
    assertThat(v.goodKeyFingerprints()).containsExactly(key.fingerprint());

    Path file = tmp.resolve("InRelease");
    Files.write(file, signed);
    SignFixtures.GpgvResult gpgv = SignFixtures.gpgv(tmp, key.publicKeyring(), file.toString());
    assertThat(gpgv.exitCode()).as(gpgv.output()).isZero();
    assertThat(gpgv.output()).contains("Good signature from \"Test A <a@example.org>\"");
  }

  @Test
  void clearSign_gpgvRejectsTamperedOutput() throws Exception {
    BundleKey key = SignFixtures.keyA();
    String signed =
        new String(key.clearSign(RELEASE, KEY_TIME.plusSeconds(5)), StandardCharsets.UTF_8);
    Path file = tmp.resolve("InRelease");
    Files.writeString(file, signed.replace("Suite: d12", "Suite: d13"));
    SignFixtures.GpgvResult gpgv = SignFixtures.gpgv(tmp, key.publicKeyring(), file.toString());
    assertThat(gpgv.exitCode()).as(gpgv.output()).isNotZero();
    assertThat(gpgv.output()).contains("BAD signature");
  }

  @Test
  void detachSign_armoredAndBinary_verifyWithDetachedAndWithRealGpgv() throws Exception {
    BundleKey key = SignFixtures.keyA();
    Path data = tmp.resolve("Release");
    Files.write(data, RELEASE);
    for (boolean armored : new boolean[] {true, false}) {
      byte[] sig = key.detachSign(RELEASE, armored);
      assertThat(
              new String(sig, StandardCharsets.ISO_8859_1)
                  .startsWith("-----BEGIN PGP SIGNATURE-----"))
          .isEqualTo(armored);
      assertThat(Detached.verify(RELEASE, sig, TrustedKeys.of(key.publicKeyring()), "Release.gpg"))
          .containsExactly(key.fingerprint());

      Path sigFile = tmp.resolve(armored ? "Release.asc" : "Release.gpg");
      Files.write(sigFile, sig);
      SignFixtures.GpgvResult gpgv =
          SignFixtures.gpgv(tmp, key.publicKeyring(), sigFile.toString(), data.toString());
      assertThat(gpgv.exitCode()).as(gpgv.output()).isZero();
      assertThat(gpgv.output()).contains("Good signature");
    }
  }

  @Test
  void clearSign_sameInputsAndTime_giveByteIdenticalOutput() throws Exception {
    BundleKey key = SignFixtures.keyA();
    Instant t = Instant.parse("2025-05-20T12:00:00.750Z");
    byte[] first = key.clearSign(RELEASE, t);
    assertThat(key.clearSign(RELEASE, t)).isEqualTo(first);
    assertThat(key.clearSign(RELEASE, t.plusSeconds(1))).isNotEqualTo(first);
    assertThat(key.detachSign(RELEASE, true, t)).isEqualTo(key.detachSign(RELEASE, true, t));
    assertThat(key.detachSign(RELEASE, false, t)).isEqualTo(key.detachSign(RELEASE, false, t));
  }

  @Test
  void clearSign_dashLines_areEscapedAndSurviveRoundTripAndGpgv() throws Exception {
    BundleKey key = SignFixtures.keyA();
    byte[] text = "- foo\n-----X\nplain\n-\n--\n".getBytes(StandardCharsets.UTF_8);
    byte[] signed = key.clearSign(text, KEY_TIME.plusSeconds(10));
    assertThat(new String(signed, StandardCharsets.UTF_8))
        .contains("\n- - foo\n- -----X\nplain\n- -\n- --\n-----BEGIN PGP SIGNATURE-----\n");

    ClearSigned.Verified v = ClearSigned.verify(signed, TrustedKeys.of(key.publicKeyring()), "x");
    assertThat(v.signedText()).isEqualTo(text);

    Path file = tmp.resolve("dashes.asc");
    Files.write(file, signed);
    SignFixtures.GpgvResult gpgv = SignFixtures.gpgv(tmp, key.publicKeyring(), file.toString());
    assertThat(gpgv.exitCode()).as(gpgv.output()).isZero();
  }

  @Test
  void clearSign_textWithoutFinalNewlineAndCrLf_signsTheSameLines() throws Exception {
    BundleKey key = SignFixtures.keyA();
    Instant t = KEY_TIME.plusSeconds(10);
    byte[] lf = key.clearSign("A: 1\nB: 2\n".getBytes(StandardCharsets.UTF_8), t);
    assertThat(key.clearSign("A: 1\nB: 2".getBytes(StandardCharsets.UTF_8), t)).isEqualTo(lf);
    assertThat(key.clearSign("A: 1\r\nB: 2\r\n".getBytes(StandardCharsets.UTF_8), t)).isEqualTo(lf);
  }

  @Test
  void clearSign_timeBeforeKeyCreation_isRefused() {
    BundleKey key = SignFixtures.keyA();
    assertThatThrownBy(() -> key.clearSign(RELEASE, KEY_TIME.minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key.fingerprint());
  }

  @Test
  void publicKeyArmored_loadsAsTrustedKeyWithSameFingerprint() throws Exception {
    BundleKey key = SignFixtures.keyA();
    String armored = key.publicKeyArmored();
    assertThat(armored)
        .startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----\n")
        .endsWith("-----END PGP PUBLIC KEY BLOCK-----\n");
    Path asc = tmp.resolve("bundle.asc");
    Files.writeString(asc, armored);
    assertThat(TrustedKeys.load(List.of(asc)).fingerprints()).containsExactly(key.fingerprint());
  }
}
