package io.pigsty.builder.bundle.deb;

import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.repo.deb.FlatRepository;
import io.pigsty.repo.sign.BundleKey;
import io.pigsty.repo.sign.SignatureException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata files of a flat APT repository, rendered in memory: {@code Packages}, {@code
 * Packages.gz}, {@code Release}, {@code InRelease} (clear-signed with the bundle key) and {@code
 * pigsty.gpg} (the key's public half, for {@code Signed-By:}).
 *
 * @param files file name to content, in a fixed order
 * @param keyFingerprint the signing key's fingerprint
 */
public record RepoFiles(Map<String, byte[]> files, String keyFingerprint) {

  /**
   * @param entries the packages and their file names in the repository
   * @param def the definition (names the repository in Release), or {@code null} for a plain
   *     directory index
   * @param key signs InRelease
   * @param date Release Date and signature time: a fixed instant gives reproducible bytes
   * @throws SignatureException when signing fails
   */
  public static RepoFiles render(
      List<FlatRepository.Entry> entries, BundleDefinition def, BundleKey key, Instant date)
      throws SignatureException {
    byte[] packages = FlatRepository.packagesFile(entries);
    byte[] packagesGz = FlatRepository.gzip(packages);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("Origin", "Pigsty");
    fields.put("Label", "Pigsty");
    if (def != null) {
      fields.put("Suite", def.name());
      fields.put("Codename", def.target().codename());
      fields.put("Architectures", def.target().arch() + " all");
      fields.put(
          "Description",
          "Pigsty offline bundle "
              + def.name()
              + " "
              + def.version()
              + " for "
              + def.target().os()
              + " "
              + def.target().release()
              + " "
              + def.target().arch());
    } else {
      fields.put("Description", "Pigsty local repository");
    }
    Map<String, byte[]> indexes = new LinkedHashMap<>();
    indexes.put("Packages", packages);
    indexes.put("Packages.gz", packagesGz);
    byte[] release = FlatRepository.releaseFile(fields, date, indexes);
    byte[] inRelease = key.clearSign(release, date);
    Map<String, byte[]> files = new LinkedHashMap<>(indexes);
    files.put("Release", release);
    files.put("InRelease", inRelease);
    files.put(DebBundleBuilder.KEYRING, key.publicKeyring());
    return new RepoFiles(files, key.fingerprint());
  }
}
