package io.pigsty.builder.configure;

import io.pigsty.builder.files.FileErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A private copy of the offline bundle: the only bytes configure verifies, checks against the node
 * and extracts, so that what was verified is what is installed (the original, e.g. in the
 * world-writable {@code /tmp}, may change at any time; it is read once, here).
 *
 * <p>The original must be a regular file owned by root or by the user running configure and
 * writable by no one else (otherwise another user could have written it, or could rewrite it while
 * it is read). It is checked before it is opened and again after it was copied: both times it must
 * be the same file (device and inode), with the same size and modification time, and exactly that
 * many bytes must have been copied. The copy goes to a fresh directory of mode 0700 under {@value
 * #PARENT} of the node's root, removed by {@link #close()}.
 */
final class IncomingBundle implements AutoCloseable {
  /** Where the private directories are made, relative to the node's root. */
  static final String PARENT = "var/lib/pigsty";

  private final Path original;
  private final Path dir;
  private final Path copy;
  private final Path createdTop;

  private IncomingBundle(Path original, Path dir, Path copy, Path createdTop) {
    this.original = original;
    this.dir = dir;
    this.copy = copy;
    this.createdTop = createdTop;
  }

  /**
   * Checks and copies the bundle.
   *
   * @param original the bundle as given with {@code -p}
   * @param root the node's {@code /}
   * @return the copy; close it to remove it
   * @throws NodeException BUNDLE_INVALID naming the original when it is missing, not a regular
   *     file, owned by another user, group- or world-writable, changed while it was copied, or
   *     cannot be copied; nothing is left behind then
   */
  static IncomingBundle copy(Path original, Path root) throws NodeException {
    Path real;
    try {
      real = original.toRealPath();
    } catch (NoSuchFileException e) {
      throw invalid(
          "bundle: " + original + " not found; copy pigsty-pkg-*.tgz there or name it with -p");
    } catch (IOException e) {
      throw invalid("bundle: " + original + ": cannot read (" + FileErrors.describe(e) + ")");
    }
    Path parent = root.resolve(PARENT);
    Path createdTop = null;
    Path dir = null;
    try {
      Map<String, Object> before = stat(real);
      if (!isRegular(before)) {
        throw invalid("bundle: " + original + " is not a regular file");
      }
      for (Path p = parent; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); ) {
        createdTop = p;
        p = p.getParent();
      }
      Files.createDirectories(parent);
      if (createdTop != null) {
        for (Path p = parent; p.startsWith(createdTop); p = p.getParent()) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
      dir =
          Files.createTempDirectory(
              parent,
              "incoming-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      // the directory was just made by this process: its owner is the user running configure
      int self = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      checkOwnerAndMode(original, before, self);
      Path copy = dir.resolve(original.getFileName().toString());
      long copied;
      try (InputStream in =
              Files.newInputStream(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
          OutputStream out =
              Files.newOutputStream(
                  Files.createFile(
                      copy,
                      PosixFilePermissions.asFileAttribute(
                          PosixFilePermissions.fromString("rw-------"))),
                  StandardOpenOption.WRITE)) {
        copied = in.transferTo(out);
      }
      Map<String, Object> after = stat(real);
      checkOwnerAndMode(original, after, self);
      for (String k : new String[] {"dev", "ino", "size", "lastModifiedTime"}) {
        if (!Objects.equals(before.get(k), after.get(k))) {
          throw invalid(
              "bundle: " + original + " changed while it was copied (" + k + "); copy it again");
        }
      }
      if (copied != ((Number) after.get("size")).longValue()) {
        throw invalid(
            "bundle: " + original + " changed while it was copied (" + copied + " bytes read)");
      }
      IncomingBundle b = new IncomingBundle(original, dir, copy, createdTop);
      dir = null;
      createdTop = null;
      return b;
    } catch (FileAlreadyExistsException e) {
      throw invalid("bundle: copying " + original + " failed: " + FileErrors.describe(e));
    } catch (IOException e) {
      throw invalid(
          "bundle: copying "
              + original
              + " to "
              + (dir != null ? dir : parent)
              + " failed ("
              + FileErrors.describe(e)
              + ")");
    } finally {
      remove(dir, parent, createdTop);
    }
  }

  private static Map<String, Object> stat(Path p) throws IOException {
    return Files.readAttributes(
        p, "unix:mode,uid,dev,ino,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean isRegular(Map<String, Object> a) {
    return ((Integer) a.get("mode") & 0170000) == 0100000;
  }

  private static void checkOwnerAndMode(Path original, Map<String, Object> a, int self)
      throws NodeException {
    int uid = (Integer) a.get("uid");
    int mode = (Integer) a.get("mode") & 07777;
    if (uid != 0 && uid != self) {
      throw invalid(
          "bundle: "
              + original
              + " is owned by uid "
              + uid
              + ", not by root"
              + (self == 0 ? "" : " or uid " + self + " who runs configure")
              + ": its owner could change it; copy it as root (e.g. install -m 0600 "
              + original
              + " /root/) and give that with -p");
    }
    if ((mode & 022) != 0) {
      throw invalid(
          "bundle: "
              + original
              + " is group- or world-writable (mode "
              + String.format(Locale.ROOT, "%04o", mode)
              + "): others could change it; chmod go-w it, or copy it as root");
    }
  }

  private static NodeException invalid(String message) {
    return new NodeException(NodeException.Kind.BUNDLE_INVALID, message);
  }

  /**
   * @return the private copy
   */
  Path path() {
    return copy;
  }

  /**
   * @return the bundle as given
   */
  Path original() {
    return original;
  }

  /**
   * @param message a message naming the copy
   * @return the message naming the original instead, as the user knows it
   */
  String shown(String message) {
    return message.replace(copy.toString(), original.toString());
  }

  /** Removes the copy, its directory, and {@value #PARENT} when this made it (best effort). */
  @Override
  public void close() {
    remove(dir, dir.getParent(), createdTop);
  }

  /** Removes {@code dir}, then the empty directories from {@code parent} up to {@code top}. */
  private static void remove(Path dir, Path parent, Path top) {
    try {
      if (dir != null) {
        LocalRepo.deleteTree(dir);
      }
      for (Path p = parent; top != null && p != null && p.startsWith(top); p = p.getParent()) {
        Files.deleteIfExists(p); // fails on a directory another run still uses
      }
    } catch (IOException ignored) {
      // best effort: a leftover private directory holds only a copy of the bundle
    }
  }
}
