package io.pigsty.builder.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleVerifierTest {
  @TempDir Path tmp;

  private static final byte[] PAGE = "<script>alert(1)</script>\n".getBytes(StandardCharsets.UTF_8);

  private List<String> problems(SignedBundle b) throws Exception {
    return BundleVerifier.verify(b.pack(tmp.resolve("b.tgz")), null).problems();
  }

  @Test
  void verify_goodBundle_hasNoProblem() throws Exception {
    assertThat(problems(SignedBundle.good())).isEmpty();
    assertThat(problems(SignedBundle.good().manifestFirst())).isEmpty();
  }

  @Test
  void verify_indexHtmlListedInASignedManifest_isRefusedByName() throws Exception {
    SignedBundle b = SignedBundle.good().put("index.html", PAGE).signManifest();
    assertThat(problems(b))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("index.html is neither a package of Packages"));
  }

  @Test
  void verify_fileInASubdirectoryOrAKeysDirectory_isRefusedInADebianBundle() throws Exception {
    SignedBundle b =
        SignedBundle.good().put("doc/x.txt", PAGE).put("keys/k.asc", PAGE).signManifest();
    assertThat(problems(b))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("doc/x.txt is neither"))
        .anySatisfy(p -> assertThat(p).contains("keys/k.asc is neither"));
  }

  @Test
  void verify_debNotInPackages_isRefusedByName() throws Exception {
    SignedBundle b = SignedBundle.good().put("evil_1.0_amd64.deb", PAGE).signManifest();
    assertThat(problems(b))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("evil_1.0_amd64.deb is neither"));
  }

  @Test
  void verify_manifestChangedAfterSigning_isRefused() throws Exception {
    SignedBundle b = SignedBundle.good();
    byte[] signature = b.files.get("manifest.json.asc");
    b.put("index.html", PAGE).signManifest();
    b.files.put("manifest.json.asc", signature);
    // the signature's own failure, named by its file
    assertThat(problems(b)).anySatisfy(p -> assertThat(p).contains("b.tgz:manifest.json.asc: "));
  }

  @Test
  void verify_manifestWithoutSignature_isRefused() throws Exception {
    SignedBundle b = SignedBundle.good();
    b.files.remove("manifest.json.asc");
    assertThat(problems(b))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("no manifest.json.asc"));
  }

  @Test
  void verify_manifestSignedByAnotherKey_isRefused() throws Exception {
    SignedBundle b = SignedBundle.good().signManifest(SignedBundle.otherKey());
    assertThat(problems(b))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("b.tgz:manifest.json.asc: "));
  }

  @Test
  void verify_packagesLargerThanTheLimit_isNotReadAndNamed() throws Exception {
    // the manifest (after Packages in tar order) claims the small Packages; the entry holds 3 MiB
    Path tgz = SignedBundle.good().pack(tmp.resolve("big.tgz"), "Packages", 3L << 20);
    BundleVerifier.Report r = BundleVerifier.verify(tgz, null, Instant.now(), 1L << 20);
    assertThat(r.ok()).isFalse();
    assertThat(r.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("Packages: " + (3L << 20) + " bytes of metadata")
                    .contains("1048576-byte limit"));
  }

  @Test
  void verify_memberLargerThanTheManifestSays_isNotReadWhenTheManifestCameFirst() throws Exception {
    SignedBundle b = SignedBundle.good().manifestFirst();
    int claimed = b.files.get("Packages").length;
    Path tgz = b.pack(tmp.resolve("big.tgz"), "Packages", 512 << 10);
    BundleVerifier.Report r = BundleVerifier.verify(tgz, null, Instant.now(), 1L << 20);
    assertThat(r.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains(
                        "Packages: the manifest says "
                            + claimed
                            + " bytes, the bundle holds "
                            + (512 << 10)));
  }

  @Test
  void verify_manifestLargerThanTheLimit_isNamedNotParsed() throws Exception {
    Path tgz = SignedBundle.good().pack(tmp.resolve("big.tgz"), "manifest.json", 2L << 20);
    BundleVerifier.Report r = BundleVerifier.verify(tgz, null, Instant.now(), 1L << 20);
    assertThat(r.manifest()).isNull();
    assertThat(r.problems())
        .anySatisfy(p -> assertThat(p).contains("manifest.json: " + (2L << 20) + " bytes"));
  }

  /** Regression: a 719 KB bundle whose Packages expands to 700 MB crashed verify (heap). */
  @Test
  void verify_packagesPastTheDefaultLimit_isRefusedWithoutHoldingIt() throws Exception {
    long size = BundleVerifier.METADATA_LIMIT + (1 << 20);
    Path tgz = SignedBundle.good().pack(tmp.resolve("bomb.tgz"), "Packages", size);
    assertThat(Files.size(tgz)).isLessThan(1 << 20);
    BundleVerifier.Report r = BundleVerifier.verify(tgz, null);
    assertThat(r.problems())
        .anySatisfy(p -> assertThat(p).contains("Packages: " + size + " bytes of metadata"));
  }
}
