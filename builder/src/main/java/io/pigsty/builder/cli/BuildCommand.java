package io.pigsty.builder.cli;

import io.pigsty.builder.bundle.BundleBuilder;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.definition.Target;
import io.pigsty.builder.fetch.ConsoleProgress;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.builder.files.OutputDirs;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pigsty build DEF}: make the offline bundle. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Build the offline bundle of a definition: verify upstream InRelease "
          + "signatures, resolve the closure, download and check every .deb, write a signed flat "
          + "APT repository, manifest.json and a reproducible pigsty-pkg-<version>.<os>.<arch>.tgz. "
          + "For rpm definitions: repomd.xml.asc (repo_gpgcheck) and every package signature "
          + "(gpgcheck) are checked, and the bundle is a dnf repository with a signed repomd.xml."
    })
final class BuildCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DEF", description = "Bundle definition, e.g. bundles/d12.yml.")
  Path definition;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      defaultValue = "dist",
      description =
          "Output directory (default ${DEFAULT-VALUE}): the .tgz, its .sha256, and the "
              + "unpacked repository <name>/pigsty/.")
  Path out;

  @Option(
      names = "--add-deb",
      paramLabel = "FILE",
      description =
          "Add this .deb of our own (e.g. dist/pigsty_<version>_all.deb from 'pigsty "
              + "package deb') to the bundle's repository, beside the closure (repeatable).")
  List<Path> addDebs = new ArrayList<>();

  @Option(
      names = "--add-rpm",
      paramLabel = "FILE",
      description =
          "Add this .rpm of our own (e.g. dist/pigsty-<version>-1.noarch.rpm from 'pigsty "
              + "package rpm') to an EL bundle's repository, beside the closure (repeatable).")
  List<Path> addRpms = new ArrayList<>();

  @Mixin CommonOptions common;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    CompletableFuture<Downloader> client = common.downloaderAsync();
    BundleDefinition def = BundleDefinition.load(definition);
    PrintStream err = System.err;
    try (Downloader d = CommonOptions.join(client)) {
      Map<String, List<Path>> local = Map.of(Target.DEB, addDebs, Target.RPM, addRpms);
      for (Map.Entry<String, List<Path>> e : local.entrySet()) {
        if (!e.getKey().equals(def.osFamily()) && !e.getValue().isEmpty()) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "--add-"
                  + e.getKey()
                  + " applies to "
                  + e.getKey()
                  + " bundles; "
                  + definition
                  + " is for "
                  + def.target().os());
        }
      }
      // before any download: an output directory that cannot be written fails now, not after
      OutputDirs.requireWritable(out, "-o/--out");
      BundleBuilder.Tools tools =
          new BundleBuilder.Tools(d, common.contentCache(), common.mirrors(), common.keyDir(), err);
      BundleBuilder.Result r =
          BundleBuilder.forDefinition(def, tools)
              .withLocalPackages(local.get(def.osFamily()))
              .build(def, out, new ConsoleProgress(err));
      double total = (System.nanoTime() - t0) / 1e9;
      PrintWriter o = spec.commandLine().getOut();
      o.printf(Locale.ROOT, "bundle   %s%s%n", r.bundle(), r.upToDate() ? " (up to date)" : "");
      o.printf(Locale.ROOT, "repo     %s%n", r.repoDir());
      o.printf(
          Locale.ROOT,
          "packages %d, %.1f MB of packages (%d downloaded, %.1f MB; %d from cache)%n",
          r.packages(),
          r.packageBytes() / 1e6,
          r.download().downloads(),
          r.download().bytesDownloaded() / 1e6,
          r.download().cacheHits());
      o.printf(Locale.ROOT, "bundle   %.1f MB%n", r.bundleBytes() / 1e6);
      StringBuilder phases = new StringBuilder();
      for (Map.Entry<String, Double> e : r.secondsPerPhase().entrySet()) {
        phases.append(String.format(Locale.ROOT, " %s %.2f s,", e.getKey(), e.getValue()));
      }
      o.printf(Locale.ROOT, "seconds %s total %.2f s%n", phases, total);
      if (r.secondsPerPhase().get("download") > 0 && r.download().bytesDownloaded() > 0) {
        o.printf(
            Locale.ROOT,
            "download %.1f MB/s%n",
            r.download().bytesDownloaded() / 1e6 / r.secondsPerPhase().get("download"));
      }
      o.flush();
    }
    return 0;
  }
}
