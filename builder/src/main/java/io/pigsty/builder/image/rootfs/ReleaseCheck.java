package io.pigsty.builder.image.rootfs;

import io.pigsty.builder.bundle.Tarball;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Checks a release tarball ({@code pigsty-<version>.tgz}, made by {@code box/release.sh}) before
 * it is unpacked into an image: it is a readable gzip tarball to its end; every entry is under
 * {@code pigsty/} with no {@code ..} segment; there are no devices, FIFOs or hard links; a
 * symbolic link (the jlinked runtime has some in {@code jre/legal/}) is relative and resolves
 * inside {@code pigsty/}; {@code pigsty/Makefile} is there; and, when {@code <release>.sha256}
 * exists beside it ({@code sha256sum} format), the SHA256 matches.
 */
public final class ReleaseCheck {
  private static final String ROOT = "pigsty";

  private ReleaseCheck() {}

  /**
   * @param release the release tarball
   * @throws RootfsException naming the release and every problem found
   */
  public static void check(Path release) throws RootfsException {
    if (!Files.isRegularFile(release)) {
      throw new RootfsException(release + ": no such release (make release writes dist/pigsty-<version>.tgz; "
          + "or name one with --release)");
    }
    List<String> problems = new ArrayList<>();
    boolean makefile = false;
    try (InputStream gz = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(release), 1 << 20), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String why = unsafe(e);
        if (why != null) {
          problems.add("entry '" + e.getName() + "' " + why);
        }
        makefile |= e.isFile() && e.getName().equals(ROOT + "/Makefile");
      }
      byte[] buf = new byte[1 << 16];
      while (gz.read(buf) >= 0) {
        // to the end: GZIPInputStream checks CRC-32 and length there
      }
    } catch (EOFException e) {
      throw new RootfsException(release + ": truncated (unexpected end of the gzip stream)", e);
    } catch (IOException e) {
      throw new RootfsException(release + ": not a readable gzip tarball (" + e.getMessage() + ")", e);
    }
    if (!makefile) {
      problems.add("no " + ROOT + "/Makefile (not a Pigsty release)");
    }
    Path sums = release.resolveSibling(release.getFileName() + ".sha256");
    if (Files.isRegularFile(sums)) {
      try {
        String want = Files.readString(sums).strip().split("\\s+")[0];
        String have = Tarball.sha256(release);
        if (!want.equalsIgnoreCase(have)) {
          problems.add("SHA256 " + have + " does not match " + sums + " (" + want + ")");
        }
      } catch (IOException e) {
        problems.add("cannot read " + sums + " (" + e.getMessage() + ")");
      }
    }
    if (!problems.isEmpty()) {
      throw new RootfsException(release + ": " + String.join("; ", problems));
    }
  }

  /** @return why an entry is unsafe to unpack into the image's /root, or null */
  static String unsafe(TarArchiveEntry e) {
    String name = e.getName();
    if (name.startsWith("/")) {
      return "is an absolute path";
    }
    if (List.of(name.split("/")).contains("..")) {
      return "climbs out with '..'";
    }
    if (!name.equals(ROOT + "/") && !name.startsWith(ROOT + "/")) {
      return "is outside " + ROOT + "/";
    }
    if (e.isLink()) {
      return "is a hard link (to '" + e.getLinkName() + "')";
    }
    if (e.isSymbolicLink()) {
      String target = e.getLinkName();
      Path resolved = Path.of(name).getParent().resolve(target).normalize();
      if (target.startsWith("/") || !resolved.startsWith(ROOT)) {
        return "is a symbolic link leaving " + ROOT + "/ (to '" + target + "')";
      }
      return null;
    }
    if (!e.isFile() && !e.isDirectory()) {
      return "is not a regular file, directory or symbolic link";
    }
    return null;
  }
}
