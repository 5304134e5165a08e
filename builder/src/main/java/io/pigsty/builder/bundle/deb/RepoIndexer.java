package io.pigsty.builder.bundle.deb;

import io.pigsty.builder.bundle.BundleException;
import io.pigsty.repo.Digests;
import io.pigsty.repo.deb.DebFile;
import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.FlatRepository;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.rpm.MetadataCompression;
import io.pigsty.repo.rpm.RepodataWriter;
import io.pigsty.repo.rpm.RpmMetadataException;
import io.pigsty.repo.sign.BundleKey;
import io.pigsty.repo.sign.SignatureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes signed flat-repository metadata for a directory of .deb files (what {@code
 * dpkg-scanpackages} plus {@code apt-ftparchive release} plus {@code gpg --clearsign} do):
 * Packages, Packages.gz, Release, InRelease and the public keyring {@code pigsty.gpg}. Each file is
 * written to a temp name and renamed into place.
 */
public final class RepoIndexer {
  private RepoIndexer() {}

  /**
   * @param dir the directory; .deb files are found recursively and listed by relative path
   * @param key signs InRelease
   * @param date Release Date and signature time
   * @return the number of packages indexed
   * @throws MetadataException naming the first .deb that is not a valid package
   * @throws BundleException when the directory has no .deb file
   */
  public static int index(Path dir, BundleKey key, Instant date)
      throws IOException, MetadataException, SignatureException, BundleException {
    return index(dir, key, date, false);
  }

  /**
   * Indexes a directory of .deb files (flat APT repository) or of .rpm files (yum/dnf repository:
   * {@code repodata/} like createrepo_c, {@code repodata/repomd.xml.asc} signed with the bundle
   * key, its public key as {@code RPM-GPG-KEY-pigsty} and {@code pigsty.gpg}).
   *
   * @param zstd for RPM repositories, compress the XML with zstd (EL9 and later) instead of gzip
   * @return the number of packages indexed
   * @throws BundleException when the directory holds neither, or both kinds
   * @throws io.pigsty.repo.rpm.RpmMetadataException naming an .rpm that cannot be read (as a
   *     MetadataException)
   */
  public static int index(Path dir, BundleKey key, Instant date, boolean zstd)
      throws IOException, MetadataException, SignatureException, BundleException {
    return index(dir, key, date, zstd, null);
  }

  /**
   * As {@link #index(Path, BundleKey, Instant, boolean)}, and for RPM repositories lists a {@code
   * modules.yaml} (module streams and defaults, as createrepo_c's {@code modifyrepo_c
   * --mdtype=modules} does) in repomd.xml as type {@code modules}.
   *
   * @param modules the modules.yaml file, plain or compressed as its name says ({@code .gz}, {@code
   *     .xz}, {@code .zst}, {@code .bz2}); null for none
   * @throws BundleException also when modules is given for a directory of .deb files
   */
  public static int index(Path dir, BundleKey key, Instant date, boolean zstd, Path modules)
      throws IOException, MetadataException, SignatureException, BundleException {
    List<Path> debs;
    List<Path> rpms;
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> all = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
      debs = all.stream().filter(p -> p.toString().endsWith(".deb")).collect(Collectors.toList());
      rpms = all.stream().filter(p -> p.toString().endsWith(".rpm")).collect(Collectors.toList());
    }
    if (!debs.isEmpty() && !rpms.isEmpty()) {
      throw new BundleException(dir + ": holds both .deb and .rpm files; index them apart");
    }
    if (!rpms.isEmpty()) {
      byte[] yaml = null;
      if (modules != null) {
        try (var in =
            MetadataCompression.open(
                Files.newInputStream(modules), modules.getFileName().toString())) {
          yaml = in.readAllBytes();
        } catch (IOException e) {
          throw new BundleException(
              modules + ": cannot read the modules file (" + e.getMessage() + ")");
        }
      }
      return indexRpms(dir, rpms, key, date, zstd, yaml);
    }
    if (modules != null) {
      throw new BundleException(
          modules + ": modules.yaml applies to RPM repositories; " + dir + " holds .deb files");
    }
    if (debs.isEmpty()) {
      throw new BundleException(dir + ": no .deb or .rpm files to index");
    }
    List<FlatRepository.Entry> entries = new ArrayList<>();
    for (Path deb : debs) {
      DebPackage p = DebFile.readControl(deb);
      String rel = "./" + dir.relativize(deb).toString().replace('\\', '/');
      entries.add(new FlatRepository.Entry(p, rel, Files.size(deb), Digests.sha256Hex(deb)));
    }
    RepoFiles files = RepoFiles.render(entries, null, key, date);
    List<Path> temps = new ArrayList<>();
    try {
      for (Map.Entry<String, byte[]> f : files.files().entrySet()) {
        Path tmp = Files.createTempFile(dir, "." + f.getKey() + "-", ".tmp");
        temps.add(tmp);
        Files.write(tmp, f.getValue());
        readable(tmp);
      }
      int i = 0;
      for (String name : files.files().keySet()) {
        Files.move(
            temps.get(i++),
            dir.resolve(name),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
    return entries.size();
  }

  private static int indexRpms(
      Path dir, List<Path> rpms, BundleKey key, Instant date, boolean zstd, byte[] modules)
      throws IOException, MetadataException {
    Map<String, byte[]> files;
    try {
      files =
          RepodataWriter.write(
              dir,
              rpms,
              date,
              zstd ? RepodataWriter.Compression.ZSTD : RepodataWriter.Compression.GZ,
              modules);
    } catch (RpmMetadataException e) {
      throw new MetadataException(e.getMessage(), e);
    }
    Map<Path, byte[]> extra = new LinkedHashMap<>();
    extra.put(
        dir.resolve("repodata/repomd.xml.asc"),
        key.detachSign(files.get("repomd.xml"), true, date));
    extra.put(
        dir.resolve("RPM-GPG-KEY-pigsty"),
        key.publicKeyArmored().getBytes(StandardCharsets.US_ASCII));
    extra.put(dir.resolve(DebBundleBuilder.KEYRING), key.publicKeyring());
    for (Map.Entry<Path, byte[]> f : extra.entrySet()) {
      writeReadable(f.getKey(), f.getValue());
    }
    return rpms.size();
  }

  /**
   * Writes a file world-readable (0644) through a temp file beside it and a rename, so a reader
   * sees the old content or the new, never a part.
   *
   * @param file the file to write (its directory must exist)
   * @param bytes its content
   */
  public static void writeReadable(Path file, byte[] bytes) throws IOException {
    Path tmp =
        Files.createTempFile(
            file.toAbsolutePath().getParent(), "." + file.getFileName() + "-", ".tmp");
    try {
      Files.write(tmp, bytes);
      readable(tmp);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Temp files are created 0600; repository files must be world-readable (apt reads them as the
   * {@code _apt} user, dnf and nginx as others), so they get 0644 before the rename.
   */
  static void readable(Path p) throws IOException {
    try {
      Files.setPosixFilePermissions(
          p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to widen
    }
  }
}
