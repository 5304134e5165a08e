package io.pigsty.builder.configure;

import io.pigsty.builder.files.AptSourceFiles;
import io.pigsty.builder.files.FileErrors;
import io.pigsty.builder.files.Tarball;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The node's local APT repository: a bundle extracted to {@code /www/pigsty} (Pigsty's local repo
 * layout) and the deb822 source that points apt at it, signed by the bundle's own key.
 */
public final class LocalRepo {
  /** Top directory of a bundle tarball, and the repository's name under {@code /www}. */
  public static final String ROOT = "pigsty";

  /** The source file, relative to the node's root. */
  public static final String SOURCES = "etc/apt/sources.list.d/pigsty-local.sources";

  /** Where other sources are moved on an offline node, relative to the node's root. */
  public static final String BACKUP = AptSourceFiles.BACKUP;

  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-r--r--");

  private LocalRepo() {}

  /**
   * Reads one file of a bundle without extracting anything; stops at that entry.
   *
   * @param tgz the bundle
   * @param rel the path under {@code pigsty/}, e.g. {@code Packages}
   * @return its content
   * @throws NodeException BUNDLE_INVALID when the bundle cannot be read or lacks the file
   */
  public static byte[] read(Path tgz, String rel) throws NodeException {
    try (InputStream in =
            new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (e.isFile() && e.getName().equals(ROOT + "/" + rel)) {
          return tar.readAllBytes();
        }
      }
    } catch (IOException e) {
      throw new NodeException(
          NodeException.Kind.BUNDLE_INVALID,
          tgz + ": cannot read " + rel + " (" + FileErrors.describe(e) + ")",
          e);
    }
    throw new NodeException(NodeException.Kind.BUNDLE_INVALID, tgz + ": no " + ROOT + "/" + rel);
  }

  /**
   * Extracts a bundle to {@code www/pigsty} through a temporary directory {@code www/.pigsty-*}
   * renamed into place (a previous repository is replaced only then). Files get mode 0644 and
   * directories 0755, so nginx can serve them (Pigsty issue #57: a wrong owner gave 403s).
   *
   * @param tgz the bundle (verified before)
   * @param www the {@code /www} directory (created 0755 if missing)
   * @return the repository directory
   * @throws NodeException UNSAFE_ENTRY for an entry that would land outside, is not a regular file
   *     or directory, or repeats a path ({@link Tarball.Checker}), BUNDLE_INVALID when the tarball
   *     cannot be read or written out; in both cases nothing is left behind
   */
  public static Path extract(Path tgz, Path www) throws NodeException {
    boolean createdWww = !Files.exists(www, LinkOption.NOFOLLOW_LINKS);
    Path tmp = null;
    try {
      Files.createDirectories(www);
      if (createdWww) {
        Files.setPosixFilePermissions(www, DIR_MODE);
      }
      tmp = Files.createTempDirectory(www, "." + ROOT + "-");
      try (InputStream in =
              new GZIPInputStream(
                  new BufferedInputStream(Files.newInputStream(tgz), 1 << 20), 1 << 16);
          TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        Tarball.Checker checker = new Tarball.Checker(ROOT, false);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          String why = checker.check(e);
          if (why != null) {
            throw new NodeException(
                NodeException.Kind.UNSAFE_ENTRY,
                tgz + ": entry '" + e.getName() + "' " + why + "; nothing was extracted");
          }
          String rel = e.getName().substring(ROOT.length()).replaceFirst("^/+", "");
          Path target = tmp.resolve(rel).normalize();
          if (!target.startsWith(tmp)) {
            throw new NodeException(
                NodeException.Kind.UNSAFE_ENTRY,
                tgz
                    + ": entry '"
                    + e.getName()
                    + "' would land outside "
                    + www.resolve(ROOT)
                    + "; nothing was extracted");
          }
          if (e.isDirectory()) {
            Files.createDirectories(target);
            Files.setPosixFilePermissions(target, DIR_MODE);
          } else {
            Files.createDirectories(target.getParent());
            Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, FILE_MODE);
          }
        }
      }
      Files.setPosixFilePermissions(tmp, DIR_MODE);
      Path repo = www.resolve(ROOT);
      Path old = null;
      if (Files.exists(repo, LinkOption.NOFOLLOW_LINKS)) {
        old = Files.createTempDirectory(www, "." + ROOT + "-old-");
        Files.move(repo, old.resolve(ROOT), StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, repo, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      if (old != null) {
        deleteTree(old);
      }
      return repo;
    } catch (IOException e) {
      throw new NodeException(
          NodeException.Kind.BUNDLE_INVALID,
          tgz
              + ": extracting to "
              + www
              + " failed ("
              + FileErrors.describe(e)
              + "); nothing was changed",
          e);
    } finally {
      if (tmp != null) {
        try {
          deleteTree(tmp);
          if (createdWww) {
            Files.deleteIfExists(www);
          }
        } catch (IOException ignored) {
          // best effort: the error being thrown names the bundle
        }
      }
    }
  }

  /**
   * The deb822 source for the local repository: a flat repository ({@code Suites: ./}) checked
   * against the bundle's key (never {@code trusted=yes}); sources.list(5), "DEB822-STYLE FORMAT".
   *
   * @param repoDir the repository path on the node, e.g. {@code /www/pigsty}
   * @return the file content
   */
  public static String sources(String repoDir) {
    return "# Pigsty local repository, written by 'pigsty configure'\n"
        + "Types: deb\n"
        + "URIs: file:"
        + repoDir
        + "\n"
        + "Suites: ./\n"
        + "Signed-By: "
        + repoDir
        + "/pigsty.gpg\n";
  }

  /**
   * Writes {@link #SOURCES} under {@code root} (temp file + rename, mode 0644).
   *
   * @param root the node's {@code /}
   * @return the file written
   * @throws IOException when it cannot be written
   */
  public static Path writeSources(Path root) throws IOException {
    Path f = root.resolve(SOURCES);
    Files.createDirectories(f.getParent());
    Path tmp = Files.createTempFile(f.getParent(), ".pigsty-local-", ".tmp");
    try {
      Files.writeString(tmp, sources("/www/" + ROOT), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp, FILE_MODE);
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return f;
  }

  /**
   * Moves every other apt source ({@code sources.list}, {@code sources.list.d/*.list} and {@code
   * *.sources} but ours) to {@link #BACKUP}, keeping their relative paths, so an offline node's
   * {@code apt-get update} does not wait on unreachable mirrors. Restore by moving them back.
   *
   * @param root the node's {@code /}
   * @return the files moved, at their new place
   * @throws IOException when a move fails
   */
  public static List<Path> moveOtherSourcesAside(Path root) throws IOException {
    return moveOtherSourcesAside(root, Path.of(SOURCES).getFileName().toString());
  }

  /**
   * {@link #moveOtherSourcesAside(Path)} keeping {@code keep} (a file name under {@code
   * sources.list.d}) in place ({@link AptSourceFiles#moveAside}).
   *
   * @return the files moved, at their new place
   * @throws IOException when a move fails
   */
  public static List<Path> moveOtherSourcesAside(Path root, String keep) throws IOException {
    return AptSourceFiles.moveAside(root, keep);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
