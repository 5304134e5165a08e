package io.pigsty.builder.cli;

import io.pigsty.builder.appliance.RootfsBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pigsty image rootfs BUNDLE -o FILE.tar}: an appliance root file system, offline. */
@Command(
    name = "rootfs",
    mixinStandardHelpOptions = true,
    description = {
      "Build a root file system tarball for the bundle's target from the bundle alone: "
          + "verify the bundle, then run mmdebstrap inside 'unshare --net' with the bundle's "
          + "repository as its only source (file://, signed-by the bundle's pigsty.gpg). The image "
          + "has the OS base set, the requested packages pre-installed (no service started during "
          + "the build), the release in /root/pigsty and the bundle beside it, ready for "
          + "'cd /root/pigsty && ./configure -n -p <bundle> && make install'. The bundle must be "
          + "built with 'base_system: true'. Needs root, mmdebstrap, and a host of the target's "
          + "architecture. Prints name=value figures on stdout."
    })
final class ImageRootfsCommand implements Callable<Integer> {
  private static final Pattern BUNDLE_NAME =
      Pattern.compile("pigsty-pkg-(.+)\\.[a-z0-9]+\\.[a-z0-9]+\\.tgz");

  @Parameters(
      paramLabel = "BUNDLE",
      description = "A pigsty-pkg-<version>.<os>.<arch>.tgz built with base_system: true.")
  Path bundle;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      required = true,
      description =
          "The tarball to write: .tar, or .tar.gz, .tgz, .tar.xz, .txz, .tar.zst "
              + "(written to a temporary file beside it, then renamed).")
  Path output;

  @Option(
      names = "--release",
      paramLabel = "FILE",
      description =
          "The release tarball unpacked to /root/pigsty (default: pigsty-<version>.tgz "
              + "in the bundle's directory, <version> from the bundle's name).")
  Path release;

  @Option(
      names = "--tmp-dir",
      paramLabel = "DIR",
      description =
          "Where the bundle is extracted during the build (default: java.io.tmpdir). "
              + "mmdebstrap's chroot goes to TMPDIR or /tmp.")
  Path tmpDir;

  @Option(
      names = "--hostname",
      paramLabel = "NAME",
      defaultValue = "pigsty",
      description = "The image's /etc/hostname (default ${DEFAULT-VALUE}).")
  String hostname;

  @Option(
      names = "--authorized-keys",
      paramLabel = "FILE",
      description =
          "Install FILE as /root/.ssh/authorized_keys (default: none; root has no "
              + "password, so log in on the console or with systemd-nspawn/nsenter).")
  Path authorizedKeys;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path tmp = tmpDir != null ? tmpDir : Path.of(System.getProperty("java.io.tmpdir"));
    RootfsBuilder.Request req;
    try {
      Path rel = release != null ? release : defaultRelease(bundle);
      req =
          new RootfsBuilder.Request(
              bundle, rel, output, tmp, hostname, Optional.ofNullable(authorizedKeys));
    } catch (IllegalArgumentException e) { // a bundle, -o or --hostname value
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    RootfsBuilder.Result r = new RootfsBuilder(System.err).build(req);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "rootfs=%s%n", r.output());
    out.print(RootfsBuilder.figures(r));
    out.flush();
    return 0;
  }

  /**
   * @return pigsty-VERSION.tgz beside the bundle, VERSION from pigsty-pkg-VERSION.OS.ARCH.tgz
   */
  static Path defaultRelease(Path bundle) {
    String name = bundle.getFileName().toString();
    Matcher m = BUNDLE_NAME.matcher(name);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          bundle
              + ": not named pigsty-pkg-<version>.<os>.<arch>.tgz, "
              + "so the release cannot be found beside it; name it with --release");
    }
    Path dir = bundle.toAbsolutePath().getParent();
    return dir.resolve("pigsty-" + m.group(1) + ".tgz");
  }
}
