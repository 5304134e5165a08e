package io.pigsty.builder.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarballTest {
  @TempDir Path tmp;

  /** One entry: a name and a tar type flag; regular files get a small body. */
  private record E(String name, byte type) {}

  private static E file(String name) {
    return new E(name, TarConstants.LF_NORMAL);
  }

  private Path tgz(E... entries) throws Exception {
    Path out = Files.createTempFile(tmp, "t-", ".tgz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(out));
        TarArchiveOutputStream tar = new TarArchiveOutputStream(o)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (E spec : entries) {
        TarArchiveEntry e = new TarArchiveEntry(spec.name(), spec.type());
        byte[] body = new byte[0];
        if (spec.type() == TarConstants.LF_NORMAL && !spec.name().endsWith("/")) {
          body = ("content of " + spec.name() + "\n").getBytes(StandardCharsets.UTF_8);
          e.setSize(body.length);
        }
        if (spec.type() == TarConstants.LF_SYMLINK) {
          e.setLinkName("b");
        }
        tar.putArchiveEntry(e);
        tar.write(body);
        tar.closeArchiveEntry();
      }
    }
    return out;
  }

  @Test
  void scan_acceptsFilesDirectoriesAndInnerLinks() throws Exception {
    Path t =
        tgz(
            new E("pigsty/", TarConstants.LF_DIR),
            file("pigsty/b"),
            new E("pigsty/a", TarConstants.LF_SYMLINK));
    assertThat(Tarball.scan(t, "pigsty", true, null).problems()).isEmpty();
  }

  @Test
  void scan_refusesDevicesAndFifosThatCommonsCompressCallsFiles() throws Exception {
    Path t =
        tgz(
            new E("pigsty/tty", TarConstants.LF_CHR),
            new E("pigsty/sda", TarConstants.LF_BLK),
            new E("pigsty/pipe", TarConstants.LF_FIFO),
            new E("pigsty/contig", TarConstants.LF_CONTIG));
    for (boolean innerSymlinks : new boolean[] {false, true}) {
      String not =
          innerSymlinks
              ? ", not a regular file, directory or symbolic link"
              : ", not a regular file or directory";
      assertThat(Tarball.scan(t, "pigsty", innerSymlinks, null).problems())
          .containsExactly(
              "entry 'pigsty/tty' is a character device" + not,
              "entry 'pigsty/sda' is a block device" + not,
              "entry 'pigsty/pipe' is a FIFO" + not,
              "entry 'pigsty/contig' is a contiguous file" + not);
    }
  }

  @Test
  void scan_refusesAPathThatAppearsTwiceAfterNormalisation() throws Exception {
    Path t =
        tgz(
            new E("pigsty/", TarConstants.LF_DIR),
            file("pigsty/Packages"),
            file("pigsty/./Packages"),
            file("pigsty//Packages"),
            new E("pigsty/Packages/", TarConstants.LF_DIR),
            new E("pigsty/", TarConstants.LF_DIR));
    assertThat(Tarball.scan(t, "pigsty", false, null).problems())
        .containsExactly(
            "entry 'pigsty/./Packages' appears twice (as 'pigsty/Packages')",
            "entry 'pigsty//Packages' appears twice (as 'pigsty/Packages')",
            "entry 'pigsty/Packages/' appears twice (as 'pigsty/Packages')",
            "entry 'pigsty/' appears twice (as 'pigsty')");
  }

  @Test
  void normalize_dropsEmptyAndDotSegmentsAndTheTrailingSlash() {
    assertThat(Tarball.normalize("pigsty/./a//b/")).isEqualTo("pigsty/a/b");
    assertThat(Tarball.normalize("pigsty/")).isEqualTo("pigsty");
  }
}
