package io.pigsty.builder.cli;

import io.pigsty.builder.release.SelfPackages;
import io.pigsty.repo.sign.BundleKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pigsty package deb|rpm}: the configurator as our own .deb or .rpm. */
@Command(
    name = "package",
    description = {
      "Build the configurator as a package: 'deb' writes pigsty_<version>_all.deb "
          + "(jdeb), 'rpm' writes pigsty-<version>-1.noarch.rpm (redline-rpm). Both install "
          + "configure, Makefile, pigsty.jar, templates/ and bundle-keys.txt (the pin of the "
          + "bundle signing key that configure requires, as in the release tarball) under "
          + SelfPackages.PREFIX
          + " and the wrapper "
          + SelfPackages.WRAPPER
          + "; neither depends on a Java package "
          + "(the wrapper needs Java 17+ and says what to install). Entry times: "
          + "SOURCE_DATE_EPOCH when set, else the jar's own build timestamp (its manifest "
          + "entry), so rebuilds of the same files are byte-identical."
    })
final class PackageCommand implements Callable<Integer> {
  // no mixinStandardHelpOptions: its -V/--version would clash with the package --version
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Parameters(paramLabel = "FORMAT", description = "deb or rpm.")
  String format;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      defaultValue = "dist",
      description = "Output directory (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--version",
      paramLabel = "VERSION",
      required = true,
      description = "Product version, e.g. 4.0.0 (the bundle definition's version).")
  String version;

  @Option(
      names = "--key-dir",
      paramLabel = "DIR",
      description =
          "Without --from: pin the bundle signing key kept here (created on first use; env "
              + "PIGSTY_KEY_DIR; default ~/.config/pigsty/signing-key), the key 'pigsty build' "
              + "signs bundles with. With --from the tree's bundle-keys.txt is the pin.")
  Path keyDir;

  @Option(
      names = "--from",
      paramLabel = "DIR",
      description =
          "A release tree (pigsty.jar, configure, Makefile, templates/, bundle-keys.txt), as box/release.sh "
              + "stages it. Default: the source tree in the current directory (builder/target/pigsty.jar, "
              + "configure, box/Makefile, builder/src/main/resources/templates).")
  Path from;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    SelfPackages.Contents c;
    Path pinFile = null;
    try {
      if (from != null) {
        c = SelfPackages.Contents.ofTree(from, version, mtime(from.resolve("pigsty.jar")));
        if (c.bundleKeys() == null) {
          throw new NoSuchFileException(
              from.resolve(SelfPackages.BUNDLE_KEYS).toString(),
              null,
              "No such file or directory (the release tree's pin of the bundle key, written by"
                  + " box/release.sh)");
        }
      } else {
        Path jar = Path.of("builder/target/pigsty.jar");
        Path t = Path.of("builder/src/main/resources/templates");
        c =
            new SelfPackages.Contents(
                version,
                jar,
                Path.of("configure"),
                Path.of("box/Makefile"),
                Files.isDirectory(t) ? t : null,
                mtime(jar));
        if (!format.equals("deb") && !format.equals("rpm")) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "FORMAT must be deb or rpm, got '" + format + "'");
        }
        // the fingerprint as box/release.sh writes bundle-keys.txt: uppercase hex and a newline,
        // so this package and the release's are byte-identical
        BundleKey key =
            BundleKey.loadOrCreate(
                keyDir != null ? keyDir : CommonOptions.defaultKeyDir(), BundleKey.USER_ID);
        pinFile = Files.createTempFile("pigsty-bundle-keys-", ".txt");
        Files.writeString(pinFile, key.fingerprint() + "\n", StandardCharsets.US_ASCII);
        c =
            new SelfPackages.Contents(
                c.version(),
                c.jar(),
                c.configure(),
                c.makefile(),
                c.templates(),
                c.mtime(),
                pinFile);
      }
    } catch (IllegalArgumentException e) { // the --version value
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Path p;
    try {
      p =
          switch (format) {
            case "deb" -> SelfPackages.deb(c, out);
            case "rpm" -> SelfPackages.rpm(c, out);
            default ->
                throw new CommandLine.ParameterException(
                    spec.commandLine(), "FORMAT must be deb or rpm, got '" + format + "'");
          };
    } finally {
      if (pinFile != null) {
        Files.deleteIfExists(pinFile);
      }
    }
    spec.commandLine().getOut().printf("%s (%d bytes)%n", p, Files.size(p));
    spec.commandLine().getOut().flush();
    return 0;
  }

  /**
   * SOURCE_DATE_EPOCH when set; else the time stored for the jar's manifest entry (Maven's
   * project.build.outputTimestamp in a reproducible build; zip DOS time read as UTC, so the time
   * zone does not matter); else the jar file's mtime.
   */
  private static Instant mtime(Path jar) throws IOException {
    Optional<Instant> epoch = CommonOptions.sourceDateEpoch();
    if (epoch.isPresent()) {
      return epoch.get();
    }
    if (!Files.isRegularFile(jar)) {
      throw new NoSuchFileException(
          jar.toString(), null, "No such file or directory (needed for the pigsty package)");
    }
    try (JarFile j = new JarFile(jar.toFile())) {
      ZipEntry e = j.getEntry(JarFile.MANIFEST_NAME);
      if (e != null && e.getTimeLocal() != null) {
        return e.getTimeLocal().toInstant(ZoneOffset.UTC);
      }
    } catch (ZipException notAJar) {
      // a stand-in or damaged jar: fall back to the file's time
    }
    return Files.getLastModifiedTime(jar).toInstant();
  }
}
