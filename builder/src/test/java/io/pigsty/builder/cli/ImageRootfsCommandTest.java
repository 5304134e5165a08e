package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRootfsCommandTest {
  @TempDir Path tmp;

  private long filesIn(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void defaultRelease_isBesideTheBundleWithItsVersion() {
    assertThat(ImageRootfsCommand.defaultRelease(Path.of("/x/dist/pigsty-pkg-4.0.0.d12.amd64.tgz")))
        .isEqualTo(Path.of("/x/dist/pigsty-4.0.0.tgz"));
    assertThatThrownBy(() -> ImageRootfsCommand.defaultRelease(Path.of("bundle.tgz")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--release");
  }

  /**
   * A damaged tarball is a bundle that fails verification (a problem of the report since issue 12,
   * item 17, no longer an I/O error): image rootfs's code for that is 51 (RootfsBuilder#build).
   */
  @Test
  void damagedBundle_exitsAsAnUnusableBundleAndWritesNothing() throws Exception {
    Path bundle = tmp.resolve("pigsty-pkg-4.0.0.d12.amd64.tgz");
    Files.write(bundle, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
    Path out = tmp.resolve("out");
    Files.createDirectories(out);

    MainTest.Run r =
        MainTest.run(
            "image",
            "rootfs",
            bundle.toString(),
            "-o",
            out.resolve("d12.tar").toString(),
            "--release",
            tmp.resolve("pigsty-4.0.0.tgz").toString());

    assertThat(r.code()).isEqualTo(ExitCode.APPLIANCE.code);
    assertThat(r.err()).contains("pigsty-pkg-4.0.0.d12.amd64.tgz").contains("truncated");
    assertThat(filesIn(out)).isZero();
  }

  @Test
  void outputNotATar_isAUsageError() {
    MainTest.Run r =
        MainTest.run(
            "image",
            "rootfs",
            tmp.resolve("pigsty-pkg-1.d12.amd64.tgz").toString(),
            "-o",
            tmp.resolve("image.img").toString());

    assertThat(r.code()).isEqualTo(ExitCode.USAGE.code);
    assertThat(r.err()).contains("image.img").contains(".tar");
  }

  @Test
  void missingOutputOption_isAUsageError() {
    assertThat(MainTest.run("image", "rootfs", "x.tgz").code()).isEqualTo(ExitCode.USAGE.code);
  }
}
