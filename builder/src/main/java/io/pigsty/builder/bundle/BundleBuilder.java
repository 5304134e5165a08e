package io.pigsty.builder.bundle;

import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.builder.fetch.FetchReport;
import io.pigsty.builder.fetch.ProgressListener;
import io.pigsty.repo.PigstyException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.Function;

/** Builds a bundle definition into an offline bundle; one implementation per package family. */
public interface BundleBuilder {
  /** Root directory name inside the tarball; unpacked under {@code /www} it is the local repo. */
  String ROOT = "pigsty";

  /**
   * Origin ({@code upstream} in manifest.json) of the packages added by {@link #withLocalPackages}.
   */
  String LOCAL_ORIGIN = "local";

  /**
   * Adds packages of our own (such as {@code pigsty_<version>_all.deb}) to the bundle's repository
   * beside the closure, recorded with upstream {@value #LOCAL_ORIGIN}.
   *
   * @param files package files of this builder's family; each name must not be in the closure
   * @return this builder
   */
  BundleBuilder withLocalPackages(List<Path> files);

  /**
   * Loads the upstreams (signature-checked) and resolves the closure, downloading no package.
   *
   * @param timings receives {@code metadata} and {@code resolve} seconds
   * @return the closure, one line per package
   * @throws PigstyException for a download, signature, metadata or resolution failure
   */
  Closure closure(BundleDefinition def, Map<String, Double> timings)
      throws PigstyException, IOException;

  /**
   * Builds the bundle into {@code outDir}: {@code <outDir>/<bundleFileName>} and the unpacked
   * repository {@code <outDir>/<name>/pigsty/}. An unchanged rebuild leaves both in place. Nothing
   * is left at the destination when a step fails.
   *
   * @param progress download progress
   * @return where the bundle is, sizes and per-phase seconds
   * @throws PigstyException for a download, signature, metadata, resolution or bundle failure
   */
  Result build(BundleDefinition def, Path outDir, ProgressListener progress)
      throws PigstyException, IOException;

  /**
   * The result of a build.
   *
   * @param bundle the tarball
   * @param repoDir the unpacked repository
   * @param packages number of package files in it
   * @param packageBytes their total size in bytes
   * @param bundleBytes the tarball's size in bytes
   * @param upToDate whether the bundle was already in place (nothing written)
   * @param secondsPerPhase seconds per phase, in order
   * @param download what the downloads did
   */
  record Result(
      Path bundle,
      Path repoDir,
      int packages,
      long packageBytes,
      long bundleBytes,
      boolean upToDate,
      Map<String, Double> secondsPerPhase,
      FetchReport download) {
    /** Checks that nothing is missing. */
    public Result {
      Objects.requireNonNull(bundle, "bundle");
      Objects.requireNonNull(repoDir, "repoDir");
      Objects.requireNonNull(secondsPerPhase, "secondsPerPhase");
      Objects.requireNonNull(download, "download");
    }
  }

  /**
   * A closure as {@code pigsty resolve} prints it.
   *
   * @param lines one {@code name<TAB>version<TAB>arch<TAB>upstream} line per package, sorted
   * @param why the chain that brings a package name into the closure; empty when it is not in it
   */
  record Closure(List<String> lines, Function<String, List<String>> why) {
    /** Copies the lines. */
    public Closure {
      lines = List.copyOf(lines);
      Objects.requireNonNull(why, "why");
    }
  }

  /**
   * What a builder works with.
   *
   * @param downloader downloads with the shared content-addressed cache
   * @param cache the same cache root, for verified metadata
   * @param mirrors where suites and repository ids are fetched from
   * @param keyDir where the bundle signing key is kept (created on first use)
   * @param log where phase lines go (stderr for the CLI)
   */
  record Tools(
      Downloader downloader, ContentCache cache, Mirrors mirrors, Path keyDir, PrintStream log) {
    /** Checks that nothing is missing. */
    public Tools {
      Objects.requireNonNull(downloader, "downloader");
      Objects.requireNonNull(cache, "cache");
      Objects.requireNonNull(mirrors, "mirrors");
      Objects.requireNonNull(keyDir, "keyDir");
      Objects.requireNonNull(log, "log");
    }
  }

  /**
   * Makes the builder of one package family; implementations are listed in {@code
   * META-INF/services}, so this package does not depend on them.
   */
  interface Provider {
    /**
     * @return the family served, {@code Target.DEB} or {@code Target.RPM}
     */
    String family();

    /**
     * @return a new builder
     */
    BundleBuilder create(Tools tools);
  }

  /**
   * The builder for a definition's package family.
   *
   * @throws IllegalStateException when no implementation for the family is on the class path (a
   *     bug)
   */
  static BundleBuilder forDefinition(BundleDefinition def, Tools tools) {
    for (Provider p : ServiceLoader.load(Provider.class, BundleBuilder.class.getClassLoader())) {
      if (p.family().equals(def.osFamily())) {
        return p.create(tools);
      }
    }
    throw new IllegalStateException("no bundle builder for the " + def.osFamily() + " family");
  }
}
