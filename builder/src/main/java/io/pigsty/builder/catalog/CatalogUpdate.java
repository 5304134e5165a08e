package io.pigsty.builder.catalog;

import io.pigsty.builder.bundle.ContentCache;
import io.pigsty.builder.bundle.Mirrors;
import io.pigsty.builder.bundle.UpstreamState;
import io.pigsty.builder.bundle.deb.UpstreamLoader;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.definition.DefinitionException;
import io.pigsty.builder.definition.ExtensionCatalog;
import io.pigsty.builder.definition.Target;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.builder.fetch.FetchException;
import io.pigsty.builder.fetch.FetchReport;
import io.pigsty.builder.fetch.FetchRequest;
import io.pigsty.builder.fetch.ProgressListener;
import io.pigsty.repo.PigstyException;
import io.pigsty.repo.Printable;
import io.pigsty.repo.Threads;
import io.pigsty.repo.deb.DebFile;
import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.deb.PackageIndex;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * {@code pigsty catalog update DEF}: rewrites the definition's extension catalog with what its
 * Debian archive holds for its OS code and PostgreSQL major.
 *
 * <ol>
 *   <li>The upstream indexes are read as {@code build} reads them ({@link UpstreamLoader}:
 *       InRelease signature, Release checksums).
 *   <li>The newest version of every {@linkplain #isCandidate candidate} is downloaded, its size and
 *       SHA256 checked against that signed index before it is opened.
 *   <li>Each .deb is read ({@link PackageScan}): Description, {@code .control} files, {@code
 *       postinst} alternatives, the imports of its modules, which decide preloading ({@link
 *       PreloadRule}), and their exports, which mark output plugins ({@link OutputPluginRule}).
 *   <li>A companion (a package of the same source that another candidate Depends on and that ships
 *       no module, such as {@code postgresql-15-postgis-3-scripts}) lends its extension names to
 *       that package and gets no entry; a package with neither a {@code .control} file nor a module
 *       (a tool such as {@code postgresql-15-pg-catcheck}, a {@code -doc} package) gets none
 *       either.
 *   <li>Each remaining package's archive record goes to the entry whose templates name it for this
 *       OS code and major, else to a new entry (alias: the extension name when it provides exactly
 *       one, else the name's suffix with {@code -} as {@code _}; template: the name with the major
 *       as {@code $v}); the records of this target found no more are dropped, every other key and
 *       record is kept.
 *   <li>The catalog is written to a temporary file beside it and renamed into place, only when its
 *       text changed.
 * </ol>
 */
public final class CatalogUpdate {
  private final Downloader downloader;
  private final ContentCache cache;
  private final Mirrors mirrors;
  private final PrintStream log;
  private final ProgressListener progress;

  /**
   * @param downloader downloads with the shared content-addressed cache
   * @param cache the same cache root, for verified uncompressed indexes
   * @param mirrors where suites are fetched from (the build host's apt sources by default)
   * @param log where the decisions and the summary go (stderr for the CLI)
   * @param progress download progress
   */
  public CatalogUpdate(
      Downloader downloader,
      ContentCache cache,
      Mirrors mirrors,
      PrintStream log,
      ProgressListener progress) {
    this.downloader = downloader;
    this.cache = cache;
    this.mirrors = mirrors;
    this.log = log;
    this.progress = progress;
  }

  /**
   * What an update did.
   *
   * @param catalog the catalog file
   * @param target the target updated, e.g. {@code d12-15}
   * @param candidates the candidate packages in the archive
   * @param records the archive records written for the target (one per entry)
   * @param added the aliases of the entries made by this run, sorted
   * @param preload the aliases whose record names a library to preload, in catalog order
   * @param outputPlugins the aliases whose record names an output plugin, in catalog order
   * @param skipped candidate packages without an entry, to the reason
   * @param changed whether the file's text changed (else it was left untouched)
   * @param bytesDownloaded bytes received from the network (indexes and packages)
   * @param packageBytes the total size of the candidate packages, in bytes, cached or not
   * @param seconds wall time
   */
  public record Result(
      Path catalog,
      String target,
      int candidates,
      int records,
      List<String> added,
      List<String> preload,
      List<String> outputPlugins,
      Map<String, String> skipped,
      boolean changed,
      long bytesDownloaded,
      long packageBytes,
      double seconds) {}

  /**
   * Whether a package of the archive is a candidate for the catalog of PostgreSQL {@code major}:
   * {@code postgresql-<major>-<name>}, or {@code postgresql-pl<language>-<major>} (the server's own
   * procedural languages, built from the server's source), but not a debug symbols package ({@code
   * -dbgsym}, {@code -dbg}).
   */
  public static boolean isCandidate(String name, int major) {
    if (name.endsWith("-dbgsym") || name.endsWith("-dbg")) {
      return false;
    }
    return name.startsWith("postgresql-" + major + "-")
        || Pattern.matches("postgresql-pl[a-z0-9]+-" + major, name);
  }

  /**
   * Updates the catalog of a definition.
   *
   * @param definition a deb bundle definition, e.g. {@code bundles/d12.yml}
   * @return what was done
   * @throws DefinitionException for a bad definition or catalog, an rpm definition, or a new alias
   *     that an entry of another package already has
   * @throws PigstyException as {@code build} throws them: no mirror, a failed download, a bad
   *     signature, a malformed index or .deb
   * @throws IOException when the catalog cannot be read or written
   */
  public Result update(Path definition) throws PigstyException, IOException {
    long t0 = System.nanoTime();
    long bytes0 = downloader.bytesDownloaded();
    BundleDefinition.ForCatalog fc = BundleDefinition.loadForCatalog(definition);
    BundleDefinition def = fc.definition();
    if (!Target.DEB.equals(def.osFamily())) {
      throw new DefinitionException(
          def.file(),
          0,
          "target.os",
          "catalog update reads Debian archives; this definition is for "
              + def.target().os()
              + " ("
              + def.osFamily()
              + ")");
    }
    String osCode = def.name();
    int major = def.pgMajor();
    String target = ExtensionCatalog.Archived.key(osCode, major);
    Path file = fc.catalog();
    ExtensionCatalog old =
        Files.exists(file) ? ExtensionCatalog.load(file) : ExtensionCatalog.of(file, List.of());

    UpstreamLoader.Loaded loaded = new UpstreamLoader(downloader, cache, mirrors).load(def);
    long t1 = System.nanoTime();
    Map<String, URI> bases = new LinkedHashMap<>();
    for (UpstreamState u : loaded.upstreams()) {
      bases.put(u.name(), u.base());
    }
    List<DebPackage> candidates = candidates(loaded.index(), major);
    List<FetchRequest> requests = new ArrayList<>();
    long packageBytes = 0;
    for (DebPackage p : candidates) {
      if (p.filename() == null || p.sha256() == null || p.size() < 0) {
        throw new MetadataException(
            p.origin() + ": package " + p.id() + " has no Filename, Size or SHA256 in its index");
      }
      requests.add(
          new FetchRequest(
              URI.create(bases.get(p.origin()) + "/" + p.filename()),
              p.size(),
              p.sha256(),
              p.name()));
      packageBytes += p.size();
    }
    FetchReport report = downloader.fetchAll(requests, progress);
    if (!report.ok()) {
      throw FetchException.several(report.failures(), requests.size());
    }
    long t2 = System.nanoTime();
    List<PackageScan> scans = scanAll(candidates, requests, report, major);
    long t3 = System.nanoTime();
    log.printf(
        Locale.ROOT,
        "seconds  metadata %.2f, download %.2f, scan %.2f%n",
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        (t3 - t2) / 1e9);
    Map<String, String> skipped = new TreeMap<>();
    List<ExtensionCatalog.Archived> found = records(scans, osCode, major, skipped);
    ExtensionCatalog merged = merge(old, osCode, major, found);
    for (ExtensionCatalog.Archived a : found) {
      if (!a.preload().isEmpty()) {
        PackageScan s =
            scans.stream().filter(x -> x.name().equals(a.packageName())).findFirst().get();
        for (String lib : a.preload()) {
          PreloadRule.Override o = PreloadRule.OVERRIDES.get(lib);
          log.println(
              "preload  "
                  + a.packageName()
                  + ": "
                  + lib
                  + (o != null
                      ? " (override: " + o.reason() + ")"
                      : " (imports "
                          + String.join(", ", PreloadRule.signals(s.modules().get(lib)))
                          + ")"));
        }
      }
    }
    for (PackageScan s : scans) {
      for (Map.Entry<String, Set<String>> m : s.modules().entrySet()) {
        PreloadRule.Override o = PreloadRule.OVERRIDES.get(m.getKey());
        if (o != null && !o.required()) {
          log.println(
              "optional "
                  + s.name()
                  + ": "
                  + m.getKey()
                  + " (imports "
                  + String.join(", ", PreloadRule.signals(m.getValue()))
                  + "; override: "
                  + o.reason()
                  + ")");
        }
      }
    }
    for (ExtensionCatalog.Archived a : found) {
      for (String lib : a.outputPlugins()) {
        log.println(
            "output   "
                + a.packageName()
                + ": "
                + lib
                + " (exports "
                + OutputPluginRule.INIT
                + ")");
      }
    }
    skipped.forEach((k, v) -> log.println("skipped  " + k + ": " + v));
    List<String> added = new ArrayList<>(merged.aliases());
    added.removeAll(old.aliases());
    List<String> preload = new ArrayList<>();
    List<String> outputPlugins = new ArrayList<>();
    for (ExtensionCatalog.Extension e : merged.entries()) {
      if (e.archived(osCode, major).map(a -> !a.preload().isEmpty()).orElse(false)) {
        preload.add(e.alias());
      }
      if (e.archived(osCode, major).map(a -> !a.outputPlugins().isEmpty()).orElse(false)) {
        outputPlugins.add(e.alias());
      }
    }
    boolean changed = write(file, merged.toYaml());
    return new Result(
        file,
        target,
        candidates.size(),
        found.size(),
        List.copyOf(new TreeSet<>(added)),
        preload,
        outputPlugins,
        skipped,
        changed,
        downloader.bytesDownloaded() - bytes0,
        packageBytes,
        (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Reads every fetched .deb ({@link PackageScan}), one per processor at a time (decompressing
   * data.tar is the cost), checking that each one's control file names the package and version of
   * the signed index.
   *
   * @return the scans, in candidate order
   */
  private static List<PackageScan> scanAll(
      List<DebPackage> candidates, List<FetchRequest> requests, FetchReport report, int major)
      throws PigstyException, IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            Threads.daemon("catalog-scan-"));
    try {
      List<Future<PackageScan>> futures = new ArrayList<>();
      for (int i = 0; i < candidates.size(); i++) {
        DebPackage p = candidates.get(i);
        Path deb = report.fetched().get(requests.get(i));
        futures.add(pool.submit(() -> scan(p, deb, major)));
      }
      List<PackageScan> out = new ArrayList<>();
      for (Future<PackageScan> f : futures) {
        try {
          out.add(f.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof PigstyException pe) throw pe;
          if (c instanceof IOException io) throw io;
          if (c instanceof RuntimeException re) throw re;
          if (c instanceof Error err) throw err;
          throw new IllegalStateException(c);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static PackageScan scan(DebPackage p, Path deb, int major)
      throws PigstyException, IOException {
    String where = p.filename();
    DebFile.Contents c =
        DebFile.readContents(deb, PackageScan.modulePaths(major), PackageScan.MAX_MODULE_BYTES);
    if (!c.control().name().equals(p.name())
        || !c.control().version().toString().equals(p.version().toString())) {
      throw new MetadataException(
          where
              + ": its control file says "
              + c.control().name()
              + " "
              + c.control().version()
              + ", the signed index "
              + p.name()
              + " "
              + p.version());
    }
    return PackageScan.of(c, major, where);
  }

  /** The newest version of each candidate name in the index, sorted by name. */
  static List<DebPackage> candidates(PackageIndex index, int major) {
    Set<String> names = new TreeSet<>();
    for (DebPackage p : index.all()) {
      if (isCandidate(p.name(), major)) {
        names.add(p.name());
      }
    }
    List<DebPackage> out = new ArrayList<>();
    for (String n : names) {
      out.add(index.versions(n).get(0)); // newest first, as apt's candidate at equal priority
    }
    return out;
  }

  /**
   * The archive records of the scanned packages: companions folded into the package that depends on
   * them, packages with neither extension nor module left out (into {@code skipped}, with the
   * reason).
   *
   * @return one record per remaining package, sorted by package name
   * @throws MetadataException naming the package when a control file's or module's name is not one
   *     PostgreSQL takes
   */
  static List<ExtensionCatalog.Archived> records(
      List<PackageScan> scans, String osCode, int major, Map<String, String> skipped)
      throws MetadataException {
    Map<String, PackageScan> byName = new TreeMap<>();
    scans.forEach(s -> byName.put(s.name(), s));
    Map<String, List<PackageScan>> companions = new TreeMap<>();
    Set<String> folded = new TreeSet<>();
    for (PackageScan q : byName.values()) {
      for (String d : q.depends()) {
        PackageScan p = byName.get(d);
        if (p != null
            && !p.name().equals(q.name())
            && p.source().equals(q.source())
            && p.modules().isEmpty()
            && !folded.contains(q.name())
            && folded.add(p.name())) {
          companions.computeIfAbsent(q.name(), k -> new ArrayList<>()).add(p);
          skipped.put(p.name(), "companion of " + q.name() + " (same source, no module)");
        }
      }
    }
    List<ExtensionCatalog.Archived> out = new ArrayList<>();
    for (PackageScan s : byName.values()) {
      if (folded.contains(s.name())) {
        continue;
      }
      Set<String> stems = new TreeSet<>(s.controlStems());
      Set<String> alternatives = new TreeSet<>(s.alternatives());
      for (PackageScan c : companions.getOrDefault(s.name(), List.of())) {
        stems.addAll(c.controlStems());
        alternatives.addAll(c.alternatives());
      }
      if (stems.isEmpty() && s.modules().isEmpty()) {
        skipped.put(s.name(), "no .control file and no module: not an extension");
        continue;
      }
      try {
        out.add(
            new ExtensionCatalog.Archived(
                osCode,
                major,
                s.name(),
                s.version(),
                s.description().isEmpty() ? s.name() : s.description(),
                List.copyOf(PackageScan.extensionNames(stems, alternatives)),
                List.copyOf(s.preload()),
                List.copyOf(s.outputPlugins())));
      } catch (IllegalArgumentException e) { // a file name PostgreSQL would not take either
        throw new MetadataException(
            s.name() + " " + s.version() + ": " + Printable.escape(e.getMessage()), e);
      }
    }
    return out;
  }

  /**
   * The catalog with this target's archive records replaced by {@code found}: each record goes to
   * every entry whose templates name its package for the target (the OS code's override, else the
   * deb template), else to a new entry appended in alias order.
   *
   * @throws DefinitionException naming the catalog and the entry when a new entry's alias is taken
   */
  static ExtensionCatalog merge(
      ExtensionCatalog old, String osCode, int major, List<ExtensionCatalog.Archived> found)
      throws DefinitionException {
    String target = ExtensionCatalog.Archived.key(osCode, major);
    Map<String, ExtensionCatalog.Extension> entries = new LinkedHashMap<>();
    for (ExtensionCatalog.Extension e : old.entries()) {
      entries.put(e.alias(), e.withArchived(target, null));
    }
    Map<String, ExtensionCatalog.Extension> added = new TreeMap<>();
    for (ExtensionCatalog.Archived a : found) {
      boolean matched = false;
      for (ExtensionCatalog.Extension e : old.entries()) {
        if (e.templatePackages(osCode, Target.DEB, major).contains(a.packageName())) {
          entries.put(e.alias(), entries.get(e.alias()).withArchived(target, a));
          matched = true;
        }
      }
      if (matched) {
        continue;
      }
      String suffix = suffix(a.packageName(), major);
      String preferred = a.extensions().size() == 1 ? a.extensions().get(0) : suffix;
      String alias = null;
      for (String candidate : List.of(preferred, suffix)) {
        if (candidate.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")
            && !entries.containsKey(candidate)
            && !added.containsKey(candidate)) {
          alias = candidate;
          break;
        }
      }
      if (alias == null) {
        ExtensionCatalog.Extension taken =
            entries.containsKey(preferred) ? entries.get(preferred) : added.get(preferred);
        throw new DefinitionException(
            old.file(),
            taken == null ? 0 : taken.line(),
            preferred,
            "the alias for "
                + a.packageName()
                + " ('"
                + preferred
                + "', or '"
                + suffix
                + "') is taken by another entry; add an entry for it by hand (deb: \""
                + template(a.packageName(), major)
                + "\") and run the update again");
      }
      added.put(
          alias,
          new ExtensionCatalog.Extension(
              alias,
              Map.of(Target.DEB, List.of(template(a.packageName(), major))),
              Map.of(),
              Set.of(),
              List.of(),
              Map.of(target, a),
              0));
    }
    List<ExtensionCatalog.Extension> all = new ArrayList<>(entries.values());
    all.addAll(added.values());
    return ExtensionCatalog.of(old.file(), all);
  }

  /**
   * {@code postgresql-15-pg-stat-kcache} -> {@code pg_stat_kcache}; {@code postgresql-plperl-15} ->
   * {@code plperl}.
   */
  static String suffix(String packageName, int major) {
    String s = packageName.substring("postgresql-".length());
    s = s.startsWith(major + "-") ? s.substring((major + "-").length()) : s;
    s = s.endsWith("-" + major) ? s.substring(0, s.length() - ("-" + major).length()) : s;
    return s.replace('-', '_');
  }

  /** The deb template of a new entry: the package name with its major as {@code $v}. */
  static String template(String packageName, int major) {
    String m = Integer.toString(major);
    if (packageName.startsWith("postgresql-" + m + "-")) {
      return "postgresql-"
          + ExtensionCatalog.MAJOR_PLACEHOLDER
          + packageName.substring(11 + m.length());
    }
    return packageName.substring(0, packageName.length() - m.length())
        + ExtensionCatalog.MAJOR_PLACEHOLDER;
  }

  /**
   * Writes the text to a temporary file beside {@code file} and renames it into place, unless the
   * file already holds exactly that text.
   *
   * @return whether the file was written
   */
  static boolean write(Path file, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), bytes)) {
      return false;
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp");
    try {
      Files.write(tmp, bytes);
      // a temporary file is made 0600; the catalog keeps its mode, or gets 0644 (it is public)
      Files.setPosixFilePermissions(
          tmp,
          Files.isRegularFile(file)
              ? Files.getPosixFilePermissions(file)
              : PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return true;
  }
}
