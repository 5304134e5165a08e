package io.pigsty.builder.bundle.deb;

import io.pigsty.builder.bundle.BundleBuilder;
import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.bundle.BundleOutput;
import io.pigsty.builder.bundle.ContentCache;
import io.pigsty.builder.bundle.Manifest;
import io.pigsty.builder.bundle.Mirrors;
import io.pigsty.builder.bundle.UpstreamState;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.definition.PackageRequest;
import io.pigsty.builder.definition.Target;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.builder.fetch.FetchException;
import io.pigsty.builder.fetch.FetchReport;
import io.pigsty.builder.fetch.FetchRequest;
import io.pigsty.builder.fetch.ProgressListener;
import io.pigsty.repo.Digests;
import io.pigsty.repo.PigstyException;
import io.pigsty.repo.deb.DebFile;
import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.FlatRepository;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.sign.BundleKey;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.solve.DebResolver;
import io.pigsty.repo.solve.Request;
import io.pigsty.repo.solve.Resolution;
import io.pigsty.repo.solve.ResolutionException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds an offline bundle from a definition: upstream metadata (signature-checked), the closure,
 * the .debs (size- and SHA256-checked, cached), a flat APT repository signed with the bundle key,
 * {@code manifest.json}, and a reproducible {@code pigsty-pkg-*.tgz}. Nothing is left at the
 * destination when any step fails.
 */
public final class DebBundleBuilder implements BundleBuilder {
  /** File name of the bundle's public keyring inside the repository. */
  public static final String KEYRING = "pigsty.gpg";

  private final Downloader downloader;
  private final ContentCache cache;
  private final Mirrors mirrors;
  private final Path keyDir;
  private final PrintStream log;
  private List<Path> localDebs = List.of();

  /**
   * @param downloader downloads with the shared content-addressed cache
   * @param cache the same cache root, for verified uncompressed indexes
   * @param mirrors where suites are fetched from
   * @param keyDir where the bundle signing key is kept (created on first use)
   * @param log where phase lines and the summary go (stderr for the CLI)
   */
  public DebBundleBuilder(
      Downloader downloader, ContentCache cache, Mirrors mirrors, Path keyDir, PrintStream log) {
    this.downloader = downloader;
    this.cache = cache;
    this.mirrors = mirrors;
    this.keyDir = keyDir;
    this.log = log;
  }

  /**
   * Adds our own packages (such as {@code pigsty_<version>_all.deb}) to the bundle's repository
   * after the closure is resolved: they are indexed in Packages and listed in manifest.json with
   * upstream {@value #LOCAL_ORIGIN} and no URL, but their dependencies are not resolved (ours have
   * none).
   *
   * @param debs .deb files; each must be a valid package whose name is not in the closure
   * @return this builder
   */
  @Override
  public DebBundleBuilder withLocalPackages(List<Path> debs) {
    this.localDebs = List.copyOf(debs);
    return this;
  }

  /**
   * Adds the {@link #withLocalPackages local .debs} to the repository entries and files.
   *
   * @return their total size in bytes
   * @throws MetadataException when a file is not a valid .deb
   * @throws BundleException when a local package has the name of a package in the closure, or a
   *     file name that clashes with one
   */
  private long addLocalDebs(List<FlatRepository.Entry> entries, Map<String, Path> files)
      throws IOException, MetadataException, BundleException {
    Set<String> closure = new HashSet<>();
    entries.forEach(e -> closure.add(e.pkg().name()));
    long bytes = 0;
    for (Path deb : localDebs) {
      // Filename, Size and SHA256 come from the entry (FlatRepository writes them), not the control
      DebPackage p = DebPackage.of(DebFile.readControl(deb).paragraph(), LOCAL_ORIGIN);
      String name = deb.getFileName().toString();
      if (closure.contains(p.name()) || files.containsKey(name)) {
        throw new BundleException(
            deb
                + ": package "
                + p.name()
                + " ("
                + name
                + ") clashes with a package of the closure");
      }
      long size = Files.size(deb);
      entries.add(new FlatRepository.Entry(p, "./" + name, size, Digests.sha256Hex(deb)));
      files.put(name, deb);
      bytes += size;
    }
    return bytes;
  }

  /**
   * Loads the upstreams and resolves the closure, without downloading any .deb. With {@code
   * base_system: true} the OS base set ({@link BaseSystem}) is requested first.
   *
   * @return the loaded index and the closure
   */
  public Resolved resolve(BundleDefinition def, Map<String, Double> timings)
      throws BundleException,
          FetchException,
          SignatureException,
          MetadataException,
          ResolutionException,
          IOException {
    long t0 = System.nanoTime();
    UpstreamLoader.Loaded loaded = new UpstreamLoader(downloader, cache, mirrors).load(def);
    long t1 = System.nanoTime();
    List<Request> reqs = new ArrayList<>();
    if (def.baseSystem()) {
      reqs.addAll(
          BaseSystem.requests(
              loaded.index(),
              def.packages().stream()
                  .map(PackageRequest::packageName)
                  .collect(Collectors.toSet())));
    }
    def.packages().forEach(r -> reqs.add(new Request(r.spec(), r.module())));
    Resolution res = new DebResolver(loaded.index(), def.recommends()).resolve(reqs);
    long t2 = System.nanoTime();
    timings.put("metadata", (t1 - t0) / 1e9);
    timings.put("resolve", (t2 - t1) / 1e9);
    return new Resolved(loaded, res);
  }

