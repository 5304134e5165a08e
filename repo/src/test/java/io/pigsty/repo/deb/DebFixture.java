package io.pigsty.repo.deb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Builds .deb files for tests as dpkg-deb lays them out (deb(5)): {@code debian-binary}, {@code
 * control.tar.gz} (control and maintainer scripts), {@code data.tar.xz} (files under {@code ./}, a
 * value starting with {@code "-> "} is a symbolic link to the rest).
 */
public final class DebFixture {
  private DebFixture() {}

  /**
   * @param control the control file's text
   * @param scripts maintainer scripts by name ({@code postinst} ...)
   * @param data file path (without {@code ./}) to content, or to {@code "-> target"} for a link
   */
  public static byte[] deb(String control, Map<String, String> scripts, Map<String, byte[]> data) {
    Map<String, byte[]> ctl = new LinkedHashMap<>();
    ctl.put("./control", control.getBytes(StandardCharsets.UTF_8));
    scripts.forEach((k, v) -> ctl.put("./" + k, v.getBytes(StandardCharsets.UTF_8)));
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArArchiveOutputStream ar = new ArArchiveOutputStream(out)) {
        add(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        add(ar, "control.tar.gz", tar(ctl, true));
        add(ar, "data.tar.xz", tar(data, false));
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void add(ArArchiveOutputStream ar, String name, byte[] b) throws IOException {
    ar.putArchiveEntry(new ArArchiveEntry(name, b.length, 0, 0, 0100644, 1_700_000_000L));
    ar.write(b);
    ar.closeArchiveEntry();
  }

  private static byte[] tar(Map<String, byte[]> files, boolean gzip) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(
            gzip ? new GZIPOutputStream(out) : new XZOutputStream(out, new LZMA2Options()))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry root = new TarArchiveEntry("./");
      tar.putArchiveEntry(root);
      tar.closeArchiveEntry();
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        String name = f.getKey().startsWith("./") ? f.getKey() : "./" + f.getKey();
        String text = new String(f.getValue(), StandardCharsets.ISO_8859_1);
        TarArchiveEntry e;
        if (text.startsWith("-> ")) {
          e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
          e.setLinkName(text.substring(3));
          tar.putArchiveEntry(e);
        } else {
          e = new TarArchiveEntry(name);
          e.setSize(f.getValue().length);
          tar.putArchiveEntry(e);
          tar.write(f.getValue());
        }
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }
}
