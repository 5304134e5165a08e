package io.pigsty.builder.cli;

import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.bundle.BundleVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pigsty verify BUNDLE}: check a bundle offline. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Check a bundle offline: every file's size and SHA256 against manifest.json, "
        + "the InRelease signature with the shipped key, Release against Packages, Packages "
        + "against every .deb. Lists every problem found."})
final class VerifyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "BUNDLE", description = "A pigsty-pkg-*.tgz.")
  Path bundle;

  @Option(names = "--key", paramLabel = "FINGERPRINT",
      description = "Also require the bundle to be signed by this key.")
  String key;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BundleVerifier.Report r = BundleVerifier.verify(bundle, key);
    if (!r.ok()) {
      StringBuilder sb = new StringBuilder(bundle + ": " + r.problems().size() + " problem(s):");
      r.problems().forEach(p -> sb.append("\n  ").append(p));
      throw new BundleException(sb.toString());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%s: OK, %d files, %.1f MB, signed by %s%n", bundle, r.files(),
        r.bytes() / 1e6, r.keyFingerprint());
    out.flush();
    return 0;
  }
}
