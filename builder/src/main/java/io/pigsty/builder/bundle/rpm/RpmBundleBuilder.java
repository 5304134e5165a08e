package io.pigsty.builder.bundle.rpm;

import io.pigsty.builder.bundle.BundleBuilder;
import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.bundle.BundleOutput;
import io.pigsty.builder.bundle.ContentCache;
import io.pigsty.builder.bundle.Manifest;
import io.pigsty.builder.bundle.Mirrors;
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
import io.pigsty.repo.rpm.MetadataCompression;
import io.pigsty.repo.rpm.RepodataWriter;
import io.pigsty.repo.rpm.Repomd;
import io.pigsty.repo.rpm.ResolutionException;
import io.pigsty.repo.rpm.RpmFile;
import io.pigsty.repo.rpm.RpmMetadataException;
import io.pigsty.repo.rpm.RpmPackage;
import io.pigsty.repo.rpm.RpmRepository;
import io.pigsty.repo.rpm.RpmResolver;
import io.pigsty.repo.rpm.RpmSignature;
import io.pigsty.repo.sign.BundleKey;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.sign.TrustedKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds an offline bundle for an EL (rpm family) definition: upstream repodata (repomd signature
 * checked where {@code repo_gpgcheck} is on), the closure by {@link RpmResolver}, the .rpm files
 * (size and SHA256 checked against primary, cached), every package's own signature checked with the
 * upstream's keys where {@code gpgcheck} is on ({@link RpmSignature}), then a local dnf repository:
 * the .rpm files, {@code repodata/} as createrepo_c writes it, {@code repodata/repomd.xml.asc}
 * signed with the bundle key, {@code RPM-GPG-KEY-pigsty}, the upstream keys under {@code keys/}, a
 * ready {@code pigsty-local.repo}, {@code manifest.json}, and a reproducible {@code
 * pigsty-pkg-*.tgz}. Nothing is left at the destination when a step fails.
 */
public final class RpmBundleBuilder implements BundleBuilder {
  /** The bundle key's public half, armored, at the repository root (dnf's gpgkey=). */
  public static final String KEY_FILE = "RPM-GPG-KEY-pigsty";

  /** A dnf repository file for the unpacked bundle at {@code /www/pigsty}. */
  public static final String REPO_FILE = "pigsty-local.repo";

  /** Where the bundle is unpacked on a node (same as the Debian bundle). */
  public static final String NODE_PATH = "/www/pigsty";

  private final Downloader downloader;
  private final ContentCache cache;
  private final Mirrors mirrors;
  private final Path keyDir;
  private final PrintStream log;
  private List<Path> localRpms = List.of();

  /**
   * @param downloader downloads with the shared content-addressed cache
   * @param cache the same cache root, for verified metadata
   * @param mirrors where repository ids are fetched from
   * @param keyDir where the bundle signing key is kept (created on first use)
   * @param log where phase lines go (stderr for the CLI)
   */
  public RpmBundleBuilder(
      Downloader downloader, ContentCache cache, Mirrors mirrors, Path keyDir, PrintStream log) {
    this.downloader = downloader;
    this.cache = cache;
    this.mirrors = mirrors;
    this.keyDir = keyDir;
    this.log = log;
  }

  /**
   * RPMs of our own (e.g. {@code pigsty-<v>-1.noarch.rpm} from {@code pigsty package rpm}) to add
   * to the repository beside the closure, recorded in manifest.json with upstream {@value
   * BundleBuilder#LOCAL_ORIGIN}. They carry no vendor signature, so the bundle's repository file
   * then says {@code gpgcheck=0} and relies on {@code repo_gpgcheck=1} (the bundle-signed repomd
   * lists every package's SHA256).
   *
   * @param rpms the files; each must be an RPM whose name is not in the closure
   * @return this builder
   */
  @Override
  public RpmBundleBuilder withLocalPackages(List<Path> rpms) {
    this.localRpms = List.copyOf(rpms);
    return this;
  }

  /** Upstream metadata and the closure over it. */
  public record Resolved(
      List<RpmUpstreamLoader.Loaded> upstreams, RpmResolver.Resolution resolution) {
    /**
     * @return the loaded upstream a package of the closure came from
     */
    public RpmUpstreamLoader.Loaded upstreamOf(RpmPackage p) {
      RpmRepository r = resolution.repos().get(p);
      for (RpmUpstreamLoader.Loaded l : upstreams) {
        if (l.repository() == r) {
          return l;
        }
      }
      throw new IllegalStateException("no upstream for " + p.nevra());
    }
  }

