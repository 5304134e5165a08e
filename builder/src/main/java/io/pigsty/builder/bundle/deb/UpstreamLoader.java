package io.pigsty.builder.bundle.deb;

import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.bundle.ContentCache;
import io.pigsty.builder.bundle.Mirrors;
import io.pigsty.builder.bundle.UpstreamState;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.definition.Upstream;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.builder.fetch.FetchException;
import io.pigsty.repo.Digests;
import io.pigsty.repo.Threads;
import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.IndexSnapshot;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.deb.PackageIndex;
import io.pigsty.repo.deb.ReleaseFile;
import io.pigsty.repo.sign.ClearSigned;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.sign.TrustedKeys;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Reads every upstream suite of a definition into one {@link PackageIndex}: fetches {@code
 * InRelease}, verifies its OpenPGP signature with the definition's trusted keys (there is no way to
 * skip this), checks Suite/Codename, Valid-Until and that Date is not in the future ({@link
 * ReleaseFile#checkFor}, as apt does), then gets {@code <component>/binary-<arch>/Packages} (from
 * the cache, or as {@code .xz}/{@code .gz}), checking every file against the SHA256 in the signed
 * Release. Suites load in parallel.
 */
public final class UpstreamLoader {
  /**
   * Cap in bytes on a decompressed Packages file whose uncompressed size the signed Release does
   * not list (Debian's archives always list it; some third-party ones list only {@code
   * Packages.xz}): 256 MiB, five times bookworm's main amd64 Packages (50,060,337 bytes). With the
   * size listed, that size is the cap.
   */
  public static final long MAX_UNLISTED_PACKAGES_BYTES = 256L * 1024 * 1024;

  /**
   * Second cap on a Packages file of unlisted size: 32 times its compressed size (bookworm's main
   * amd64 Packages is 5.7 times its Packages.xz), so a small bomb stops early.
   */
  public static final int MAX_UNLISTED_RATIO = 32;

  private final Downloader downloader;
  private final ContentCache cache;
  private final Mirrors mirrors;

  /**
   * @param downloader fetches InRelease and index files
   * @param cache where verified uncompressed indexes are kept between builds
   * @param mirrors where each suite is fetched from
   */
  public UpstreamLoader(Downloader downloader, ContentCache cache, Mirrors mirrors) {
    this.downloader = downloader;
    this.cache = cache;
    this.mirrors = mirrors;
  }

  /** The loaded packages and what was read from each upstream. */
  public record Loaded(PackageIndex index, List<UpstreamState> upstreams) {}

  /**
   * Loads every upstream of the definition.
   *
   * @throws BundleException when no URL is known for a suite
   * @throws FetchException when a file cannot be downloaded
   * @throws SignatureException when an InRelease is not signed by a trusted key
   * @throws MetadataException when a Release or index is malformed, stale, or fails its checksum
   */
  public Loaded load(BundleDefinition def)
      throws BundleException, FetchException, SignatureException, MetadataException, IOException {
    String arch = def.target().arch();
    List<Upstream> ups = def.upstreams();
    // every key file is parsed before any network I/O: a definition with a bad key fails
    // without a request, and no mirror byte is read by a build that could not check it
    List<TrustedKeys> keys = new ArrayList<>();
    for (Upstream u : ups) {
      keys.add(TrustedKeys.load(u.keys()));
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(2 * ups.size(), 8), Threads.daemon("upstream-loader-"));
    try {
      List<Future<Object[]>> futures = new ArrayList<>();
      for (int i = 0; i < ups.size(); i++) {
        Upstream u = ups.get(i);
        TrustedKeys k = keys.get(i);
        futures.add(pool.submit(() -> loadOne(def, u, arch, k)));
      }
      PackageIndex index = new PackageIndex(arch);
      List<UpstreamState> states = new ArrayList<>();
      for (Future<Object[]> f : futures) {
        Object[] r = get(f);
        @SuppressWarnings("unchecked")
        List<DebPackage> pkgs = (List<DebPackage>) r[1];
        index.addAll(pkgs);
        states.add((UpstreamState) r[0]);
      }
      return new Loaded(index, states);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Object[] get(Future<Object[]> f)
      throws BundleException, FetchException, SignatureException, MetadataException, IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof BundleException) throw (BundleException) c;
      if (c instanceof FetchException) throw (FetchException) c;
      if (c instanceof SignatureException) throw (SignatureException) c;
      if (c instanceof MetadataException) throw (MetadataException) c;
      if (c instanceof IOException) throw (IOException) c;
      if (c instanceof RuntimeException) throw (RuntimeException) c;
      if (c instanceof Error) throw (Error) c;
      throw new IllegalStateException(c);
    }
  }

  private Object[] loadOne(BundleDefinition def, Upstream u, String arch, TrustedKeys keys)
      throws Exception {
    String firstComponent = u.components().get(0);
    URI base =
        mirrors
            .baseFor(u.suite(), firstComponent, u.url())
            .orElseThrow(
                () ->
                    new BundleException(
                        def.file()
                            + ": upstream '"
                            + u.name()
                            + "': no URL for suite '"
                            + u.suite()
                            + "' in the build host's apt sources; pass --mirror "
                            + u.suite()
                            + "=URL or set PIGSTY_MIRROR"));
    URI inReleaseUri = URI.create(base + "/dists/" + u.suite() + "/InRelease");
    byte[] inRelease;
    try {
      inRelease = downloader.get(inReleaseUri);
    } catch (FetchException e) {
      if (e.status().orElse(0) == 404 || e.status().orElse(0) == 410) {
        throw FetchException.noInRelease(inReleaseUri, u.suite(), e);
      }
      throw e;
    }
    // nothing of the mirror is read, fetched or cached before the signature verifies
    ClearSigned.Verified verified = ClearSigned.verify(inRelease, keys, inReleaseUri.toString());
    ReleaseFile release = ReleaseFile.parse(verified.signedText(), inReleaseUri.toString());
    release.checkFor(u.suite(), Instant.now());
    List<UpstreamState.IndexFile> used = new ArrayList<>();
    List<DebPackage> all = indexes(release, base, u, arch, used, inReleaseUri);
    UpstreamState state =
        new UpstreamState(
            u.name(),
            u.suite(),
            base,
            Digests.sha256Hex(inRelease),
            release.date(),
            verified.goodKeyFingerprints(),
            used,
            all.size());
    return new Object[] {state, all};
  }

  private List<DebPackage> indexes(
      ReleaseFile release,
      URI base,
      Upstream u,
      String arch,
      List<UpstreamState.IndexFile> used,
      URI inReleaseUri)
      throws Exception {
    List<DebPackage> all = new ArrayList<>();
    for (String component : u.components()) {
      String dir = component + "/binary-" + arch + "/";
      Optional<ReleaseFile.Entry> plain = release.sha256(dir + "Packages");
      if (plain.isPresent()) {
        Optional<List<DebPackage>> fromSnapshot = snapshot(plain.get(), u.name());
        if (fromSnapshot.isPresent()) {
          used.add(
              new UpstreamState.IndexFile(
                  plain.get().path(), plain.get().sha256(), plain.get().size()));
          all.addAll(fromSnapshot.get());
          continue;
        }
      }
      byte[] packages = packagesFile(base, u.suite(), dir, release, used, inReleaseUri);
      List<DebPackage> parsed = PackageIndex.parsePackagesFile(packages, u.name());
      if (plain.isPresent()) {
        saveSnapshot(plain.get().sha256(), parsed);
      }
      all.addAll(parsed);
    }
    return all;
  }

  private Path snapshotPath(String sha256) {
    return cache.dir().resolve("snapshots").resolve(sha256 + ".pig2");
  }

  /** The parsed form of a verified Packages file, if an earlier build left one. */
  private Optional<List<DebPackage>> snapshot(ReleaseFile.Entry plain, String origin)
      throws IOException {
    Path p = snapshotPath(plain.sha256());
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    byte[] body = unsealed(Files.readAllBytes(p));
    if (body == null) {
      Files.deleteIfExists(p); // edited or damaged since it was written: parse the text again
      return Optional.empty();
    }
    try {
      return Optional.of(
          IndexSnapshot.read(
              body,
              origin,
              () -> {
                try {
                  return cache
                      .read(plain.sha256(), plain.size())
                      .orElseThrow(
                          () ->
                              new IllegalStateException(
                                  "the cached "
                                      + plain.path()
                                      + " of "
                                      + origin
                                      + " ("
                                      + cache.pathFor(plain.sha256())
                                      + ") is gone or damaged; run the command again"));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }));
    } catch (MetadataException e) {
      Files.deleteIfExists(p);
      return Optional.empty();
    }
  }

  /** Best effort: a snapshot that cannot be written only makes the next load slower. */
  private void saveSnapshot(String sha256, List<DebPackage> parsed) {
    try {
      writeSnapshot(sha256, IndexSnapshot.write(parsed));
    } catch (IOException | RuntimeException e) {
      // the next load parses the text again
    }
  }

  private void writeSnapshot(String sha256, byte[] bytes) throws IOException {
    Path p = snapshotPath(sha256);
    Files.createDirectories(p.getParent());
    Path tmp = Files.createTempFile(p.getParent(), ".snap-", ".tmp");
    try {
      Files.write(tmp, sealed(bytes));
      Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Length of the SHA256 that ends a stored snapshot. */
  private static final int SEAL = 32;

  /**
   * A snapshot as stored: its bytes, then their SHA256 (32 bytes), so a snapshot edited or damaged
   * in the cache is noticed on read like any cache entry.
   */
  static byte[] sealed(byte[] snapshot) {
    byte[] out = Arrays.copyOf(snapshot, snapshot.length + SEAL);
    System.arraycopy(Digests.sha256().digest(snapshot), 0, out, snapshot.length, SEAL);
    return out;
  }

  /**
   * @return the snapshot bytes of a stored snapshot, or null when its SHA256 does not match them
   */
  static byte[] unsealed(byte[] stored) {
    if (stored.length < SEAL) {
      return null;
    }
    MessageDigest md = Digests.sha256();
    md.update(stored, 0, stored.length - SEAL);
    byte[] want = Arrays.copyOfRange(stored, stored.length - SEAL, stored.length);
    return MessageDigest.isEqual(md.digest(), want)
        ? Arrays.copyOf(stored, stored.length - SEAL)
        : null;
  }

  /**
   * Reads a stream to its end, but never more than {@code bound + 1} bytes.
   *
   * @return the bytes, or null when the stream holds more than {@code bound} bytes
   */
  static byte[] readBounded(InputStream in, long bound) throws IOException {
    byte[] b = in.readNBytes((int) Math.min(bound + 1, Integer.MAX_VALUE - 8));
    return b.length > bound ? null : b;
  }

  private byte[] packagesFile(
      URI base,
      String suite,
      String dir,
      ReleaseFile release,
      List<UpstreamState.IndexFile> used,
      URI inReleaseUri)
      throws Exception {
    Optional<ReleaseFile.Entry> plain = release.sha256(dir + "Packages");
    if (plain.isPresent()) {
      Optional<byte[]> cached = cache.read(plain.get().sha256(), plain.get().size());
      if (cached.isPresent()) {
        used.add(
            new UpstreamState.IndexFile(
                plain.get().path(), plain.get().sha256(), plain.get().size()));
        return cached.get();
      }
    }
    for (String ext : new String[] {".xz", ".gz"}) {
      Optional<ReleaseFile.Entry> e = release.sha256(dir + "Packages" + ext);
      if (e.isEmpty()) {
        continue;
      }
      URI uri = URI.create(base + "/dists/" + suite + "/" + e.get().path());
      // size and SHA256 of the compressed file are checked against the signed Release (on
      // download, and again when it comes from the cache) before one byte is decompressed
      Path compressed = downloader.fetch(uri, e.get().size(), e.get().sha256());
      long bound =
          plain.isPresent()
              ? plain.get().size()
              : Math.min(MAX_UNLISTED_PACKAGES_BYTES, MAX_UNLISTED_RATIO * e.get().size());
      byte[] content;
      try (InputStream in =
          ext.equals(".xz")
              ? new XZInputStream(
                  new BufferedInputStream(Files.newInputStream(compressed), 1 << 16))
              : new GZIPInputStream(Files.newInputStream(compressed), 1 << 16)) {
        content = readBounded(in, bound);
      } catch (IOException ex) {
        throw new MetadataException(uri + ": cannot decompress: " + ex.getMessage(), ex);
      }
      if (content == null) {
        throw new MetadataException(
            uri
                + ": decompresses to more than "
                + bound
                + " bytes, "
                + (plain.isPresent()
                    ? "the size of " + plain.get().path() + " in " + inReleaseUri
                    : "the cap on a Packages file whose size "
                        + inReleaseUri
                        + " does not list ("
                        + MAX_UNLISTED_RATIO
                        + " times its compressed size, at most "
                        + MAX_UNLISTED_PACKAGES_BYTES
                        + ")")
                + "; refused");
      }
      // the manifest names the uncompressed index when Release lists it (checked below), so a
      // build from the cache and one from the network record the same thing
      ReleaseFile.Entry recorded = plain.orElse(e.get());
      used.add(new UpstreamState.IndexFile(recorded.path(), recorded.sha256(), recorded.size()));
      if (plain.isPresent()) {
        String got = Digests.sha256Hex(content);
        if (!got.equals(plain.get().sha256()) || content.length != plain.get().size()) {
          throw new MetadataException(
              uri
                  + ": decompressed content does not match the SHA256 of "
                  + plain.get().path()
                  + " in "
                  + inReleaseUri
                  + " (expected "
                  + plain.get().sha256()
                  + ", got "
                  + got
                  + ")");
        }
        cache.put(got, content);
      }
      return content;
    }
    throw new MetadataException(inReleaseUri + ": lists no " + dir + "Packages.xz or Packages.gz");
  }
}
