package io.pigsty.builder.bundle;

import io.pigsty.repo.deb.DebFile;
import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.FlatRepository;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.sign.BundleKey;
import io.pigsty.repo.sign.SignatureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes signed flat-repository metadata for a directory of .deb files (what
 * {@code dpkg-scanpackages} plus {@code apt-ftparchive release} plus {@code gpg --clearsign}
 * do): Packages, Packages.gz, Release, InRelease and the public keyring {@code pigsty.gpg}.
 * Each file is written to a temp name and renamed into place.
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
    List<Path> debs;
    try (Stream<Path> s = Files.walk(dir)) {
      debs = s.filter(p -> p.toString().endsWith(".deb") && Files.isRegularFile(p)).sorted()
          .collect(Collectors.toList());
    }
    if (debs.isEmpty()) {
      throw new BundleException(dir + ": no .deb files to index");
    }
    List<FlatRepository.Entry> entries = new ArrayList<>();
    for (Path deb : debs) {
      DebPackage p = DebFile.readControl(deb);
      String rel = "./" + dir.relativize(deb).toString().replace('\\', '/');
      entries.add(new FlatRepository.Entry(p, rel, Files.size(deb), Tarball.sha256(deb)));
    }
    RepoFiles files = RepoFiles.render(entries, null, key, date);
    List<Path> temps = new ArrayList<>();
    try {
      for (Map.Entry<String, byte[]> f : files.files().entrySet()) {
        Path tmp = Files.createTempFile(dir, "." + f.getKey() + "-", ".tmp");
        temps.add(tmp);
        Files.write(tmp, f.getValue());
      }
      int i = 0;
      for (String name : files.files().keySet()) {
        Files.move(temps.get(i++), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
    return entries.size();
  }
}
