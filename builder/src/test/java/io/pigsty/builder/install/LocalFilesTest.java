package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFilesTest {
  @TempDir Path tmp;
  final LocalFiles files = new LocalFiles();
  final String user = System.getProperty("user.name");

  String group(Path p) throws Exception {
    return Files.readAttributes(p, PosixFileAttributes.class).group().getName();
  }

  @Test
  void write_thenReadGivesBytesModeAndOwner() throws Exception {
    Path f = tmp.resolve("etc/x.conf");
    assertThat(files.read(f)).isEmpty();
    String g = group(tmp);
    files.write(f, "a = 1\n".getBytes(StandardCharsets.UTF_8), "rw-r-----", user, g);
    NodeFiles.State s = files.read(f).orElseThrow();
    assertThat(new String(s.content(), StandardCharsets.UTF_8)).isEqualTo("a = 1\n");
    assertThat(s.mode()).isEqualTo("rw-r-----");
    assertThat(s.owner()).isEqualTo(user);
    assertThat(s.group()).isEqualTo(g);
    files.write(f, "b\n".getBytes(StandardCharsets.UTF_8), "rw-------", user, g);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    try (var l = Files.list(f.getParent())) {
      assertThat(l.map(p -> p.getFileName().toString())).containsExactly("x.conf");
    }
  }

  @Test
  void write_unknownOwnerIsAnInstallErrorNamingTheFileAndLeavesNothing() throws Exception {
    Path f = tmp.resolve("y.conf");
    assertThatThrownBy(
            () ->
                files.write(
                    f,
                    "a\n".getBytes(StandardCharsets.UTF_8),
                    "rw-r--r--",
                    "no-such-user-pigsty",
                    group(tmp)))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("y.conf");
    try (var l = Files.list(tmp)) {
      assertThat(l).isEmpty();
    }
  }

  @Test
  void directoriesAndDelete() throws Exception {
    Files.createDirectories(tmp.resolve("base/1"));
    Files.createDirectories(tmp.resolve("base/2"));
    Files.writeString(tmp.resolve("base/f"), "x");
    assertThat(files.directories(tmp.resolve("base"))).isEqualTo(2);
    assertThat(files.directories(tmp.resolve("none"))).isZero();
    Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("gone"));
    assertThat(files.exists(tmp.resolve("link"))).isTrue();
    files.delete(tmp.resolve("link"));
    assertThat(files.exists(tmp.resolve("link"))).isFalse();
  }
}
