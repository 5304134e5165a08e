package io.pigsty.builder.cli;

import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.bundle.deb.DebBundleBuilder;
import io.pigsty.builder.release.ReleaseSums;
import io.pigsty.builder.verify.BundleVerifier;
import io.pigsty.builder.verify.PinnedKeys;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.sign.TrustedKeys;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pigsty verify BUNDLE} or {@code pigsty verify --sums SHA256SUMS}: offline checks. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check a bundle offline: every file's size and SHA256 against manifest.json, "
          + "the InRelease signature with the shipped key, Release against Packages, Packages "
          + "against every .deb. Lists every problem found.",
      "With --sums, check a release directory instead: the signature SHA256SUMS.asc over "
          + "SHA256SUMS (exit 5 when missing, bad or by another key), then the SHA256 of every "
          + "file it lists (exit 8 naming each missing or changed file)."
    })
final class VerifyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "BUNDLE", arity = "0..1", description = "A pigsty-pkg-*.tgz.")
  Path bundle;

  @Option(
      names = "--sums",
      paramLabel = "SHA256SUMS",
      description = "Check a release: this SHA256SUMS, its SHA256SUMS.asc and the files it lists.")
  Path sums;

  @Option(
      names = "--key",
      paramLabel = "FINGERPRINT|FILE",
      description = {
        "Bundle: also require the bundle to be signed by this key: a fingerprint, an OpenPGP "
            + "public key file or a file of fingerprints (e.g. the release's bundle-keys.txt). "
            + "Without --key the bundle is checked with the key it ships, which proves it "
            + "intact, not who made it.",
        "Release: the trusted key, a keyring file or a fingerprint that pigsty.gpg next to "
            + "SHA256SUMS must hold. Without --key the release is checked with that pigsty.gpg, "
            + "which proves it is intact, not who made it."
      })
  String key;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if ((bundle == null) == (sums == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give either BUNDLE or --sums SHA256SUMS");
    }
    if (sums != null) {
      return verifyRelease();
    }
    Set<String> pinned = null;
    if (key != null) {
      try {
        pinned = PinnedKeys.parse(key);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--key " + e.getMessage());
      }
    }
    BundleVerifier.Report r = BundleVerifier.verifyPinned(bundle, pinned, Instant.now());
    if (!r.ok()) {
      StringBuilder sb = new StringBuilder(bundle + ": " + r.problems().size() + " problem(s):");
      // sorted and bounded: a bundle damaged throughout can have tens of thousands
      r.shown(BundleVerifier.SHOWN_PROBLEMS).forEach(p -> sb.append("\n  ").append(p));
      throw new BundleException(sb.toString());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "%s: OK, %d files, %.1f MB, signed by %s%s%n",
        bundle,
        r.files(),
        r.bytes() / 1e6,
        String.join(", ", r.signers()),
        key == null
            ? " (the key it ships, not pinned: this proves it intact, not who made it; pin it"
                + " with --key)"
            : " (pinned by --key)");
    out.flush();
    return 0;
  }

  private int verifyRelease() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path shipped = sums.resolveSibling(DebBundleBuilder.KEYRING);
    boolean keyFile = key != null && Files.isRegularFile(Path.of(key));
    String want = null;
    if (key != null && !keyFile) {
      want = TrustedKeys.normalizeFingerprint(key);
      if (!want.matches("[0-9A-F]{40}")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--key " + key + ": neither a file nor a 40-digit fingerprint");
      }
    }
    Path keyring = keyFile ? Path.of(key) : shipped;
    if (!Files.isRegularFile(keyring)) {
      throw new SignatureException(
          shipped.toString(),
          "missing: no key to check " + sums.getFileName() + ".asc with (give --key FILE)");
    }
    // with a fingerprint, ReleaseSums.verify refuses a signature by any other key of the keyring
    TrustedKeys keys = TrustedKeys.load(List.of(keyring));
    ReleaseSums.Report r = ReleaseSums.verify(sums, keys, want);
    out.printf(
        Locale.ROOT,
        "%s: OK, %d files, %.1f MB, signed by %s%s%n",
        sums,
        r.entries().size(),
        r.bytes() / 1e6,
        r.keyFingerprint(),
        key == null
            ? " (key from " + shipped.getFileName() + " beside it; pin it with --key)"
            : "");
    out.flush();
    return 0;
  }
}
