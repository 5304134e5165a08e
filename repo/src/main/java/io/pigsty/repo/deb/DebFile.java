package io.pigsty.repo.deb;

import io.pigsty.repo.Printable;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Reads the control file of a binary package (deb(5): an ar archive holding {@code debian-binary},
 * {@code control.tar[.gz|.xz|.zst]} and {@code data.tar.*}).
 */
public final class DebFile {
  private DebFile() {}

  /**
   * Reads {@code ./control} from a .deb.
   *
   * @param deb path of the .deb file
   * @return the control paragraph (no Filename, Size or checksums: those are the index's)
   * @throws MetadataException naming the file when it is not a valid .deb (truncated, no control
   *     member, unknown compression, malformed control file)
   * @throws IOException when the file cannot be read
   */
  public static DebPackage readControl(Path deb) throws MetadataException, IOException {
    // every message below may carry bytes of the file (its name, a member name, the version,
    // a parser's message): escaped, so nothing from a hostile .deb reaches a terminal as is
    String name = Printable.escape(deb.toString());
    try (InputStream in = new BufferedInputStream(Files.newInputStream(deb));
        ArArchiveInputStream ar = new ArArchiveInputStream(in)) {
      ArArchiveEntry e;
      boolean sawMagic = false;
      while ((e = ar.getNextEntry()) != null) {
        String member = e.getName();
        if (member.equals("debian-binary")) {
          String v = new String(ar.readAllBytes(), StandardCharsets.US_ASCII).trim();
          if (!v.startsWith("2.")) {
            throw new MetadataException(
                name + ": unsupported deb format version '" + Printable.escape(v) + "'");
          }
          sawMagic = true;
        } else if (member.startsWith("control.tar")) {
          if (!sawMagic) {
            throw new MetadataException(name + ": debian-binary must be the first member");
          }
          byte[] control = controlFrom(decompress(member, ar, name), name);
          List<Paragraph> ps = new ArrayList<>(1);
          Paragraph.parseAll(control, name + ":control", ps::add);
          if (ps.size() != 1) {
            throw new MetadataException(name + ": control file has " + ps.size() + " paragraphs");
          }
          return DebPackage.of(ps.get(0), deb.getFileName().toString());
        }
      }
      throw new MetadataException(name + ": not a .deb (no control.tar member)");
    } catch (IOException | IllegalArgumentException e) {
      if (e instanceof NoSuchFileException) {
        throw (IOException) e;
      }
      throw new MetadataException(
          name + ": not a valid .deb (" + Printable.escape(reason(e)) + ")", e);
    }
  }

  /** The exception's message, or its kind when it has none (never the word "null"). */
  private static String reason(Exception e) {
    if (e.getMessage() != null) {
      return e.getMessage();
    }
    return e instanceof java.io.EOFException ? "truncated" : e.getClass().getSimpleName();
  }

  private static InputStream decompress(String member, InputStream in, String name)
      throws IOException, MetadataException {
    if (member.equals("control.tar")) {
      return in;
    } else if (member.endsWith(".gz")) {
      return new GzipCompressorInputStream(in);
    } else if (member.endsWith(".xz")) {
      return new XZCompressorInputStream(in);
    } else if (member.endsWith(".zst")) {
      return new ZstdCompressorInputStream(in);
    }
    throw new MetadataException(name + ": unsupported control member " + Printable.escape(member));
  }

  private static byte[] controlFrom(InputStream tarStream, String name)
      throws IOException, MetadataException {
    TarArchiveInputStream tar = new TarArchiveInputStream(tarStream);
    TarArchiveEntry t;
    while ((t = tar.getNextEntry()) != null) {
      String n = t.getName();
      if (n.equals("./control") || n.equals("control")) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tar.transferTo(out);
        return out.toByteArray();
      }
    }
    throw new MetadataException(name + ": control.tar has no ./control");
  }
}
