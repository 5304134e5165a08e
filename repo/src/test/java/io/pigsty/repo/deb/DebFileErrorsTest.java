package io.pigsty.repo.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile .deb's header bytes (ANSI escapes, other control characters) never reach a message as
 * they are: they are written as {@code \xHH} (issue 12, 17).
 */
class DebFileErrorsTest {
  private static final String ESC = "\u001b";

  @TempDir Path tmp;

  private static byte[] deb(String debianBinary, String control) throws IOException {
    ByteArrayOutputStream tgz = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(tgz))) {
      byte[] c = control.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry("./control");
      e.setSize(c.length);
      tar.putArchiveEntry(e);
      tar.write(c);
      tar.closeArchiveEntry();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArArchiveOutputStream ar = new ArArchiveOutputStream(out)) {
      byte[] v = debianBinary.getBytes(StandardCharsets.UTF_8);
      ar.putArchiveEntry(new ArArchiveEntry("debian-binary", v.length));
      ar.write(v);
      ar.closeArchiveEntry();
      byte[] t = tgz.toByteArray();
      ar.putArchiveEntry(new ArArchiveEntry("control.tar.gz", t.length));
      ar.write(t);
      ar.closeArchiveEntry();
    }
    return out.toByteArray();
  }

  private String message(byte[] deb) throws Exception {
    Path f = Files.write(tmp.resolve("evil_1_amd64.deb"), deb);
    try {
      DebFile.readControl(f);
    } catch (MetadataException e) {
      return e.getMessage();
    }
    throw new AssertionError("read a bad .deb without an error");
  }

  @Test
  void readControl_escapeInFormatVersionIsShownAsHex() throws Exception {
    String m = message(deb("9.0" + ESC + "[2J\n", "Package: a\nVersion: 1\nArchitecture: all\n"));
    assertThat(m).doesNotContain(ESC).contains("9.0\\x1b[2J");
  }

  @Test
  void readControl_escapeInPackageNameWithBadVersionIsShownAsHex() throws Exception {
    String m =
        message(
            deb(
                "2.0\n",
                "Package: evil"
                    + ESC
                    + "[31mred\nVersion: :bad"
                    + ESC
                    + "]0;x\u0007\nArchitecture: all\n"));
    assertThat(m).doesNotContain(ESC).doesNotContain("\u0007").contains("evil\\x1b[31mred");
  }

  @Test
  void readControl_escapeInAMalformedLineIsShownAsHex() throws Exception {
    String m = message(deb("2.0\n", "Package: a\n" + ESC + "[1;1Hno colon here\n"));
    assertThat(m).doesNotContain(ESC).contains("\\x1b[1;1Hno colon here");
  }

  @Test
  void readControl_escapeInBadSizeIsShownAsHex() throws Exception {
    String m =
        message(deb("2.0\n", "Package: a\nVersion: 1\nArchitecture: all\nSize: 1" + ESC + "[0m\n"));
    assertThat(m).doesNotContain(ESC).contains("1\\x1b[0m");
  }
}