  @Override
  public Closure closure(BundleDefinition def, Map<String, Double> timings)
      throws PigstyException, IOException {
    Resolved res = resolve(def, timings);
    List<RpmPackage> sorted = new ArrayList<>(res.resolution().packages());
    sorted.sort(Comparator.comparing(RpmPackage::name).thenComparing(RpmPackage::arch));
    List<String> lines = new ArrayList<>();
    for (RpmPackage p : sorted) {
      lines.add(
          p.name() + "\t" + p.evr() + "\t" + p.arch() + "\t" + res.upstreamOf(p).upstream().name());
    }
    return new Closure(lines, res.resolution()::why);
  }

  /** Serves the {@value Target#RPM} family to {@link BundleBuilder#forDefinition}. */
  public static final class Provider implements BundleBuilder.Provider {
    @Override
    public String family() {
      return Target.RPM;
    }

    @Override
    public BundleBuilder create(Tools t) {
      return new RpmBundleBuilder(t.downloader(), t.cache(), t.mirrors(), t.keyDir(), t.log());
    }
  }

  /**
   * Loads the upstreams and resolves the closure of the requested packages (newest EVR, the target
   * arch plus noarch, and i686 with {@code multilib: true}; weak dependencies when the definition's
   * {@code recommends} is on).
   *
   * @param timings receives {@code metadata} and {@code resolve} seconds
   * @return the loaded upstreams and the closure
   */
  public Resolved resolve(BundleDefinition def, Map<String, Double> timings)
      throws BundleException,
          FetchException,
          SignatureException,
          RpmMetadataException,
          ResolutionException,
          IOException {
    long t0 = System.nanoTime();
    List<RpmUpstreamLoader.Loaded> ups =
        new RpmUpstreamLoader(downloader, cache, mirrors).load(def);
    long t1 = System.nanoTime();
    List<RpmRepository> repos =
        ups.stream().map(RpmUpstreamLoader.Loaded::repository).collect(Collectors.toList());
    RpmResolver resolver =
        new RpmResolver(
            repos,
            new RpmResolver.Options(
                def.target().arch(), def.multilib(), def.recommends(), Set.of()));
    List<String> requests =
        def.packages().stream().map(PackageRequest::packageName).collect(Collectors.toList());
    RpmResolver.Resolution res = resolver.resolve(requests);
    long t2 = System.nanoTime();
    timings.put("metadata", (t1 - t0) / 1e9);
    timings.put("resolve", (t2 - t1) / 1e9);
    return new Resolved(ups, res);
  }

