package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.repo.sign.BundleKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pigsty sign} and {@code pigsty verify --sums}: a release directory, good and damaged. */
class ReleaseVerifyTest {
  @TempDir Path tmp;
  Path dist;
  Path keyDir;

  @BeforeEach
  void release() throws Exception {
    dist = Files.createDirectories(tmp.resolve("dist"));
    keyDir = tmp.resolve("key");
    Files.write(
        dist.resolve("pigsty-4.0.0.tgz"),
        "release tarball bytes".getBytes(StandardCharsets.US_ASCII));
    Files.write(
        dist.resolve("pigsty-pkg-4.0.0.d12.amd64.tgz"),
        "bundle bytes".getBytes(StandardCharsets.US_ASCII));
    // written by sha256sum, the format users check with 'sha256sum -c'
    Process p =
        new ProcessBuilder(
                "sh",
                "-c",
                "sha256sum pigsty-4.0.0.tgz pigsty-pkg-4.0.0.d12.amd64.tgz > SHA256SUMS")
            .directory(dist.toFile())
            .inheritIO()
            .start();
    assertThat(p.waitFor()).isZero();
    MainTest.Run r =
        MainTest.run(
            "sign",
            "--key-dir",
            keyDir.toString(),
            "--keyring",
            dist.resolve("pigsty.gpg").toString(),
            dist.resolve("SHA256SUMS").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(dist.resolve("SHA256SUMS.asc")))
        .startsWith("-----BEGIN PGP SIGNATURE-----");
  }

  private MainTest.Run verify(String... extra) {
    String[] args = new String[2 + extra.length];
    args[0] = "verify";
    args[1] = "--sums=" + dist.resolve("SHA256SUMS");
    System.arraycopy(extra, 0, args, 2, extra.length);
    return MainTest.run(args);
  }

  private String fingerprint() throws Exception {
    return BundleKey.load(keyDir.resolve(BundleKey.SECRET_FILE)).fingerprint();
  }

  private static void flip(Path f, int at) throws Exception {
    byte[] b = Files.readAllBytes(f);
    b[at] ^= 0x01;
    Files.write(f, b);
  }

  @Test
  void verifySums_goodReleaseWithShippedKeyFileOrFingerprint() throws Exception {
    MainTest.Run r = verify();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("OK, 2 files", fingerprint(), "pin it with --key");
    assertThat(verify("--key", fingerprint()).code()).isZero();
    assertThat(verify("--key", dist.resolve("pigsty.gpg").toString()).code()).isZero();
  }

  @Test
  void verifySums_gpgvAcceptsTheSignature() throws Exception {
    Process p =
        new ProcessBuilder(
                "gpgv",
                "--keyring",
                dist.resolve("pigsty.gpg").toString(),
                dist.resolve("SHA256SUMS.asc").toString(),
                dist.resolve("SHA256SUMS").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).contains("Good signature");
  }

  @Test
  void verifySums_flippedByteInAListedFileExits8NamingIt() throws Exception {
    flip(dist.resolve("pigsty-pkg-4.0.0.d12.amd64.tgz"), 3);
    MainTest.Run r = verify();
    assertThat(r.code()).isEqualTo(ExitCode.BUNDLE.code);
    assertThat(r.err())
        .contains("pigsty-pkg-4.0.0.d12.amd64.tgz: SHA256")
        .doesNotContain("pigsty-4.0.0.tgz: SHA256");
  }

  @Test
  void verifySums_flippedByteInSha256sumsExits5() throws Exception {
    flip(dist.resolve("SHA256SUMS"), 10);
    MainTest.Run r = verify();
    assertThat(r.code()).isEqualTo(ExitCode.SIGNATURE.code);
    assertThat(r.err()).contains("SHA256SUMS.asc");
  }

  @Test
  void verifySums_wrongKeyExits5() throws Exception {
    BundleKey other = BundleKey.generate("other <o@example.invalid>", Instant.now());
    Path otherRing = Files.write(tmp.resolve("other.gpg"), other.publicKeyring());
    MainTest.Run r = verify("--key", otherRing.toString());
    assertThat(r.code()).isEqualTo(ExitCode.SIGNATURE.code);
    assertThat(r.err()).contains("SHA256SUMS.asc");
    MainTest.Run f = verify("--key", other.fingerprint());
    assertThat(f.code()).isEqualTo(ExitCode.SIGNATURE.code);
    assertThat(f.err()).contains(other.fingerprint());
    // a swapped pigsty.gpg beside the sums is caught when the fingerprint is pinned
    Files.write(dist.resolve("pigsty.gpg"), other.publicKeyring());
    assertThat(verify("--key", fingerprint()).code()).isEqualTo(ExitCode.SIGNATURE.code);
    assertThat(verify().code()).isEqualTo(ExitCode.SIGNATURE.code);
  }

  @Test
  void verifySums_missingFileExits8AndMissingSignatureExits5() throws Exception {
    Files.delete(dist.resolve("pigsty-4.0.0.tgz"));
    MainTest.Run r = verify();
    assertThat(r.code()).isEqualTo(ExitCode.BUNDLE.code);
    assertThat(r.err()).contains("pigsty-4.0.0.tgz: listed in SHA256SUMS but missing");
    Files.delete(dist.resolve("SHA256SUMS.asc"));
    MainTest.Run s = verify();
    assertThat(s.code()).isEqualTo(ExitCode.SIGNATURE.code);
    assertThat(s.err()).contains("SHA256SUMS.asc", "not signed");
  }

  @Test
  void verify_needsBundleOrSums() {
    assertThat(MainTest.run("verify").code()).isEqualTo(ExitCode.USAGE.code);
  }
}
