package io.pigsty.builder.bundle;

import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.files.RunLock;
import io.pigsty.builder.files.Tarball;
import io.pigsty.repo.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Puts a built repository in place: {@code <out>/<name>/pigsty/} (with {@code manifest.json} and
 * its signature {@code manifest.json.asc}) and {@code <out>/<bundle>.tgz} with its {@code .sha256}.
 * Everything is staged in a temp directory beside the destination and renamed into place, so a
 * failed build leaves the previous bundle (or nothing) and never a half-written one. A build whose
 * {@code manifest.json} equals the installed one, with an intact tarball and an unpacked repository
 * whose files and modes are exactly those about to be written, changes nothing. Each install holds
 * a {@link RunLock} on the destination and first removes the staging directories and temp files
 * that killed builds left there.
 */
public final class BundleOutput {
  private BundleOutput() {}

  /**
   * @param outDir the destination directory (created if missing)
   * @param def names the bundle file and the repository directory
   * @param packages file name in the repository to the verified file to copy
   * @param metadata file name (may contain one {@code /}) to content
   * @param manifest the manifest.json bytes
   * @param manifestSignature its detached signature ({@link Manifest#sign}), written as {@value
   *     Manifest#SIGNATURE}
   * @param stamp tar entry mtime
   * @return true when the installed bundle was already up to date (nothing written)
   */
  public static boolean install(
      Path outDir,
      BundleDefinition def,
      Map<String, Path> packages,
      Map<String, byte[]> metadata,
      byte[] manifest,
      byte[] manifestSignature,
      Instant stamp)
      throws IOException {
    Files.createDirectories(outDir);
    try (RunLock lock = RunLock.acquire(outDir)) {
      removeLeftovers(lock, outDir, def);
      return installLocked(outDir, def, packages, metadata, manifest, manifestSignature, stamp);
    }
  }

  /**
   * Removes what builds killed before this one left in {@code outDir}: {@code .NAME-staging-*}
   * directories and {@code .*.tmp} files beside the bundles, and {@code .old-*} directories in the
   * bundle's own directory; only those older than every live build on {@code outDir} ({@link
   * RunLock}).
   */
  private static void removeLeftovers(RunLock lock, Path outDir, BundleDefinition def)
      throws IOException {
    lock.removeLeftovers(
        outDir,
        1,
        (p, dir) -> {
          String n = p.getFileName().toString();
          return n.startsWith(".") && (dir ? n.contains("-staging-") : n.endsWith(".tmp"));
        });
    lock.removeLeftovers(
        outDir.resolve(def.name()),
        1,
        (p, dir) -> dir && p.getFileName().toString().startsWith(".old-"));
  }