  /**
   * Builds the bundle into {@code outDir}: {@code <outDir>/<bundleFileName>} and the unpacked
   * repository {@code <outDir>/<name>/pigsty/}. An unchanged rebuild leaves both in place.
   *
   * @return where the bundle is, sizes and per-phase seconds
   * @throws SignatureException naming the package, its upstream and the key IDs it was signed with,
   *     when gpgcheck is on and its signature is missing, bad or by an untrusted key
   * @throws RpmMetadataException when primary gives a package no SHA256 checksum or size, or two
   *     packages of the closure share a file name
   */
  @Override
  public Result build(BundleDefinition def, Path outDir, ProgressListener progress)
      throws BundleException,
          FetchException,
          SignatureException,
          RpmMetadataException,
          ResolutionException,
          IOException {
    Map<String, Double> timings = new LinkedHashMap<>();
    Resolved r = resolve(def, timings);
    log.printf(
        "resolved %d packages from %d upstreams (metadata %.2f s, resolve %.3f s)%n",
        r.resolution().packages().size(),
        r.upstreams().size(),
        timings.get("metadata"),
        timings.get("resolve"));

    long t0 = System.nanoTime();
    List<FetchRequest> requests = new ArrayList<>();
    Map<RpmPackage, FetchRequest> byPackage = new IdentityHashMap<>();
    Map<String, RpmPackage> names = new HashMap<>();
    for (RpmPackage p : r.resolution().packages()) {
      RpmUpstreamLoader.Loaded up = r.upstreamOf(p);
      if (p.checksum() == null
          || !"sha256".equalsIgnoreCase(p.checksumType())
          || p.packageSize() < 0) {
        throw new RpmMetadataException(
            up.base()
                + ": package "
                + p.nevra()
                + " has no SHA256 checksum or"
                + " size in primary; it cannot be checked");
      }
      RpmPackage clash = names.putIfAbsent(p.fileName(), p);
      if (clash != null) {
        throw new RpmMetadataException(
            "packages "
                + clash.nevra()
                + " and "
                + p.nevra()
                + " share the file name "
                + p.fileName());
      }
      String base =
          p.locationBase() != null && !p.locationBase().isBlank()
              ? stripSlash(p.locationBase())
              : up.base().toString();
      FetchRequest fr =
          new FetchRequest(
              URI.create(base + "/" + p.location()),
              p.packageSize(),
              p.checksum().toLowerCase(Locale.ROOT),
              p.nevra());
      requests.add(fr);
      byPackage.put(p, fr);
    }
    FetchReport report = downloader.fetchAll(requests, progress);
    if (!report.ok()) {
      throw FetchException.several(report.failures(), requests.size());
    }
    long t1 = System.nanoTime();
    timings.put("download", (t1 - t0) / 1e9);

    // gpgcheck: every package's own signature, by its upstream's keys
    Map<RpmPackage, List<String>> signers = new IdentityHashMap<>();
    Map<RpmUpstreamLoader.Loaded, TrustedKeys> keys = new IdentityHashMap<>();
    boolean allSigned = true;
    for (RpmPackage p : r.resolution().packages()) {
      RpmUpstreamLoader.Loaded up = r.upstreamOf(p);
      Path file = report.fetched().get(byPackage.get(p));
      if (!up.upstream().gpgcheck()) {
        allSigned = false;
        signers.put(p, List.of());
        continue;
      }
      try {
        if (!keys.containsKey(up)) {
          keys.put(up, up.keys());
        }
        signers.put(p, RpmSignature.verify(file, keys.get(up)).signers());
      } catch (SignatureException e) {
        List<String> ids = RpmSignature.issuers(file);
        throw new SignatureException(
            byPackage.get(p).uri().toString(),
            "package "
                + p.nevra()
                + " of upstream '"
                + up.upstream().name()
                + "' (gpgcheck on) fails its signature check"
                + (ids.isEmpty()
                    ? " (unsigned)"
                    : " (signed with key ID " + String.join(", ", ids) + ")")
                + ": "
                + e.getMessage(),
            e);
      }
    }
    long t2 = System.nanoTime();
    timings.put("gpgcheck", (t2 - t1) / 1e9);

    BundleKey key = BundleKey.loadOrCreate(keyDir, BundleKey.USER_ID);
    Instant stamp = Instant.EPOCH;
    for (RpmUpstreamLoader.Loaded up : r.upstreams()) {
      for (Repomd.Data d : up.repository().repomd().data()) {
        if (d.timestamp() > stamp.getEpochSecond()) {
          stamp = Instant.ofEpochSecond(d.timestamp());
        }
      }
    }
    stamp = key.notBeforeCreation(stamp);

    // repodata is written package by package: no list of every header is held
    RepodataWriter.Documents repodata =
        new RepodataWriter.Documents(
            r.resolution().packages().size() + localRpms.size(),
            stamp,
            RepodataWriter.Compression.GZ);
    Map<String, Path> files = new LinkedHashMap<>();
    long rpmBytes = 0;
    for (RpmPackage p : r.resolution().packages()) {
      Path file = report.fetched().get(byPackage.get(p));
      repodata.add(
          new RepodataWriter.Entry(
              RpmFile.read(file),
              p.fileName(),
              p.checksum().toLowerCase(Locale.ROOT),
              p.packageSize()));
      files.put(p.fileName(), file);
      rpmBytes += p.packageSize();
    }
    List<Map<String, Object>> local = new ArrayList<>();
    for (Path f : localRpms) {
      RpmFile h = RpmFile.read(f);
      String name = f.getFileName().toString();
      for (RpmPackage p : r.resolution().packages()) {
        if (p.name().equals(h.name()) || p.fileName().equals(name)) {
          throw new BundleException(
              f
                  + ": package "
                  + h.name()
                  + " is already in the closure ("
                  + p.nevra()
                  + " from upstream '"
                  + r.upstreamOf(p).upstream().name()
                  + "')");
        }
      }
      if (files.containsKey(name)) {
        throw new BundleException(f + ": " + name + " is given twice");
      }
      long size = Files.size(f);
      String sha = Digests.sha256Hex(f);
      repodata.add(new RepodataWriter.Entry(h, name, sha, size));
      files.put(name, f);
      rpmBytes += size;
      allSigned = false;
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("path", name);
      o.put("size", size);
      o.put("sha256", sha);
      o.put("url", null);
      o.put("package", h.name());
      o.put("version", h.evr().toString());
      o.put("arch", h.arch());
      o.put("upstream", LOCAL_ORIGIN);
      o.put("signed_by", List.of());
      o.put("why", List.of(h.name() + " (added with --add-rpm)"));
      local.add(o);
    }
    Map<String, byte[]> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : repodata.finish(modules(r.upstreams())).entrySet()) {
      metadata.put("repodata/" + e.getKey(), e.getValue());
    }
    byte[] repomd = metadata.get("repodata/repomd.xml");
    metadata.put("repodata/repomd.xml.asc", key.detachSign(repomd, true, stamp));
    metadata.put(KEY_FILE, key.publicKeyArmored().getBytes(StandardCharsets.UTF_8));
    List<String> keyFiles = new ArrayList<>();
    for (RpmUpstreamLoader.Loaded up : r.upstreams()) {
      for (Path k : up.upstream().keys()) {
        String name = "keys/" + k.getFileName();
        if (!metadata.containsKey(name)) {
          metadata.put(name, Files.readAllBytes(k));
          keyFiles.add(name);
        }
      }
    }
    metadata.put(REPO_FILE, repoFile(def, allSigned, keyFiles));
    byte[] manifest = RpmManifest.render(def, r, metadata, key, byPackage, signers, local);
    long t3 = System.nanoTime();
    timings.put("index+sign", (t3 - t2) / 1e9);

