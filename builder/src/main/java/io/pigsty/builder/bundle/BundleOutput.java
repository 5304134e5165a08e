package io.pigsty.builder.bundle;

import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.files.RunLock;
import io.pigsty.builder.files.Tarball;
import io.pigsty.repo.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Puts a built repository in place: {@code <out>/<name>/pigsty/} (with {@code manifest.json} and
 * its signature {@code manifest.json.asc}) and {@code <out>/<bundle>.tgz} with its {@code .sha256}.
 * Everything is staged in a temp directory beside the destination and renamed into place, so a
 * failed build leaves the previous bundle (or nothing) and never a half-written one. A build whose
 * {@code manifest.json} equals the installed one, with an intact tarball, changes nothing. Each
 * install holds a {@link RunLock} on the destination and first removes the staging directories and
 * temp files that killed builds left there.
 */
public final class BundleOutput {
  private BundleOutput() {}

  /**
   * @param outDir the destination directory (created if missing)
   * @param def names the bundle file and the repository directory
   * @param packages file name in the repository to the verified file to hard-link or copy
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
        && Files.readString(sumFile).startsWith(Digests.sha256Hex(bundle))) {
      return true;
    }
    Path staging = Files.createTempDirectory(outDir, "." + def.name() + "-staging-");
    try {
      Path stagedRepo = staging.resolve(BundleBuilder.ROOT);
      Files.createDirectories(stagedRepo);
      for (Map.Entry<String, Path> f : packages.entrySet()) {
        Path to = stagedRepo.resolve(f.getKey());
        Files.createDirectories(to.getParent());
        linkOrCopy(f.getValue(), to);
      }
      for (Map.Entry<String, byte[]> m : metadata.entrySet()) {
        Path to = stagedRepo.resolve(m.getKey());
        Files.createDirectories(to.getParent());
        Files.write(to, m.getValue());
      }
      Files.write(stagedRepo.resolve(Manifest.FILE), manifest);
      Files.write(stagedRepo.resolve(Manifest.SIGNATURE), manifestSignature);
      Path tmpTgz = Files.createTempFile(outDir, "." + def.bundleFileName() + "-", ".tmp");
      try {
        String sum = Tarball.write(stagedRepo, BundleBuilder.ROOT, stamp, tmpTgz);
        Path tmpSum = Files.createTempFile(outDir, "." + def.bundleFileName() + "-", ".sha256.tmp");
        Files.writeString(tmpSum, sum + "  " + def.bundleFileName() + "\n");
        Path repoParent = repoDir.getParent();
        Files.createDirectories(repoParent);
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
   * a copy. Files in the content cache are never modified in place, so sharing is safe.
   */
  public static void linkOrCopy(Path from, Path to) throws IOException {
    try {
      Files.createLink(to, from);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
