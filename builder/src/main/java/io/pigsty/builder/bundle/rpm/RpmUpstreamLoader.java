package io.pigsty.builder.bundle.rpm;

import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.bundle.BundleOutput;
import io.pigsty.builder.bundle.ContentCache;
import io.pigsty.builder.bundle.Mirrors;
import io.pigsty.builder.bundle.UpstreamState;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.definition.Upstream;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.builder.fetch.FetchException;
import io.pigsty.repo.Digests;
import io.pigsty.repo.Threads;
import io.pigsty.repo.rpm.Repomd;
import io.pigsty.repo.rpm.RpmMetadataException;
import io.pigsty.repo.rpm.RpmRepository;
import io.pigsty.repo.sign.Detached;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.sign.TrustedKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads every rpm upstream of a definition: parses every key file first (before any request),
 * fetches {@code repodata/repomd.xml}, checks {@code repomd.xml.asc} with the upstream's keys when
 * {@code repo_gpgcheck} is on (dnf's rule), then fetches primary, filelists and modules as repomd
 * lists them, each checked against repomd's checksum and size before it is decompressed (also when
 * kept from an earlier build), into the content cache, and loads them as an {@link RpmRepository}
 * from a directory laid out like the upstream's ({@code <cache>/rpm-md/<sha256 of
 * repomd.xml>/repodata/}), decompressing no more than repomd's {@code open-size}. Upstreams load in
 * parallel.
 */
public final class RpmUpstreamLoader {
  /** Metadata types fetched; others (sqlite databases, comps, updateinfo) are not used. */
  static final List<String> TYPES = List.of("primary", "filelists", "modules");

  private final Downloader downloader;
  private final ContentCache cache;
  private final Mirrors mirrors;

  /**
   * @param downloader fetches repomd and the metadata files
   * @param cache where verified files are kept between builds
   * @param mirrors where each repository id is fetched from
   */
  public RpmUpstreamLoader(Downloader downloader, ContentCache cache, Mirrors mirrors) {
    this.downloader = downloader;
    this.cache = cache;
    this.mirrors = mirrors;
  }

  /**
   * One loaded upstream.
   *
   * @param upstream the definition's entry
   * @param base the repository base URL used
   * @param repomdSha256 SHA256 of the repomd.xml read
   * @param repomdSignedBy fingerprints of the trusted keys that signed repomd.xml (empty when
   *     repo_gpgcheck is off)
   * @param repository the loaded metadata
   * @param metadata the metadata files used: type, href, SHA256, size
   */
  public record Loaded(
      Upstream upstream,
      URI base,
      String repomdSha256,
      List<String> repomdSignedBy,
      RpmRepository repository,
      List<UpstreamState.IndexFile> metadata) {

    /**
     * The upstream's trusted keys, for package signatures; read on first use (a resolve that
     * downloads no package never starts BouncyCastle for them).
     *
     * @throws SignatureException when a key file is not a public key
     */
    public TrustedKeys keys() throws IOException, SignatureException {
      return TrustedKeys.load(upstream.keys());
    }
  }

  /**
   * Loads every upstream of the definition.
   *
   * @return one entry per upstream, in definition order
   * @throws BundleException when no URL is known for a repository id
   * @throws FetchException when a file cannot be downloaded or fails its size or SHA256
   * @throws SignatureException when repo_gpgcheck is on and repomd.xml.asc is missing, bad or by an
   *     untrusted key
   * @throws RpmMetadataException when repomd or primary is malformed or lacks primary
   */
  public List<Loaded> load(BundleDefinition def)
      throws BundleException,
          FetchException,
          SignatureException,
          RpmMetadataException,
          IOException {
    List<Upstream> ups = def.upstreams();
    // every key file is parsed before any network I/O: a bad one fails the build before a
    // request, and repomd.xml.asc is checked with keys already in hand
    List<TrustedKeys> keys = new ArrayList<>();
    for (Upstream u : ups) {
      keys.add(u.repoGpgcheck() || !u.keys().isEmpty() ? TrustedKeys.load(u.keys()) : null);
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(ups.size(), 6), Threads.daemon("rpm-upstream-loader-"));
    try {
      List<Future<Loaded>> fs = new ArrayList<>();
      for (int i = 0; i < ups.size(); i++) {
        Upstream u = ups.get(i);
        TrustedKeys k = keys.get(i);
        fs.add(pool.submit(() -> loadOne(def, u, k)));
      }
      List<Loaded> out = new ArrayList<>();
      for (Future<Loaded> f : fs) {
        out.add(get(f));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Loaded get(Future<Loaded> f)
      throws BundleException,
          FetchException,
          SignatureException,
          RpmMetadataException,
          IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof BundleException b) throw b;
      if (c instanceof FetchException x) throw x;
      if (c instanceof SignatureException x) throw x;
      if (c instanceof RpmMetadataException x) throw x;
      if (c instanceof IOException x) throw x;
      if (c instanceof RuntimeException x) throw x;
      throw new IllegalStateException(c);
    }
  }