    byte[] manifestSig = Manifest.sign(manifest, key, stamp);
    boolean upToDate =
        BundleOutput.install(outDir, def, files, metadata, manifest, manifestSig, stamp);
    timings.put("pack", (System.nanoTime() - t3) / 1e9);
    Path bundle = outDir.resolve(def.bundleFileName());
    return new Result(
        bundle,
        outDir.resolve(def.name()).resolve(ROOT),
        files.size(),
        rpmBytes,
        Files.size(bundle),
        upToDate,
        timings,
        report);
  }

  /**
   * The dnf repository file for the unpacked bundle: repo_gpgcheck with the bundle key always;
   * gpgcheck with the upstream keys when every package's signature was verified at build time.
   */
  static byte[] repoFile(BundleDefinition def, boolean gpgcheck, List<String> keyFiles) {
    StringBuilder sb = new StringBuilder();
    sb.append("# dnf repository of the Pigsty offline bundle ")
        .append(def.bundleFileName())
        .append('\n')
        .append("# unpacked at ")
        .append(NODE_PATH)
        .append("; copy to /etc/yum.repos.d/\n")
        .append("[pigsty-local]\n")
        .append("name=Pigsty local ")
        .append(def.name())
        .append(' ')
        .append(def.version())
        .append('\n')
        .append("baseurl=file://")
        .append(NODE_PATH)
        .append('\n')
        .append("enabled=1\n")
        .append("repo_gpgcheck=1\n")
        .append("gpgcheck=")
        .append(gpgcheck ? 1 : 0)
        .append('\n')
        .append("gpgkey=file://")
        .append(NODE_PATH)
        .append('/')
        .append(KEY_FILE);
    if (gpgcheck) {
      for (String k : keyFiles) {
        sb.append(" file://").append(NODE_PATH).append('/').append(k);
      }
    }
    sb.append('\n').append("module_hotfixes=1\n").append("skip_if_unavailable=0\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The upstreams' {@code modules.yaml} documents, concatenated in upstream order (each is a stream
   * of YAML documents, so the concatenation is one too), or null when none has any. Passed through
   * so {@code dnf module list} on the node still knows the streams; the local repository's {@code
   * module_hotfixes=1} keeps dnf from hiding its packages.
   */
  static byte[] modules(List<RpmUpstreamLoader.Loaded> ups) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (RpmUpstreamLoader.Loaded u : ups) {
      var f = u.repository().modulesFile();
      if (f.isEmpty() || !Files.isRegularFile(f.get())) {
        continue;
      }
      try (var in =
          MetadataCompression.open(
              Files.newInputStream(f.get()), f.get().getFileName().toString())) {
        byte[] doc = in.readAllBytes();
        String head =
            new String(doc, 0, Math.min(doc.length, 16), StandardCharsets.UTF_8).stripLeading();
        if (!head.startsWith("---")) {
          out.write("---\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(doc);
        if (doc.length > 0 && doc[doc.length - 1] != '\n') {
          out.write('\n');
        }
      }
    }
    return out.size() == 0 ? null : out.toByteArray();
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