  private static boolean installLocked(
      Path outDir,
      BundleDefinition def,
      Map<String, Path> packages,
      Map<String, byte[]> metadata,
      byte[] manifest,
      byte[] manifestSignature,
      Instant stamp)
      throws IOException {
    Path bundle = outDir.resolve(def.bundleFileName());
    Path sumFile = Path.of(bundle + ".sha256");
    Path repoDir = outDir.resolve(def.name()).resolve(BundleBuilder.ROOT);
    Path manifestCopy = repoDir.resolve(Manifest.FILE);
    Path signatureCopy = repoDir.resolve(Manifest.SIGNATURE);
    if (Files.isRegularFile(bundle)
        && Files.isRegularFile(manifestCopy)
        && Arrays.equals(Files.readAllBytes(manifestCopy), manifest)
        && Files.isRegularFile(signatureCopy)
        && Arrays.equals(Files.readAllBytes(signatureCopy), manifestSignature)
        && Files.isRegularFile(sumFile)
        && Files.readString(sumFile).startsWith(Digests.sha256Hex(bundle))
        && repositoryIntact(repoDir, packages, metadata)) {
      return true;
    }
    Path staging = Files.createTempDirectory(outDir, "." + def.name() + "-staging-");
    try {
      Path stagedRepo = staging.resolve(BundleBuilder.ROOT);
      Files.createDirectories(stagedRepo);
      for (Map.Entry<String, Path> f : packages.entrySet()) {
        Path to = stagedRepo.resolve(f.getKey());
        Files.createDirectories(to.getParent());
        copy(f.getValue(), to);
      }
      for (Map.Entry<String, byte[]> m : metadata.entrySet()) {
        Path to = stagedRepo.resolve(m.getKey());
        Files.createDirectories(to.getParent());
        Files.write(to, m.getValue());
      }
      Files.write(stagedRepo.resolve(Manifest.FILE), manifest);
      Files.write(stagedRepo.resolve(Manifest.SIGNATURE), manifestSignature);
      servable(stagedRepo);
      Path tmpTgz = Files.createTempFile(outDir, "." + def.bundleFileName() + "-", ".tmp");
      try {
        String sum = Tarball.write(stagedRepo, BundleBuilder.ROOT, stamp, tmpTgz);
        Path tmpSum = Files.createTempFile(outDir, "." + def.bundleFileName() + "-", ".sha256.tmp");
        Files.writeString(tmpSum, sum + "  " + def.bundleFileName() + "\n");
        if (posix(outDir)) {
          // temp files are created 0600; the bundle is published as is
          Files.setPosixFilePermissions(tmpTgz, FILE_MODE);
          Files.setPosixFilePermissions(tmpSum, FILE_MODE);
        }
        Path repoParent = repoDir.getParent();
        Files.createDirectories(repoParent);
        if (posix(repoParent)) {
          Files.setPosixFilePermissions(repoParent, DIR_MODE);
        }
        Path old = null;
        if (Files.exists(repoDir)) {
          old = Files.createTempDirectory(repoParent, ".old-");
          Files.move(repoDir, old.resolve(BundleBuilder.ROOT), StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(stagedRepo, repoDir, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
          Tarball.deleteTree(old);
        }
        Files.move(
            tmpTgz, bundle, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
            tmpSum, sumFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmpTgz);
      }
    } finally {
      Tarball.deleteTree(staging);
    }
    return false;
  }

  /**
   * A hard link to {@code from} at {@code to} (cache and output share a file system, usually), else
   * a copy. Only for files that stay inside the content cache (rpm metadata), never for an output:
   * an output edited in place would change the cache entry too.
   */
  public static void linkOrCopy(Path from, Path to) throws IOException {
    try {
      Files.createLink(to, from);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * A copy of a verified file, never a hard link: the repository's files are the user's to serve or
   * edit, and editing one must not change the content cache it came from.
   */
  private static void copy(Path from, Path to) throws IOException {
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Mode of every file of the unpacked repository: 0644, as a web server serves it. */
  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");

  /** Mode of every directory of the unpacked repository: 0755. */
  static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

  /**
   * Gives every file under {@code root} mode 0644 and every directory 0755, whatever the umask and
   * the modes of the cache entries copied in (0600, as the downloader creates them), so nginx or
   * any web server can serve the repository; the tarball's members carry the same modes ({@link
   * Tarball#write}). No-op on a file system without POSIX permissions.
   */
  private static void servable(Path root) throws IOException {
    if (!posix(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.setPosixFilePermissions(p, Files.isDirectory(p) ? DIR_MODE : FILE_MODE);
      }
    }
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /**
   * Whether an installed repository holds exactly the files about to be installed: the same names
   * (plus the manifest and its signature, checked by the caller), every package byte-equal to its
   * verified source, every metadata file equal to its content, regular files 0644 in directories
   * 0755. A package edited in place, a file added or removed, or a mode narrowed makes the build
   * install again.
   */
  private static boolean repositoryIntact(
      Path repoDir, Map<String, Path> packages, Map<String, byte[]> metadata) throws IOException {
    if (!Files.isDirectory(repoDir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    Set<String> expected = new HashSet<>(packages.keySet());
    expected.addAll(metadata.keySet());
    expected.add(Manifest.FILE);
    expected.add(Manifest.SIGNATURE);
    boolean posix = posix(repoDir);
    Set<String> found = new HashSet<>();
    try (Stream<Path> s = Files.walk(repoDir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        if (!dir && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          return false;
        }
        if (posix
            && !Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)
                .equals(dir ? DIR_MODE : FILE_MODE)) {
          return false;
        }
        if (!dir) {
          found.add(repoDir.relativize(p).toString().replace('\\', '/'));
        }
      }
    }
    if (!found.equals(expected)) {
      return false;
    }
    for (Map.Entry<String, byte[]> m : metadata.entrySet()) {
      if (!Arrays.equals(Files.readAllBytes(repoDir.resolve(m.getKey())), m.getValue())) {
        return false;
      }
    }
    for (Map.Entry<String, Path> f : packages.entrySet()) {
      if (Files.mismatch(repoDir.resolve(f.getKey()), f.getValue()) != -1) {
        return false;
      }
    }
    return true;
  }
}
