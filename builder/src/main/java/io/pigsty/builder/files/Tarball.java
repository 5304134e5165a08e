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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

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
   * that is unsafe to unpack under {@code root/} ({@link #unsafe}) or repeats an earlier path
   * ({@link Checker}).
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
      Checker checker = new Checker(root, innerSymlinks);
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String why = checker.check(e);
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
   * The safety rule for one archive read in order: {@link #unsafe} for each entry, and no path
   * twice (after {@link #normalize}: a second copy would be hashed by one reader and kept by
   * another, as {@code verify} hashes one and extraction keeps the last). One instance per archive;
   * not thread-safe.
   */
  public static final class Checker {
    private final String root;
    private final boolean innerSymlinks;
    private final Set<String> seen = new HashSet<>();

    /**
     * @param root the one top directory every entry must be under, e.g. {@code pigsty}
     * @param innerSymlinks whether relative symbolic links inside {@code root/} are allowed
     */
    public Checker(String root, boolean innerSymlinks) {
      this.root = root;
      this.innerSymlinks = innerSymlinks;
    }

    /**
     * @param e the next entry of the archive
     * @return why it is unsafe ({@link #unsafe}) or that its path came before, or null when it may
     *     be unpacked
     */
    public String check(TarArchiveEntry e) {
      String why = unsafe(e, root, innerSymlinks);
      if (why != null) {
        return why;
      }
      String path = normalize(e.getName());
      return seen.add(path) ? null : "appears twice (as '" + path + "')";
    }
  }

  /**
   * @param name a tar entry name
   * @return the name without empty or {@code .} segments and without a trailing {@code /}: {@code
   *     pigsty/./a//b/} gives {@code pigsty/a/b}
   */
  public static String normalize(String name) {
    StringBuilder b = new StringBuilder();
    for (String seg : name.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (b.length() > 0) {
        b.append('/');
      }
      b.append(seg);
    }
    return b.toString();
  }

  /**
   * The per-entry rule: refused are absolute names, {@code ..} segments, names outside {@code
   * root/}, hard links, symbolic links unless {@code innerSymlinks} allows relative ones that
   * resolve inside {@code root/}, and every type but a regular file ({@code '0'} or the old {@code
   * NUL}) and a directory ({@code '5'}, or a regular-file flag with a name ending in {@code /}):
   * character and block devices, FIFOs, contiguous and GNU sparse files and unknown types are
   * refused by their type flag (POSIX.1-2017 pax, "ustar Interchange Format"), not by commons
   * compress's {@code isFile()}, which is true for a device or FIFO.
   *
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
    byte flag = e.getLinkFlag();
    boolean plain = flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM;
    if (plain || flag == TarConstants.LF_DIR) {
      return null;
    }
    String type =
        switch (flag) {
          case TarConstants.LF_CHR -> "a character device";
          case TarConstants.LF_BLK -> "a block device";
          case TarConstants.LF_FIFO -> "a FIFO";
          case TarConstants.LF_CONTIG -> "a contiguous file";
          case TarConstants.LF_GNUTYPE_SPARSE -> "a GNU sparse file";
          default -> "of tar type '" + (char) (flag & 0xff) + "'";
        };
    return "is "
        + type
        + (innerSymlinks
            ? ", not a regular file, directory or symbolic link"
            : ", not a regular file or directory");
  }
}
