package io.pigsty.repo.deb;

import io.pigsty.repo.Printable;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Reads the control file of a binary package (deb(5): an ar archive holding {@code debian-binary},
 * {@code control.tar[.gz|.xz|.zst]} and {@code data.tar[.gz|.xz|.zst|.bz2|.lzma]}), and, for the
 * extension catalog, its maintainer scripts and chosen files of its data.
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
    return read(deb, "control"::equals, null, Integer.MAX_VALUE - 9).control();
  }

  /**
   * What {@link #readContents} read from a .deb.
   *
   * @param control the control paragraph (no Filename, Size or checksums: those are the index's)
   * @param controlFiles every regular file of {@code control.tar} by its name without a leading
   *     {@code ./} ({@code control}, {@code postinst}, {@code md5sums} ...), in archive order
   * @param paths every regular file and symbolic link of {@code data.tar}, without a leading {@code
   *     ./} ({@code usr/lib/postgresql/15/lib/pg_cron.so}), in archive order
   * @param files the content of the regular data files the caller asked for, by path
   */
  public record Contents(
      DebPackage control,
      Map<String, byte[]> controlFiles,
      List<String> paths,
      Map<String, byte[]> files) {
    /** Copies the collections (the byte arrays are shared). */
    public Contents {
      controlFiles = Collections.unmodifiableMap(new LinkedHashMap<>(controlFiles));
      paths = List.copyOf(paths);
      files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }
  }

  /**
   * Reads a .deb's control member in full and the names (and, where {@code keep} says so, the
   * content) of its data member's files, in one pass over the archive (deb(5)).
   *
   * @param deb path of the .deb file
   * @param keep which data paths (without the leading {@code ./}) to read the content of
   * @param maxFileBytes the largest member file read into memory, in bytes; a larger one is an
   *     error (a .deb is checked against its signed index before it is read, but a hostile archive
   *     could still hold a decompression bomb)
   * @return the control paragraph, maintainer scripts, data paths and the files kept
   * @throws MetadataException naming the file when it is not a valid .deb (members out of order or
   *     missing, unknown compression, truncated, malformed control file) or a file kept exceeds
   *     {@code maxFileBytes}
   * @throws IOException when the file cannot be read
   */
  public static Contents readContents(Path deb, Predicate<String> keep, long maxFileBytes)
      throws MetadataException, IOException {
    return read(deb, f -> true, keep, maxFileBytes);
  }

  /**
   * The one pass over a .deb's members behind {@link #readControl} and {@link #readContents}.
   *
   * @param controlKeep which files of {@code control.tar} to read ({@code control} always must be)
   * @param dataKeep which data files to read, or null to stop after the control member (its paths
   *     and files are then empty)
   */
  private static Contents read(
      Path deb, Predicate<String> controlKeep, Predicate<String> dataKeep, long maxFileBytes)
      throws MetadataException, IOException {
    // every message below may carry bytes of the file (its name, a member name, the version,
    // a parser's message): escaped, so nothing from a hostile .deb reaches a terminal as is
    String name = Printable.escape(deb.toString());
    try (InputStream in = new BufferedInputStream(Files.newInputStream(deb));
        ArArchiveInputStream ar = new ArArchiveInputStream(in)) {
      ArArchiveEntry e;
      boolean sawMagic = false;
      DebPackage control = null;
      Map<String, byte[]> controlFiles = new LinkedHashMap<>();
      List<String> paths = new ArrayList<>();
      Map<String, byte[]> files = new LinkedHashMap<>();
      boolean sawData = false;
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
          readTar(
              decompress(member, ar, name),
              name,
              member,
              controlKeep,
              maxFileBytes,
              null,
              controlFiles);
          byte[] text = controlFiles.get("control");
          if (text == null) {
            throw new MetadataException(name + ": control.tar has no ./control");
          }
          List<Paragraph> ps = new ArrayList<>(1);
          Paragraph.parseAll(text, name + ":control", ps::add);
          if (ps.size() != 1) {
            throw new MetadataException(name + ": control file has " + ps.size() + " paragraphs");
          }
          control = DebPackage.of(ps.get(0), deb.getFileName().toString());
          if (dataKeep == null) {
            return new Contents(control, controlFiles, paths, files);
          }
        } else if (member.startsWith("data.tar") && dataKeep != null) {
          if (control == null) {
            throw new MetadataException(name + ": data.tar comes before control.tar");
          }
          readTar(decompress(member, ar, name), name, member, dataKeep, maxFileBytes, paths, files);
          sawData = true;
        }
      }
      if (control == null) {
        throw new MetadataException(name + ": not a .deb (no control.tar member)");
      }
      if (!sawData) {
        throw new MetadataException(name + ": not a .deb (no data.tar member)");
      }
      return new Contents(control, controlFiles, paths, files);
    } catch (IOException | IllegalArgumentException e) {
      if (e instanceof NoSuchFileException) {
        throw (IOException) e;
      }
      throw new MetadataException(
          name + ": not a valid .deb (" + Printable.escape(reason(e)) + ")", e);
    }
  }

  /**
   * Reads one tar member: the paths of its regular files and symbolic links into {@code paths}
   * (when not null), the content of the regular files {@code keep} accepts into {@code files}.
   */
  private static void readTar(
      InputStream tarStream,
      String name,
      String member,
      Predicate<String> keep,
      long maxFileBytes,
      List<String> paths,
      Map<String, byte[]> files)
      throws IOException, MetadataException {
    TarArchiveInputStream tar = new TarArchiveInputStream(tarStream);
    TarArchiveEntry t;
    while ((t = tar.getNextEntry()) != null) {
      // commons-compress calls a symbolic link a file too: tell them apart first
      boolean link = t.isSymbolicLink();
      boolean regular = !link && !t.isLink() && !t.isDirectory() && t.isFile();
      if (!regular && !link) {
        continue;
      }
      String path = t.getName().startsWith("./") ? t.getName().substring(2) : t.getName();
      if (paths != null) {
        paths.add(path);
      }
      if (!regular || !keep.test(path)) {
        continue;
      }
      byte[] b = tar.readNBytes((int) Math.min(maxFileBytes + 1, Integer.MAX_VALUE - 8));
      if (b.length > maxFileBytes || t.getSize() > maxFileBytes) {
        throw new MetadataException(
            name
                + ": "
                + member
                + ": "
                + Printable.escape(path)
                + " is larger than "
                + maxFileBytes
                + " bytes; refused");
      }
      files.put(path, b);
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
    if (member.equals("control.tar") || member.equals("data.tar")) {
      return in;
    } else if (member.endsWith(".gz")) {
      return new GzipCompressorInputStream(in);
    } else if (member.endsWith(".xz")) {
      return new XZCompressorInputStream(in);
    } else if (member.endsWith(".zst")) {
      return new ZstdCompressorInputStream(in);
    } else if (member.startsWith("data.tar") && member.endsWith(".bz2")) {
      return new BZip2CompressorInputStream(in);
    } else if (member.startsWith("data.tar") && member.endsWith(".lzma")) {
      return new LZMACompressorInputStream(in);
    }
    throw new MetadataException(
        name
            + ": unsupported "
            + (member.startsWith("data.tar") ? "data" : "control")
            + " member "
            + Printable.escape(member));
  }
}
