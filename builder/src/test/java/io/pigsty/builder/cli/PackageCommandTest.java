package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageCommandTest {
  @TempDir Path tmp;

  private Path tree() throws Exception {
    Path t = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(t.resolve("pigsty.jar"), "jar\n");
    Files.writeString(t.resolve("configure"), "#!/bin/sh\n");
    Files.writeString(t.resolve("Makefile"), "all:\n");
    Files.writeString(t.resolve("bundle-keys.txt"), "0123456789ABCDEF0123456789ABCDEF01234567\n");
    return t;
  }

  /**
   * A release tree always has its pin (box/release.sh writes it): a package without one is refused.
   */
  @Test
  void package_fromTreeWithoutBundleKeys_exits9NamingIt() throws Exception {
    Path t = tree();
    Files.delete(t.resolve("bundle-keys.txt"));
    Path out = tmp.resolve("out");
    MainTest.Run d =
        MainTest.run(
            "package", "deb", "--version", "1.2.3", "--from", t.toString(), "-o", out.toString());
    assertThat(d.code()).isEqualTo(ExitCode.IO.code);
    assertThat(d.err()).contains(t.resolve("bundle-keys.txt") + ": No such file or directory");
    assertThat(out).doesNotExist();
  }

  /** Regression: mixinStandardHelpOptions' --version clashed with the package --version. */
  @Test
  void help_worksAndNamesTheVersionOption() {
    MainTest.Run r = MainTest.run("package", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--version=VERSION", "FORMAT");
  }

  @Test
  void packageDebAndRpm_fromTree_writeNamedFiles() throws Exception {
    Path t = tree();
    Path out = tmp.resolve("out");
    MainTest.Run d =
        MainTest.run(
            "package", "deb", "--version", "1.2.3", "--from", t.toString(), "-o", out.toString());
    assertThat(d.code()).as(d.err()).isZero();
    MainTest.Run r =
        MainTest.run(
            "package", "rpm", "--version", "1.2.3", "--from", t.toString(), "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(out.resolve("pigsty_1.2.3_all.deb")).isRegularFile();
    assertThat(out.resolve("pigsty-1.2.3-1.noarch.rpm")).isRegularFile();
  }

  @Test
  void badFormatVersionOrTree_areRefusedWithTheirCode() throws Exception {
    Path t = tree();
    assertThat(MainTest.run("package", "zip", "--version", "1.0", "--from", t.toString()).code())
        .isEqualTo(ExitCode.USAGE.code);
    MainTest.Run v =
        MainTest.run(
            "package",
            "deb",
            "--version",
            "1.0-1",
            "--from",
            t.toString(),
            "-o",
            tmp.resolve("o").toString());
    assertThat(v.code()).isEqualTo(ExitCode.USAGE.code);
    assertThat(v.err()).contains("1.0-1");
    MainTest.Run m =
        MainTest.run(
            "package",
            "deb",
            "--version",
            "1.0",
            "--from",
            tmp.resolve("none").toString(),
            "-o",
            tmp.resolve("o").toString());
    assertThat(m.code()).isEqualTo(ExitCode.IO.code);
    assertThat(m.err()).contains("pigsty.jar");
  }
}