  private Loaded loadOne(BundleDefinition def, Upstream u, TrustedKeys keys) throws Exception {
    URI base =
        mirrors
            .baseForRepo(u.suite(), u.url(), def.target().release(), def.target().arch())
            .orElseThrow(
                () ->
                    new BundleException(
                        def.file()
                            + ": upstream '"
                            + u.name()
                            + "': no URL for repository id '"
                            + u.suite()
                            + "' in the build host's /etc/yum.repos.d;"
                            + " pass --mirror "
                            + u.suite()
                            + "=URL or set PIGSTY_MIRROR"));
    URI repomdUri = URI.create(base + "/repodata/repomd.xml");
    byte[] repomd = downloader.get(repomdUri);
    List<String> signedBy = List.of();
    if (u.repoGpgcheck()) {
      URI ascUri = URI.create(repomdUri + ".asc");
      byte[] asc;
      try {
        asc = downloader.get(ascUri);
      } catch (FetchException e) {
        throw new SignatureException(
            ascUri.toString(),
            "cannot be fetched, and upstream '"
                + u.name()
                + "' has repo_gpgcheck on ("
                + e.getMessage()
                + ")");
      }
      signedBy = Detached.verify(repomd, asc, keys, ascUri.toString());
    }
    Repomd md = Repomd.parse(new ByteArrayInputStream(repomd), repomdUri.toString());
    if (md.find("primary").isEmpty()) {
      throw new RpmMetadataException(repomdUri + ": no <data type=\"primary\">");
    }
    String repomdSha = Digests.sha256Hex(repomd);
    Path dir = cache.dir().resolve("rpm-md").resolve(repomdSha);
    Path repodata = Files.createDirectories(dir.resolve("repodata"));
    List<UpstreamState.IndexFile> used = new ArrayList<>();
    for (String type : TYPES) {
      var entry = md.find(type);
      if (entry.isEmpty()) {
        continue;
      }
      Repomd.Data d = entry.get();
      if (!d.href().startsWith("repodata/")
          || d.href().contains("..")
          || d.href().indexOf('/', 9) >= 0) {
        throw new RpmMetadataException(
            repomdUri + ": " + type + " location '" + d.href() + "' is not a file in repodata/");
      }
      Path target = dir.resolve(d.href());
      URI uri = URI.create(base + "/" + d.href());
      if (Files.isRegularFile(target)) {
        try {
          // kept from an earlier build: checked again, fetched again when it no longer matches
          RpmRepository.verify(target, d);
        } catch (RpmMetadataException e) {
          Files.delete(target);
        }
      }
      if (!Files.isRegularFile(target)) {
        Path tmp = repodata.resolve(".fetch-" + UUID.randomUUID() + ".tmp");
        try {
          if (d.checksum() != null
              && "sha256".equalsIgnoreCase(d.checksumType())
              && d.size() >= 0) {
            // the downloader checked size and SHA256; the cache entry is shared, not copied
            BundleOutput.linkOrCopy(
                downloader.fetch(uri, d.size(), d.checksum().toLowerCase(Locale.ROOT)), tmp);
          } else {
            Files.write(tmp, downloader.get(uri));
            RpmRepository.verify(tmp, d); // size and checksum in the algorithm repomd names
          }
          Files.move(
              tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (RpmMetadataException e) {
          throw new RpmMetadataException(uri + ": " + e.getMessage(), e);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      used.add(new UpstreamState.IndexFile(d.href(), d.checksum(), d.size()));
    }
    Path repomdFile = repodata.resolve("repomd.xml");
    // the copy loaded below is the verified text, even when an earlier build's copy was edited
    if (!Files.isRegularFile(repomdFile)
        || !Arrays.equals(Files.readAllBytes(repomdFile), repomd)) {
      Path tmp = Files.createTempFile(repodata, ".repomd-", ".tmp");
      try {
        Files.write(tmp, repomd);
        Files.move(
            tmp, repomdFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    RpmRepository repo = RpmRepository.load(u.name(), dir, cache.dir().resolve("snapshots"));
    return new Loaded(u, base, repomdSha, signedBy, repo, used);
  }
}
