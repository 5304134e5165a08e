package io.pigsty.repo.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedKeysTest {

  @TempDir Path tmp;

  private Path copy(String keyring) throws Exception {
    Path file = tmp.resolve(keyring + ".gpg");
    Files.write(file, SignFixtures.resource(keyring + ".gpg"));
    return file;
  }

  @Test
  void load_debianBinaryKeyrings_givesPrimaryFingerprintsInFileOrder() throws Exception {
    TrustedKeys keys =
        TrustedKeys.load(
            List.of(
                copy("debian-archive-bookworm-automatic"),
                copy("debian-archive-bookworm-stable"),
                copy("debian-archive-trixie-automatic")));
    assertThat(keys.fingerprints())
        .containsExactly(
            SignFixtures.BOOKWORM_AUTOMATIC,
            SignFixtures.BOOKWORM_STABLE,
            SignFixtures.TRIXIE_AUTOMATIC);
  }

  @Test
  void load_signingSubkeyOfDebianKey_isUsableAndMapsToPrimary() throws Exception {
    TrustedKeys keys = TrustedKeys.load(List.of(copy("debian-archive-bookworm-automatic")));
    List<TrustedKeys.KeyInfo> sub = keys.byFingerprint("4CB50190207B4758A3F73A796ED0E7B82643E131");
    assertThat(sub).hasSize(1);
    assertThat(sub.get(0).unusable()).isNull();
    assertThat(sub.get(0).primaryFingerprint()).isEqualTo(SignFixtures.BOOKWORM_AUTOMATIC);
    assertThat(sub.get(0).expires().toString()).startsWith("2031-01-19");
  }

  @Test
  void load_armoredFileWithTwoKeyBlocks_readsBoth() throws Exception {
    Path asc = tmp.resolve("two.asc");
    Files.writeString(
        asc,
        "comment before\n"
            + SignFixtures.keyA().publicKeyArmored()
            + "\n"
            + SignFixtures.keyB().publicKeyArmored());
    assertThat(TrustedKeys.load(List.of(asc)).fingerprints())
        .containsExactly(SignFixtures.keyA().fingerprint(), SignFixtures.keyB().fingerprint());
  }

  @Test
  void load_garbage_failsNamingTheFile() throws Exception {
    Path bad = tmp.resolve("bad.gpg");
    Files.writeString(bad, "this is not a keyring\n");
    assertThatThrownBy(() -> TrustedKeys.load(List.of(bad)))
        .isInstanceOf(SignatureException.class)
        .hasMessageStartingWith(bad + ": ");
  }

  @Test
  void load_gnupgKeybox_isRejectedWithHint() throws Exception {
    Path kbx = tmp.resolve("pubring.kbx");
    byte[] header = new byte[32];
    header[3] = 32;
    header[4] = 1;
    header[8] = 'K';
    header[9] = 'B';
    header[10] = 'X';
    header[11] = 'f';
    Files.write(kbx, header);
    assertThatThrownBy(() -> TrustedKeys.load(List.of(kbx)))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("keybox");
  }

  @Test
  void load_secretKeyFile_isRejected() throws Exception {
    Path dir = tmp.resolve("k");
    BundleKey.loadOrCreate(dir, "Secret <s@example.org>");
    Path secret = dir.resolve(BundleKey.SECRET_FILE);
    assertThatThrownBy(() -> TrustedKeys.load(List.of(secret)))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("secret key");
  }

  @Test
  void load_emptyList_trustsNothing() throws Exception {
    TrustedKeys none = TrustedKeys.load(List.of());
    assertThat(none.fingerprints()).isEmpty();
    BundleKey key = SignFixtures.keyA();
    assertThatThrownBy(
            () ->
                ClearSigned.verify(
                    key.clearSign("A: 1\n".getBytes(StandardCharsets.UTF_8)), none, "x"))
        .hasMessageContaining("no signature by a trusted key");
  }
}
