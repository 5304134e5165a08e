package io.pigsty.repo.rpm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A yum/dnf repository on local disk: its {@link Repomd}, the packages of its primary metadata, and
 * on-demand access to filelists and the untouched {@code modules.yaml} file.
 */
public final class RpmRepository {
  private final String id;
  private final Path root;
  private final Repomd repomd;
  private final List<RpmPackage> packages;

  private RpmRepository(String id, Path root, Repomd repomd, List<RpmPackage> packages) {
    this.id = id;
    this.root = root;
    this.repomd = repomd;
    this.packages = packages;
  }

  /**
   * Loads {@code root/repodata/repomd.xml} and the primary it names, after checking the primary's
   * size and checksum against repomd, decompressing no more than its repomd {@code open-size}
   * ({@link MetadataCompression#boundFor}).
   *
   * @param id a name for messages and explanations (e.g. {@code baseos}), never null
   * @param root repository root (the directory holding {@code repodata/}), never null
   * @return the loaded repository
   * @throws RpmMetadataException naming the file when repomd or primary is missing, does not match
   *     its checksum, expands past its open-size, or cannot be parsed
   */
  public static RpmRepository load(String id, Path root) throws RpmMetadataException {
    return load(id, root, null);
  }

  /**
   * Loads as {@link #load(String, Path)} does, keeping the parsed primary as a {@link
   * PrimarySnapshot} in {@code snapshots/<checksum>.prm1}, followed by its own SHA256, and reading
   * it from there next time (after the same checksum check of the primary file). A snapshot that
   * does not match its SHA256 (edited or damaged) or does not parse is replaced; one that cannot be
   * written only makes the next load slower.
   *
   * @param snapshots directory for snapshots (created when needed), or null for none
   */
  public static RpmRepository load(String id, Path root, Path snapshots)
      throws RpmMetadataException {
    Path repomdFile = root.resolve("repodata").resolve("repomd.xml");
    Repomd md = Repomd.read(repomdFile);
    Repomd.Data primary =
        md.find("primary")
            .orElseThrow(
                () -> new RpmMetadataException(repomdFile + ": no <data type=\"primary\">"));
    Path primaryFile = root.resolve(primary.href());
    verify(primaryFile, primary);
    long bound = MetadataCompression.boundFor(primary);
    if (snapshots == null
        || primary.checksum() == null
        || !primary.checksum().matches("[0-9a-fA-F]{32,128}")) {
      return new RpmRepository(
          id, root, md, List.copyOf(PrimaryReader.readAll(primaryFile, bound)));
    }
    Path snap = snapshots.resolve(primary.checksum().toLowerCase(Locale.ROOT) + ".prm1");
    if (Files.isRegularFile(snap)) {
      try {
        return new RpmRepository(
            id,
            root,
            md,
            List.copyOf(PrimarySnapshot.read(unsealed(Files.readAllBytes(snap)), snap.toString())));
      } catch (IOException | RpmMetadataException e) {
        // parse the XML again and replace it below
      }
    }
    List<RpmPackage> pkgs = List.copyOf(PrimaryReader.readAll(primaryFile, bound));
    try {
      Files.createDirectories(snapshots);
      Path tmp = Files.createTempFile(snapshots, ".prm-", ".tmp");
      try {
        Files.write(tmp, sealed(PrimarySnapshot.write(pkgs)));
        Files.move(tmp, snap, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException | RuntimeException e) {
      // best effort
    }
    return new RpmRepository(id, root, md, pkgs);
  }

  /** Length of the SHA256 that ends a stored snapshot. */
  private static final int SEAL = 32;

  /** A snapshot as stored: its bytes, then their SHA256, so an edited one is noticed on read. */
  private static byte[] sealed(byte[] snapshot) throws IOException {
    byte[] out = Arrays.copyOf(snapshot, snapshot.length + SEAL);
    System.arraycopy(sha256().digest(snapshot), 0, out, snapshot.length, SEAL);
    return out;
  }

  /**
   * @throws IOException when the stored SHA256 does not match the snapshot bytes
   */
  private static byte[] unsealed(byte[] stored) throws IOException {
    if (stored.length >= SEAL) {
      MessageDigest md = sha256();
      md.update(stored, 0, stored.length - SEAL);
      if (MessageDigest.isEqual(
          md.digest(), Arrays.copyOfRange(stored, stored.length - SEAL, stored.length))) {
        return Arrays.copyOf(stored, stored.length - SEAL);
      }
    }
    throw new IOException("snapshot does not match its SHA256");
  }

  private static MessageDigest sha256() throws IOException {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IOException("SHA-256 unavailable", e);
    }
  }

  /**
   * Checks a stored metadata file's size and checksum against its repomd entry.
   *
   * @param file the stored (compressed) file, never null
   * @param entry its repomd entry, never null
   * @throws RpmMetadataException naming the file when it is missing, the size differs, the checksum
   *     differs, or the algorithm is unknown
   */
  public static void verify(Path file, Repomd.Data entry) throws RpmMetadataException {
    if (!Files.isRegularFile(file)) {
      throw new RpmMetadataException(
          file + ": missing (listed in repomd.xml as " + entry.type() + ")");
    }
    try {
      if (entry.size() >= 0 && Files.size(file) != entry.size()) {
        throw new RpmMetadataException(
            file + ": size " + Files.size(file) + " bytes, repomd.xml says " + entry.size());
      }
      if (entry.checksum() != null) {
        String algo =
            switch (entry.checksumType() == null
                ? "sha256"
                : entry.checksumType().toLowerCase(Locale.ROOT)) {
              case "sha256" -> "SHA-256";
              case "sha512" -> "SHA-512";
              case "sha1", "sha" -> "SHA-1";
              case "sha384" -> "SHA-384";
              case "sha224" -> "SHA-224";
              case "md5" -> "MD5";
              default ->
                  throw new RpmMetadataException(
                      file + ": unknown checksum type " + entry.checksumType());
            };
        MessageDigest d = MessageDigest.getInstance(algo);
        try (InputStream in = Files.newInputStream(file)) {
          byte[] buf = new byte[1 << 16];
          int n;
          while ((n = in.read(buf)) > 0) {
            d.update(buf, 0, n);
          }
        }
        String got = HexFormat.of().formatHex(d.digest());
        if (!got.equalsIgnoreCase(entry.checksum())) {
          throw new RpmMetadataException(
              file
                  + ": "
                  + entry.checksumType()
                  + " "
                  + got
                  + " does not match repomd.xml "
                  + entry.checksum());
        }
      }
    } catch (IOException e) {
      throw new RpmMetadataException(file + ": cannot read: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new RpmMetadataException(
          file + ": checksum algorithm unavailable: " + e.getMessage(), e);
    }
  }

  /**
   * @return the id given to {@link #load}
   */
  public String id() {
    return id;
  }

  /**
   * @return the repository root directory
   */
  public Path root() {
    return root;
  }

  /**
   * @return the parsed repomd.xml
   */
  public Repomd repomd() {
    return repomd;
  }

  /**
   * @return all packages of primary, in file order (immutable)
   */
  public List<RpmPackage> packages() {
    return packages;
  }

  /**
   * The stored {@code modules.yaml} file (compressed as published), to be copied untouched into a
   * mirror; its content is not interpreted here.
   *
   * @return the file when repomd lists a {@code modules} entry, else empty
   */
  public Optional<Path> modulesFile() {
    return repomd.find("modules").map(d -> root.resolve(d.href()));
  }

  /**
   * Looks up the owners of file paths in this repository's filelists (read once per call,
   * streaming).
   *
   * @param paths absolute paths, never null
   * @return owners per path found; empty when the repository has no filelists
   * @throws RpmMetadataException naming the filelists file when it cannot be read or parsed
   */
  public Map<String, List<FilelistsReader.Owner>> fileOwners(Set<String> paths)
      throws RpmMetadataException {
    Optional<Repomd.Data> fl = repomd.find("filelists");
    if (fl.isEmpty() || paths.isEmpty()) {
      return Map.of();
    }
    Path file = root.resolve(fl.get().href());
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    return FilelistsReader.findOwners(file, paths, MetadataCompression.boundFor(fl.get()));
  }

  @Override
  public String toString() {
    return id + " (" + root + ", " + packages.size() + " packages)";
  }
}