  /** Upstream metadata and the closure over it. */
  public record Resolved(UpstreamLoader.Loaded loaded, Resolution resolution) {}

  @Override
  public Closure closure(BundleDefinition def, Map<String, Double> timings)
      throws PigstyException, IOException {
    Resolution r = resolve(def, timings).resolution();
    List<String> lines = new ArrayList<>();
    for (DebPackage p : r.packages()) {
      lines.add(p.name() + "\t" + p.version() + "\t" + p.architecture() + "\t" + p.origin());
    }
    return new Closure(lines, r::why);
  }

  /** Serves the {@value Target#DEB} family to {@link BundleBuilder#forDefinition}. */
  public static final class Provider implements BundleBuilder.Provider {
    @Override
    public String family() {
      return Target.DEB;
    }

    @Override
    public BundleBuilder create(Tools t) {
      return new DebBundleBuilder(t.downloader(), t.cache(), t.mirrors(), t.keyDir(), t.log());
    }
  }

  /**
   * Builds the bundle into {@code outDir}: {@code <outDir>/<bundleFileName>} and the unpacked
   * repository {@code <outDir>/<name>/pigsty/}. An unchanged rebuild (same manifest) leaves both in
   * place and only re-checks the tarball.
   *
   * @param def the bundle definition
   * @param outDir the destination directory (created if missing)
   * @param progress download progress
   * @return where the bundle is, sizes and per-phase seconds
   */
  @Override
  public Result build(BundleDefinition def, Path outDir, ProgressListener progress)
      throws BundleException,
          FetchException,
          SignatureException,
          MetadataException,
          ResolutionException,
          IOException {
    Map<String, Double> timings = new LinkedHashMap<>();
    Resolved r = resolve(def, timings);
    log.printf(
        "resolved %d packages from %d upstreams (metadata %.2f s, resolve %.3f s)%n",
        r.resolution().packages().size(),
        r.loaded().upstreams().size(),
        timings.get("metadata"),
        timings.get("resolve"));

    long t0 = System.nanoTime();
    Map<String, URI> upstreamBase = new LinkedHashMap<>();
    r.loaded().upstreams().forEach(u -> upstreamBase.put(u.name(), u.base()));
    List<FetchRequest> requests = new ArrayList<>();
    Map<FetchRequest, DebPackage> byRequest = new LinkedHashMap<>();
    for (DebPackage p : r.resolution().packages()) {
      if (p.filename() == null || p.sha256() == null || p.size() < 0) {
        throw new MetadataException(
            p.origin() + ": package " + p.id() + " has no Filename, Size or SHA256 in its index");
      }
      FetchRequest fr =
          new FetchRequest(
              URI.create(upstreamBase.get(p.origin()) + "/" + p.filename()),
              p.size(),
              p.sha256(),
              p.name());
      requests.add(fr);
      byRequest.put(fr, p);
    }
    FetchReport report = downloader.fetchAll(requests, progress);
    if (!report.ok()) {
      throw FetchException.several(report.failures(), requests.size());
    }
    long t1 = System.nanoTime();
    timings.put("download", (t1 - t0) / 1e9);

    Files.createDirectories(outDir);
    BundleKey key = BundleKey.loadOrCreate(keyDir, BundleKey.USER_ID);
    // Release Date, signature time and tar mtimes: the newest upstream Release date (or the
    // key's creation, if later), so equal inputs and key give equal bytes
    Instant stamp =
        r.loaded().upstreams().stream()
            .map(UpstreamState::date)
            .max(Comparator.naturalOrder())
            .orElse(Instant.EPOCH);
    stamp = key.notBeforeCreation(stamp);

    // repository metadata, in memory first: it decides whether anything changed
    List<FlatRepository.Entry> entries = new ArrayList<>();
    Map<String, Path> files = new LinkedHashMap<>(); // file name in the repository -> verified file
    long debBytes = 0;
    for (Map.Entry<FetchRequest, DebPackage> e : byRequest.entrySet()) {
      DebPackage p = e.getValue();
      String name = p.filename().substring(p.filename().lastIndexOf('/') + 1);
      entries.add(new FlatRepository.Entry(p, "./" + name, p.size(), p.sha256()));
      files.put(name, report.fetched().get(e.getKey()));
      debBytes += p.size();
    }
    debBytes += addLocalDebs(entries, files);
    RepoFiles repo = RepoFiles.render(entries, def, key, stamp);
    byte[] manifest = DebManifest.render(def, r, repo, upstreamBase, key, entries);
    long t2 = System.nanoTime();
    timings.put("index+sign", (t2 - t1) / 1e9);

    byte[] manifestSig = Manifest.sign(manifest, key, stamp);
    boolean upToDate =
        BundleOutput.install(outDir, def, files, repo.files(), manifest, manifestSig, stamp);
    Path bundle = outDir.resolve(def.bundleFileName());
    Path repoDir = outDir.resolve(def.name()).resolve(ROOT);
    long t3 = System.nanoTime();
    timings.put("pack", (t3 - t2) / 1e9);
    return new Result(
        bundle, repoDir, files.size(), debBytes, Files.size(bundle), upToDate, timings, report);
  }
}
