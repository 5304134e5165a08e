package io.pigsty.builder.files;

import io.pigsty.repo.Digests;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Reproducible gzipped tarballs: entries sorted by path, owner root:root (0/0), fixed mtime, modes
 * 0755 for directories and 0644 for files, POSIX (pax) long names, gzip header without name or
 * time, level 1 (the .debs inside are already compressed; level 9 saves under 1%). The same tree
 * and time give byte-identical output.
 */
public final class Tarball {
  private Tarball() {}

  /**
   * Packs a directory.
   *
   * @param dir the directory to pack (regular files and directories only)
   * @param rootName the name of the top directory inside the archive
   * @param mtime the modification time given to every entry
   * @param out the .tgz to write (overwritten)
   * @return the lower-case hex SHA256 of the written file, computed while writing
   * @throws IOException on read/write errors, or naming a symlink or special file found in {@code
   *     dir}
   */
  public static String write(Path dir, String rootName, Instant mtime, Path out)
      throws IOException {
    MessageDigest digest = Digests.sha256();
    List<Path> paths;
    try (Stream<Path> s = Files.walk(dir)) {
      paths =
          s.sorted(Comparator.comparing(p -> dir.relativize(p).toString().replace('\\', '/')))
              .collect(Collectors.toList());
    }
    try (OutputStream fo =
            new DigestOutputStream(
                new BufferedOutputStream(Files.newOutputStream(out), 1 << 20), digest);
        GZIPOutputStream gz =
            new GZIPOutputStream(fo, 1 << 16) {
              {
                def.setLevel(Deflater.BEST_SPEED); // the .debs inside are compressed already
              }
            };
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz, 1 << 16, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Path p : paths) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        String name = rel.isEmpty() ? rootName + "/" : rootName + "/" + rel;
        if (Files.isSymbolicLink(p) || !(Files.isDirectory(p) || Files.isRegularFile(p))) {
          throw new IOException(p + ": only directories and regular files can be packed");
        }
        boolean isDir = Files.isDirectory(p);
        TarArchiveEntry e = new TarArchiveEntry(isDir && !name.endsWith("/") ? name + "/" : name);
        e.setModTime(mtime.toEpochMilli());
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("root");
        e.setGroupName("root");
        e.setMode(isDir ? 040755 : 0100644);
        if (!isDir) {
          e.setSize(Files.size(p));
        }
        tar.putArchiveEntry(e);
        if (!isDir) {
          try (InputStream in = Files.newInputStream(p)) {
            in.transferTo(tar);
          }
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Deletes a file tree if it exists (no symlinks followed). */
  public static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Reads a gzipped tarball once, to the end of the gzip stream (so its CRC-32 and length are
   * checked too; a tar reader alone stops at the end-of-archive record), and reports every entry
   * that would land outside {@code root/} when unpacked: absolute names, {@code ..} segments, names
   * outside {@code root/}, hard links, devices and FIFOs, and symbolic links unless {@code
   * innerSymlinks} allows relative ones that resolve inside {@code root/}.
   *
   * @param tgz the tarball
   * @param root the one top directory every entry must be under, e.g. {@code pigsty}
   * @param innerSymlinks whether relative symbolic links inside {@code root/} are allowed
   * @param each sees every entry (for checks of the caller's own), or null
   * @return the problems, one per unsafe entry ({@code entry 'NAME' REASON}), and the lower-case
   *     hex SHA256 of the tarball file, computed in the same pass
   * @throws IOException naming {@code tgz} when it is not gzip, is truncated or fails its CRC
   */
  public static Scan scan(
      Path tgz, String root, boolean innerSymlinks, Consumer<TarArchiveEntry> each)
      throws IOException {
    List<String> problems = new ArrayList<>();
    MessageDigest md = Digests.sha256();
    try (InputStream gz =
            new GZIPInputStream(
                new DigestInputStream(
                    new BufferedInputStream(Files.newInputStream(tgz), 1 << 20), md),
                1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String why = unsafe(e, root, innerSymlinks);
        if (why != null) {
          problems.add("entry '" + e.getName() + "' " + why);
        }
        if (each != null) {
          each.accept(e);
        }
      }
      byte[] buf = new byte[1 << 16];
      while (gz.read(buf) >= 0) {
        // to the end of the gzip stream: GZIPInputStream checks CRC-32 and size there
      }
    } catch (EOFException e) {
      throw new IOException(tgz + ": truncated (unexpected end of the gzip stream)", e);
    } catch (IOException e) {
      throw new IOException(tgz + ": not a readable gzip tarball (" + e.getMessage() + ")", e);
    }
    return new Scan(List.copyOf(problems), HexFormat.of().formatHex(md.digest()));
  }

  /** What {@link #scan} found: the unsafe entries and the file's SHA256. */
  public record Scan(List<String> problems, String sha256) {}

  /**
   * @return why an entry is unsafe to unpack under {@code root/}, or null
   */
  public static String unsafe(TarArchiveEntry e, String root, boolean innerSymlinks) {
    String name = e.getName();
    if (name.startsWith("/")) {
      return "is an absolute path";
    }
    if (List.of(name.split("/")).contains("..")) {
      return "climbs out with '..'";
    }
    if (!name.equals(root + "/") && !name.startsWith(root + "/")) {
      return "is outside " + root + "/";
    }
    if (!innerSymlinks && (e.isSymbolicLink() || e.isLink())) {
      return "is a link (to '" + e.getLinkName() + "')";
    }
    if (e.isLink()) {
      return "is a hard link (to '" + e.getLinkName() + "')";
    }
    if (e.isSymbolicLink()) {
      String target = e.getLinkName();
      Path resolved = Path.of(name).getParent().resolve(target).normalize();
      return target.startsWith("/") || !resolved.startsWith(root)
          ? "is a symbolic link leaving " + root + "/ (to '" + target + "')"
          : null;
    }
    if (!e.isFile() && !e.isDirectory()) {
      return innerSymlinks
          ? "is not a regular file, directory or symbolic link"
          : "is not a regular file or directory";
    }
    return null;
  }
}
