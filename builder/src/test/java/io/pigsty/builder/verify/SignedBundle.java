package io.pigsty.builder.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.repo.Digests;
import io.pigsty.repo.deb.FlatRepository;
import io.pigsty.repo.sign.BundleKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A small signed Debian bundle as the builders lay it out (two fake .debs, Packages, Packages.gz,
 * Release, InRelease, pigsty.gpg, manifest.json and manifest.json.asc), held as a mutable map of
 * file to content so a test can add, drop or swap files, re-sign the manifest, and pack the entries
 * in any order.
 */
public final class SignedBundle {
  private static BundleKey key;
  private static BundleKey otherKey;

  /** Path under {@code pigsty/} to content, in tar order. */
  public final Map<String, byte[]> files = new LinkedHashMap<>();

  /** The manifest's {@code files} list, without the manifest itself. */
  public final List<Map<String, Object>> listed = new ArrayList<>();

  static synchronized BundleKey key() {
    if (key == null) {
      key = BundleKey.generate("Pigsty verify test key", Instant.parse("2024-01-01T00:00:00Z"));
    }
    return key;
  }

  static synchronized BundleKey otherKey() {
    if (otherKey == null) {
      otherKey = BundleKey.generate("Another key", Instant.parse("2024-01-01T00:00:00Z"));
    }
    return otherKey;
  }

  /** A good bundle: every check passes. */
  public static SignedBundle good() {
    SignedBundle b = new SignedBundle();
    StringBuilder packages = new StringBuilder();
    Map<String, byte[]> debs = new LinkedHashMap<>();
    for (String name : List.of("libserver", "server")) {
      String file = name + "_1.0-1_amd64.deb";
      byte[] deb = ("fake deb " + name + "\n").getBytes(StandardCharsets.UTF_8);
      debs.put(file, deb);
      packages
          .append("Package: ")
          .append(name)
          .append("\nVersion: 1.0-1\nArchitecture: amd64\nFilename: ./")
          .append(file)
          .append("\nSize: ")
          .append(deb.length)
          .append("\nSHA256: ")
          .append(Digests.sha256Hex(deb))
          .append("\nDescription: test\n\n");
    }
    byte[] plain = packages.toString().getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> indexes = new LinkedHashMap<>();
    indexes.put("Packages", plain);
    indexes.put("Packages.gz", FlatRepository.gzip(plain));
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("Origin", "Pigsty");
    fields.put("Label", "Pigsty");
    Instant date = key().keyCreated();
    byte[] release = FlatRepository.releaseFile(fields, date, indexes);
    b.put("InRelease", key().clearSign(release, date));
    indexes.forEach(b::put);
    b.put("Release", release);
    debs.forEach(b::put);
    b.put("pigsty.gpg", key().publicKeyring());
    b.signManifest();
    return b;
  }

  /** Adds a file and lists it in the manifest (call {@link #signManifest} after). */
  public SignedBundle put(String path, byte[] data) {
    files.put(path, data);
    listed.removeIf(m -> m.get("path").equals(path));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path);
    m.put("size", data.length);
    m.put("sha256", Digests.sha256Hex(data));
    listed.add(m);
    return this;
  }

  /** Renders manifest.json from {@link #listed} and signs it with the bundle key. */
  public SignedBundle signManifest() {
    return signManifest(key());
  }

  /** Renders manifest.json from {@link #listed} and signs it with {@code by}. */
  public SignedBundle signManifest(BundleKey by) {
    files.put("manifest.json", manifest());
    files.put("manifest.json.asc", by.detachSign(manifest(), true, key().keyCreated()));
    return this;
  }

  /** Moves manifest.json and its signature to the front of the tar order. */
  public SignedBundle manifestFirst() {
    Map<String, byte[]> rest = new LinkedHashMap<>(files);
    files.clear();
    files.put("manifest.json", rest.remove("manifest.json"));
    files.put("manifest.json.asc", rest.remove("manifest.json.asc"));
    files.putAll(rest);
    return this;
  }

  /** The manifest as {@link #listed} says now. */
  public byte[] manifest() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", 1);
    m.put("name", "test");
    m.put("signing_key", Map.of("fingerprint", key().fingerprint(), "file", "pigsty.gpg"));
    m.put("files", listed);
    try {
      return new ObjectMapper().writeValueAsBytes(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Packs the files in {@link #files} order; see {@link #pack(Path, String, long)}. */
  public Path pack(Path out) throws IOException {
    return pack(out, null, 0);
  }

  /**
   * Packs the files in {@link #files} order under {@code pigsty/}.
   *
   * @param huge when non-null, the entry of this name holds {@code hugeSize} zero bytes instead of
   *     its content, written as it streams (nothing that size is held)
   */
  public Path pack(Path out, String huge, long hugeSize) throws IOException {
    try (OutputStream fo = Files.newOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(fo))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry dir = new TarArchiveEntry("pigsty/");
      tar.putArchiveEntry(dir);
      tar.closeArchiveEntry();
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        boolean big = f.getKey().equals(huge);
        TarArchiveEntry e = new TarArchiveEntry("pigsty/" + f.getKey());
        e.setSize(big ? hugeSize : f.getValue().length);
        tar.putArchiveEntry(e);
        if (big) {
          byte[] block = new byte[1 << 16];
          for (long left = hugeSize; left > 0; left -= block.length) {
            tar.write(block, 0, (int) Math.min(block.length, left));
          }
        } else {
          tar.write(f.getValue());
        }
        tar.closeArchiveEntry();
      }
    }
    return out;
  }
}
