package io.pigsty.builder.appliance;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.repo.Digests;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseCheckTest {
  @TempDir Path tmp;

  /** Writes a .tgz; each spec is "name", "name/" (directory) or "name -> target" (symlink). */
  private Path tgz(String file, String... specs) throws Exception {
    Path out = tmp.resolve(file);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(out));
        TarArchiveOutputStream tar = new TarArchiveOutputStream(o)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (String s : specs) {
        TarArchiveEntry e;
        byte[] body = new byte[0];
        if (s.contains(" -> ")) {
          e = new TarArchiveEntry(s.substring(0, s.indexOf(" -> ")), TarArchiveEntry.LF_SYMLINK);
          e.setLinkName(s.substring(s.indexOf(" -> ") + 4));
        } else {
          e = new TarArchiveEntry(s);
          if (!s.endsWith("/")) {
            body = ("content of " + s + "\n").getBytes(StandardCharsets.UTF_8);
            e.setSize(body.length);
          }
        }
        tar.putArchiveEntry(e);
        tar.write(body);
        tar.closeArchiveEntry();
      }
    }
    return out;
  }

  @Test
  void check_acceptsAReleaseWithARelativeLinkInsideAndAMatchingSha256() throws Exception {
    Path r =
        tgz(
            "pigsty-1.0.tgz",
            "pigsty/",
            "pigsty/Makefile",
            "pigsty/jre/legal/java.base/LICENSE",
            "pigsty/jre/legal/java.sql/LICENSE -> ../java.base/LICENSE");
    Files.writeString(
        tmp.resolve("pigsty-1.0.tgz.sha256"), Digests.sha256Hex(r) + "  pigsty-1.0.tgz\n");

    assertThatCode(() -> ReleaseCheck.check(r)).doesNotThrowAnyException();
  }

  @Test
  void check_refusesLinksAndEntriesLeavingPigsty() throws Exception {
    Path r =
        tgz(
            "r.tgz",
            "pigsty/Makefile",
            "pigsty/a -> ../../etc/shadow",
            "pigsty/b -> /etc/passwd",
            "pigsty/../evil",
            "other/file");

    assertThatThrownBy(() -> ReleaseCheck.check(r))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("'pigsty/a' is a symbolic link leaving pigsty/")
        .hasMessageContaining("'pigsty/b' is a symbolic link leaving pigsty/")
        .hasMessageContaining("'pigsty/../evil' climbs out")
        .hasMessageContaining("'other/file' is outside pigsty/");
  }

  @Test
  void check_refusesAReleaseWithoutMakefileOrWithAWrongSha256() throws Exception {
    Path noMake = tgz("n.tgz", "pigsty/configure");
    assertThatThrownBy(() -> ReleaseCheck.check(noMake)).hasMessageContaining("no pigsty/Makefile");

    Path r = tgz("pigsty-2.0.tgz", "pigsty/Makefile");
    Files.writeString(tmp.resolve("pigsty-2.0.tgz.sha256"), "00".repeat(32) + "  pigsty-2.0.tgz\n");
    assertThatThrownBy(() -> ReleaseCheck.check(r))
        .hasMessageContaining("does not match")
        .hasMessageContaining("pigsty-2.0.tgz.sha256");
  }

  @Test
  void check_refusesAMissingOrTruncatedRelease() throws Exception {
    assertThatThrownBy(() -> ReleaseCheck.check(tmp.resolve("none.tgz")))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("none.tgz: no such release");

    Path r = tgz("t.tgz", "pigsty/Makefile", "pigsty/configure");
    byte[] all = Files.readAllBytes(r);
    Files.write(r, Arrays.copyOf(all, all.length - 12));
    assertThatThrownBy(() -> ReleaseCheck.check(r))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("t.tgz");
  }
}
