package io.pigsty.builder.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our .deb and .rpm, checked with dpkg-deb and rpm as oracles (both installed by make tools). */
class SelfPackagesTest {
  @TempDir Path tmp;
  Path tree;
  static final Instant T = Instant.ofEpochSecond(1_767_225_600); // 2026-01-01T00:00:00Z

  @BeforeEach
  void tree() throws Exception {
    tree = Files.createDirectories(tmp.resolve("pigsty"));
    Files.writeString(tree.resolve("pigsty.jar"), "stand-in jar\n");
    Files.writeString(tree.resolve("configure"), "#!/bin/sh\necho configure \"$@\"\n");
    Files.writeString(tree.resolve("Makefile"), "install:\n\t@echo install\n");
    Files.createDirectories(tree.resolve("templates"));
    Files.writeString(tree.resolve("templates/demo.yml"), "all: {}\n");
    Files.writeString(tree.resolve("bundle-keys.txt"), FPR + "\n");
  }

  static final String FPR = "0123456789ABCDEF0123456789ABCDEF01234567";

  /** The pin, where configure looks for it: pigsty.home (the prefix) / bundle-keys.txt. */
  @Test
  void debAndRpm_carryBundleKeysTxtUnderThePrefix() throws Exception {
    SelfPackages.Contents c = SelfPackages.Contents.ofTree(tree, "4.0.0", T);
    Path deb = SelfPackages.deb(c, tmp.resolve("out"));
    assertThat(run("dpkg-deb", "--contents", deb.toString()))
        .containsPattern(
            "-rw-r--r-- root/root +41 2026-01-01 00:00 ./usr/share/pigsty/bundle-keys.txt\n");
    Path x = Files.createDirectories(tmp.resolve("x"));
    run("dpkg-deb", "-x", deb.toString(), x.toString());
    assertThat(Files.readString(x.resolve("usr/share/pigsty/bundle-keys.txt")))
        .isEqualTo(FPR + "\n");
    Path rpm = SelfPackages.rpm(c, tmp.resolve("out"));
    assertThat(run("rpm", "-qlvp", rpm.toString()))
        .containsPattern("-rw-r--r-- .* 41 .*/usr/share/pigsty/bundle-keys.txt\n");
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out;
  }

  @Test
  void deb_dpkgDebReadsFieldsAndContents() throws Exception {
    Path deb = SelfPackages.deb(SelfPackages.Contents.ofTree(tree, "4.0.0", T), tmp.resolve("out"));
    assertThat(deb.getFileName().toString()).isEqualTo("pigsty_4.0.0_all.deb");
    String info = run("dpkg-deb", "--info", deb.toString());
    assertThat(info)
        .contains(
            " Package: pigsty\n",
            " Version: 4.0.0\n",
            " Architecture: all\n",
            " Suggests: java17-runtime-headless\n")
        .doesNotContain("Depends:");
    assertThat(run("dpkg-deb", "--field", deb.toString(), "Installed-Size").trim())
        .matches("[0-9]+");
    String contents = run("dpkg-deb", "--contents", deb.toString());
    assertThat(contents)
        .contains(
            "-rwxr-xr-x root/root",
            "./usr/bin/pigsty\n",
            "./usr/share/pigsty/configure\n",
            "./usr/share/pigsty/pigsty.jar\n",
            "./usr/share/pigsty/Makefile\n",
            "./usr/share/pigsty/templates/demo.yml\n",
            "drwxr-xr-x root/root         0 2026-01-01 00:00 ./usr/share/pigsty/\n");
    for (String line : contents.split("\n")) {
      assertThat(line).contains("root/root").contains("2026-01-01 00:00");
      if (line.endsWith("/configure") || line.endsWith("/bin/pigsty")) {
        assertThat(line).startsWith("-rwxr-xr-x");
      } else if (!line.endsWith("/")) {
        assertThat(line).startsWith("-rw-r--r--");
      }
    }
    // the wrapper runs the jar under the prefix
    Path x = Files.createDirectories(tmp.resolve("x"));
    run("dpkg-deb", "-x", deb.toString(), x.toString());
    assertThat(Files.readString(x.resolve("usr/bin/pigsty")))
        .contains("PREFIX=/usr/share/pigsty\n", "-jar \"$PREFIX/pigsty.jar\"")
        .doesNotContain("@PREFIX@");
  }

  @Test
  void rpm_rpmReadsNevraFilesAndNoUnresolvableRequires() throws Exception {
    Path rpm = SelfPackages.rpm(SelfPackages.Contents.ofTree(tree, "4.0.0", T), tmp.resolve("out"));
    assertThat(rpm.getFileName().toString()).isEqualTo("pigsty-4.0.0-1.noarch.rpm");
    assertThat(
            run(
                "rpm",
                "-qp",
                "--qf",
                "%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}|%{BUILDTIME}\n",
                rpm.toString()))
        .endsWith("pigsty|4.0.0|1|noarch|" + T.getEpochSecond() + "\n");
    String files = run("rpm", "-qlvp", rpm.toString());
    assertThat(files)
        .contains(
            "/usr/bin/pigsty\n",
            "/usr/share/pigsty/configure\n",
            "/usr/share/pigsty/pigsty.jar\n",
            "/usr/share/pigsty/templates/demo.yml\n");
    assertThat(files).doesNotContain(" /usr/bin\n").doesNotContain(" /usr/share\n");
    for (String line : files.split("\n")) {
      assertThat(line).contains("root     root").contains("Jan  1  2026");
    }
    List<String> requires = List.of(run("rpm", "-qp", "--requires", rpm.toString()).split("\n"));
    assertThat(requires).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("rpmlib("));
    assertThat(run("rpm", "-Kv", "--nosignature", rpm.toString()))
        .contains("Payload SHA256 digest: OK")
        .doesNotContain("BAD");
  }

  @Test
  void debAndRpm_sameInputsGiveIdenticalBytes() throws Exception {
    SelfPackages.Contents c = SelfPackages.Contents.ofTree(tree, "4.0.0", T);
    Path a1 = SelfPackages.deb(c, tmp.resolve("a"));
    Path b1 = SelfPackages.rpm(c, tmp.resolve("a"));
    Thread.sleep(1100); // a second later: no wall-clock time may leak in
    Files.setLastModifiedTime(tree.resolve("configure"), FileTime.from(Instant.now()));
    Path a2 = SelfPackages.deb(c, tmp.resolve("b"));
    Path b2 = SelfPackages.rpm(c, tmp.resolve("b"));
    assertThat(Files.readAllBytes(a2)).isEqualTo(Files.readAllBytes(a1));
    assertThat(Files.readAllBytes(b2)).isEqualTo(Files.readAllBytes(b1));
  }

  @Test
  void badVersionOrMissingJarIsRefusedAndLeavesNothing() throws Exception {
    assertThatThrownBy(() -> SelfPackages.Contents.ofTree(tree, "4.0-1", T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4.0-1");
    assertThatThrownBy(() -> SelfPackages.Contents.ofTree(tree, "v4", T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'v4'");
    Files.delete(tree.resolve("pigsty.jar"));
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> SelfPackages.deb(SelfPackages.Contents.ofTree(tree, "4.0.0", T), out))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("pigsty.jar");
    assertThatThrownBy(() -> SelfPackages.rpm(SelfPackages.Contents.ofTree(tree, "4.0.0", T), out))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("pigsty.jar");
    try (var s = Files.list(out)) {
      assertThat(s.toList()).isEmpty();
    }
  }
}
