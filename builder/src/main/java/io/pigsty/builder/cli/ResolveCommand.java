package io.pigsty.builder.cli;

import io.pigsty.builder.bundle.deb.DebBundleBuilder;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.solve.Resolution;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pigsty resolve DEF}: print the closure without downloading any .deb. */
@Command(name = "resolve", mixinStandardHelpOptions = true,
    description = {"Print the closure of a definition (one 'name<TAB>version<TAB>arch<TAB>upstream' "
        + "line per package, sorted), or why one package is in it. Reads signed upstream "
        + "metadata; downloads no .deb or .rpm. For rpm definitions the chain names NEVRAs and the "
        + "requirement each one satisfies."})
final class ResolveCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DEF", description = "Bundle definition, e.g. bundles/d12.yml.")
  Path definition;

  @Option(names = "--why", paramLabel = "PKG",
      description = "Print the chain that brings PKG into the closure, e.g. 'pgsql -> postgresql-15 -> libllvm14'.")
  String why;

  @Option(names = "--requested", description = "Print only the requested package names (aliases expanded).")
  boolean requestedOnly;

  @Option(names = "--timings", description = "Print load and resolve seconds and peak heap to stderr.")
  boolean timings;

  @Mixin CommonOptions common;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    java.util.concurrent.CompletableFuture<Downloader> client = requestedOnly ? null : common.downloaderAsync();
    BundleDefinition def = BundleDefinition.load(definition);
    PrintWriter out = spec.commandLine().getOut();
    if (requestedOnly) {
      def.packages().forEach(p -> out.println(p.spec()));
      out.flush();
      return 0;
    }
    Map<String, Double> t = new LinkedHashMap<>();
    Closure c = io.pigsty.builder.definition.Target.RPM.equals(def.osFamily())
        ? rpmClosure(def, client, t) : debClosure(def, client, t);
    if (why != null) {
      List<String> chain = c.why().apply(why);
      if (chain.isEmpty()) {
        spec.commandLine().getErr().println("pigsty: " + why + " is not in the closure of " + definition);
        return ExitCode.RESOLUTION.code;
      }
      out.println(String.join(" -> ", chain));
    } else {
      c.lines().forEach(out::println);
    }
    out.flush();
    printTimings(t, c.lines().size());
    return 0;
  }

  /** The closure as printed lines (name, version, arch, upstream; sorted) and its explanations. */
  private record Closure(java.util.function.Function<String, List<String>> why, List<String> lines) {}

  private Closure debClosure(BundleDefinition def, java.util.concurrent.CompletableFuture<Downloader> client,
      Map<String, Double> t) throws Exception {
    Resolution r;
    try (Downloader d = CommonOptions.join(client)) {
      DebBundleBuilder b = new DebBundleBuilder(d, common.contentCache(), common.mirrors(), common.keyDir(), System.err);
      r = b.resolve(def, t).resolution();
    }
    List<String> lines = new java.util.ArrayList<>();
    for (DebPackage p : r.packages()) {
      lines.add(p.name() + "\t" + p.version() + "\t" + p.architecture() + "\t" + p.origin());
    }
    return new Closure(r::why, lines);
  }

  private Closure rpmClosure(BundleDefinition def, java.util.concurrent.CompletableFuture<Downloader> client,
      Map<String, Double> t) throws Exception {
    io.pigsty.builder.bundle.rpm.RpmBundleBuilder.Resolved res;
    try (Downloader d = CommonOptions.join(client)) {
      res = new io.pigsty.builder.bundle.rpm.RpmBundleBuilder(d, common.contentCache(), common.mirrors(),
          common.keyDir(), System.err).resolve(def, t);
    }
    List<io.pigsty.repo.rpm.RpmPackage> sorted = new java.util.ArrayList<>(res.resolution().packages());
    sorted.sort(java.util.Comparator.comparing(io.pigsty.repo.rpm.RpmPackage::name)
        .thenComparing(io.pigsty.repo.rpm.RpmPackage::arch));
    List<String> lines = new java.util.ArrayList<>();
    for (io.pigsty.repo.rpm.RpmPackage p : sorted) {
      lines.add(p.name() + "\t" + p.evr() + "\t" + p.arch() + "\t" + res.upstreamOf(p).upstream().name());
    }
    return new Closure(res.resolution()::why, lines);
  }

  private void printTimings(Map<String, Double> t, int packages) {
    if (timings) {
      System.err.printf(Locale.ROOT, "metadata_seconds=%.3f%nresolve_seconds=%.4f%npackages=%d%npeak_heap_mb=%.0f%n",
          t.get("metadata"), t.get("resolve"), packages, io.pigsty.repo.HeapPeak.bytes() / 1e6);
      Runtime.getRuntime().gc();
    }
  }
}
