package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.verify.BundleVerifier;
import io.pigsty.builder.verify.SignedBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleVerifyCommandTest {
  @TempDir Path tmp;

  @Test
  void verify_goodBundle_exitsZero() throws Exception {
    Path tgz = SignedBundle.good().pack(tmp.resolve("good.tgz"));
    assertThat(MainTest.run("verify", tgz.toString()).code()).isEqualTo(ExitCode.OK.code);
  }

  @Test
  void verify_extraFileInTheManifest_exitsBundleNamingIt() throws Exception {
    byte[] page = "<html></html>\n".getBytes(StandardCharsets.UTF_8);
    Path tgz =
        SignedBundle.good().put("index.html", page).signManifest().pack(tmp.resolve("x.tgz"));
    MainTest.Run r = MainTest.run("verify", tgz.toString());
    assertThat(r.code()).isEqualTo(ExitCode.BUNDLE.code);
    assertThat(r.err()).contains("index.html is neither");
  }

  /** Regression: a small bundle whose Packages expands past the heap ended in exit 1. */
  @Test
  void verify_packagesBomb_exitsBundleNamingPackages() throws Exception {
    long size = BundleVerifier.METADATA_LIMIT + 1;
    Path tgz = SignedBundle.good().pack(tmp.resolve("bomb.tgz"), "Packages", size);
    MainTest.Run r = MainTest.run("verify", tgz.toString());
    assertThat(r.code()).isEqualTo(ExitCode.BUNDLE.code);
    assertThat(r.err()).contains("Packages: " + size + " bytes of metadata");
  }
}
