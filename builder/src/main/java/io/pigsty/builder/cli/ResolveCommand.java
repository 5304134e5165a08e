package io.pigsty.builder.cli;

import io.pigsty.builder.bundle.BundleBuilder;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.repo.HeapPeak;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

/** {@code pigsty resolve DEF}: print the closure without downloading any .deb. */
@Command(
    name = "resolve",
    mixinStandardHelpOptions = true,
    description = {
      "Print the closure of a definition (one 'name<TAB>version<TAB>arch<TAB>upstream' "
          + "line per package, sorted), or why one package is in it. Reads signed upstream "
          + "metadata; downloads no .deb or .rpm. For rpm definitions the chain names NEVRAs and the "
          + "requirement each one satisfies."
    })
final class ResolveCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DEF", description = "Bundle definition, e.g. bundles/d12.yml.")
  Path definition;

  @Option(
      names = "--why",
      paramLabel = "PKG",
      description =
          "Print the chain that brings PKG into the closure, e.g. 'pgsql -> postgresql-15 -> libllvm14'.")
  String why;

  @Option(
      names = "--requested",
      description = "Print only the requested package names (aliases expanded).")
  boolean requestedOnly;

  @Option(
      names = "--timings",
      description = "Print load and resolve seconds and peak heap to stderr.")
  boolean timings;

  @Mixin CommonOptions common;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CompletableFuture<Downloader> client = requestedOnly ? null : common.downloaderAsync();
    BundleDefinition def = BundleDefinition.load(definition);
    PrintWriter out = spec.commandLine().getOut();
    if (requestedOnly) {
      def.packages().forEach(p -> out.println(p.spec()));
      out.flush();
      return 0;
    }
    Map<String, Double> t = new LinkedHashMap<>();
    BundleBuilder.Closure c;
    try (Downloader d = CommonOptions.join(client)) {
      c =
          BundleBuilder.forDefinition(
                  def,
                  new BundleBuilder.Tools(
                      d, common.contentCache(), common.mirrors(), common.keyDir(), System.err))
              .closure(def, t);
    }
    if (why != null) {
      List<String> chain = c.why().apply(why);
      if (chain.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println("pigsty: " + why + " is not in the closure of " + definition);
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

  private void printTimings(Map<String, Double> t, int packages) {
    if (timings) {
      System.err.printf(
          Locale.ROOT,
          "metadata_seconds=%.3f%nresolve_seconds=%.4f%npackages=%d%npeak_heap_mb=%.0f%n",
          t.get("metadata"),
          t.get("resolve"),
          packages,
          HeapPeak.bytes() / 1e6);
      Runtime.getRuntime().gc();
    }
  }
}
