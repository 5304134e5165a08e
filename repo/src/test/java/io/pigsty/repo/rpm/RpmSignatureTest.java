package io.pigsty.repo.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.sign.TrustedKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RPM signature checks against packages signed by the real {@code rpmsign} (and cross-checked with
 * {@code rpmkeys --checksig}), plus the real signed and unsigned fixture RPMs.
 */
class RpmSignatureTest {
  @TempDir static Path dir;
  static RpmSigner vendor;
  static RpmSigner other;
  static TrustedKeys vendorKeys;
  static Path signed;

  static Path fixture(String name) {
    return ElFixtures.root().resolve("rpms").resolve(name);
  }

  @BeforeAll
  static void sign() throws Exception {
    vendor = RpmSigner.create(dir, "vendor");
    other = RpmSigner.create(dir, "other");
    vendorKeys = TrustedKeys.of(vendor.publicKey());
    signed =
        vendor.signRpm(
            fixture("kmod-zfs-devel-2.1.5-1.el9.x86_64.rpm"), dir.resolve("kmod-zfs-devel.rpm"));
  }

  @Test
  void rpmsignSignatureVerifiesWithTheVendorKey() throws Exception {
    RpmSignature.Result r = RpmSignature.verify(signed, vendorKeys);
    assertThat(r.signers()).containsExactlyElementsOf(vendorKeys.fingerprints().subList(0, 1));
    assertThat(r.headerOnly()).isTrue();
    assertThat(r.payloadDigest()).isTrue();
    assertThat(RpmSignature.issuers(signed)).hasSize(1);
  }

  static TrustedKeys vendorKey(String file) throws Exception {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path k = d.resolve("bundles/keys/el").resolve(file);
      if (Files.isRegularFile(k)) {
        return TrustedKeys.load(List.of(k));
      }
    }
    throw new IllegalStateException("bundles/keys/el/" + file + " not found");
  }

  @ParameterizedTest(name = "{0} by {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            firewalld-1.3.4-15.el9_6.noarch.rpm                                     | RPM-GPG-KEY-Rocky-9 | 21CB256AE16FC54C6E652949702D426D350D275D
            python3-pyyaml-5.4.1-6.el9.x86_64.rpm                                   | RPM-GPG-KEY-Rocky-9 | 21CB256AE16FC54C6E652949702D426D350D275D
            httpd-2.4.37-56.module+el8.8.0+1456+d0a01c5e.7.x86_64.rpm               | RPM-GPG-KEY-Rocky-8 | 7051C470A929F454CEBE37B715AF5DAC6D745A60
            container-selinux-2.205.0-2.module+el8.8.0+1265+fa25dd7a.noarch.rpm     | RPM-GPG-KEY-Rocky-8 | 7051C470A929F454CEBE37B715AF5DAC6D745A60
            postgresql17-contrib-17.8-1PGDG.rhel9.7.x86_64.rpm                      | RPM-GPG-KEY-PGDG    | D4BF08AE67A0B4C7A1DBCCD240BCA2B408B40D20
            python3-psycopg2-2.9.11-42PGDG.rhel9.x86_64.rpm                         | RPM-GPG-KEY-PGDG    | D4BF08AE67A0B4C7A1DBCCD240BCA2B408B40D20
            """)
  void realVendorPackagesVerifyWithTheVendorKeysShippedInBundles(String rpm, String key, String fpr)
      throws Exception {
    RpmSignature.Result r = RpmSignature.verify(fixture(rpm), vendorKey(key));
    assertThat(r.signers()).containsExactly(fpr);
    assertThat(r.headerOnly()).isTrue();
  }

  @Test
  void aRocky9PackageDoesNotVerifyWithTheRocky8Key() {
    assertThatThrownBy(
            () ->
                RpmSignature.verify(
                    fixture("firewalld-1.3.4-15.el9_6.noarch.rpm"),
                    vendorKey("RPM-GPG-KEY-Rocky-8")))
        .isInstanceOf(SignatureException.class);
  }

  @Test
  void anotherKeyIsNotTrusted() throws Exception {
    TrustedKeys otherKeys = TrustedKeys.of(other.publicKey());
    assertThatThrownBy(() -> RpmSignature.verify(signed, otherKeys))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining(signed.toString());
  }

  @Test
  void unsignedFixtureFails() {
    Path unsigned = fixture("kmod-zfs-devel-2.1.5-1.el9.x86_64.rpm");
    assertThatThrownBy(() -> RpmSignature.verify(unsigned, vendorKeys))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("is not signed");
  }

  @Test
  void realVendorSignatureByAnUnknownKeyFailsAndNamesTheKeyId() throws Exception {
    Path rocky = fixture("python3-pyyaml-5.4.1-6.el9.x86_64.rpm");
    assertThat(RpmSignature.issuers(rocky)).containsExactly("702D426D350D275D");
    assertThatThrownBy(() -> RpmSignature.verify(rocky, vendorKeys))
        .isInstanceOf(SignatureException.class);
  }

  @Test
  void aFlippedPayloadByteFailsOnTheSignedDigest() throws Exception {
    Path bad = dir.resolve("payload-flipped.rpm");
    byte[] b = Files.readAllBytes(signed);
    b[b.length - 100] ^= 0x01;
    Files.write(bad, b);
    assertThatThrownBy(() -> RpmSignature.verify(bad, vendorKeys))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("payload");
  }

  @Test
  void aFlippedHeaderByteFailsTheHeaderSignature() throws Exception {
    Path bad = dir.resolve("header-flipped.rpm");
    byte[] b = Files.readAllBytes(signed);
    // the summary text sits in the main header's data store; flip a letter of it
    int at = indexOf(b, "kmod-zfs-devel".getBytes(StandardCharsets.US_ASCII), 2000);
    assertThat(at).isPositive();
    b[at] ^= 0x20;
    Files.write(bad, b);
    assertThatThrownBy(() -> RpmSignature.verify(bad, vendorKeys))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("header signature");
  }

  @Test
  void notAnRpm() throws Exception {
    Path junk = dir.resolve("junk.rpm");
    Files.writeString(junk, "<html>not found</html>");
    assertThatThrownBy(() -> RpmSignature.verify(junk, vendorKeys))
        .isInstanceOf(RpmMetadataException.class)
        .hasMessageContaining("not an RPM");
  }

  @Test
  void rpmkeysAgreesOnTheSignedCopy() throws Exception {
    Path root = Files.createDirectories(dir.resolve("rpmroot"));
    Path key = dir.resolve("vendor.asc");
    Files.write(key, vendor.publicKey());
    assertThat(run("rpmkeys", "--root=" + root, "--import", key.toString())).isZero();
    assertThat(run("rpmkeys", "--root=" + root, "--checksig", signed.toString())).isZero();
    Path bad = dir.resolve("payload-flipped-2.rpm");
    byte[] b = Files.readAllBytes(signed);
    b[b.length - 100] ^= 0x01;
    Files.write(bad, b);
    assertThat(run("rpmkeys", "--root=" + root, "--checksig", bad.toString())).isNotZero();
  }

  private static int run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
