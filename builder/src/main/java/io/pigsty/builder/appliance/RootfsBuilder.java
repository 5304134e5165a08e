package io.pigsty.builder.appliance;

import io.pigsty.builder.configure.HostFacts;
import io.pigsty.builder.configure.LocalRepo;
import io.pigsty.builder.configure.NodeException;
import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.exec.ProcessRunner;
import io.pigsty.builder.files.Tarball;
import io.pigsty.builder.verify.BundleVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds a root file system tarball for a bundle's target from the bundle alone: the bundle is
 * verified ({@link BundleVerifier}), extracted to a temporary directory, and given to {@code
 * mmdebstrap} as its single source ({@code deb [signed-by=<bundle's pigsty.gpg>] file://<dir> ./},
 * never {@code trusted=yes}), run inside {@code unshare --net} so nothing can come from a network.
 * mmdebstrap's default variant ({@code important}: Essential, Priority required and important, apt)
 * is installed, plus the definition's requested packages and {@link RootfsPlan#BOOT_PACKAGES}
 * ({@code --include}); mmdebstrap's policy-rc.d (exit 101) keeps maintainer scripts from starting
 * services during the build, and the customize hook fails the build if any process runs inside the
 * new root. The hook then unpacks the release to {@code /root/pigsty}, puts the bundle beside it,
 * removes the build's apt source, the host's resolver, hostname, machine-id and SSH host keys
 * (regenerated at first boot by {@code pigsty-ssh-hostkeys.service}). The tarball is written to a
 * temporary file beside the output and renamed into place: a failed build leaves nothing at the
 * output path.
 *
 * <p>Needs root, {@code mmdebstrap} with its file-mirror-automount hook (Debian 12 ships 1.3.5) and
 * {@code unshare} on the host, and a host of the target's architecture.
 */
public final class RootfsBuilder {
  /** The mmdebstrap hook directory that bind-mounts file:// mirrors into the chroot. */
  public static final Path AUTOMOUNT_HOOKS =
      Path.of("/usr/share/mmdebstrap/hooks/file-mirror-automount");

  /**
   * Output names mmdebstrap can write: a tar, optionally compressed (mmdebstrap(1), COMPRESSION).
   */
  static final Pattern OUTPUT_NAME =
      Pattern.compile(".+\\.(tar|tar\\.gz|tgz|tar\\.xz|txz|tar\\.zst)");

  /** Characters a temporary path may have to go into a one-line apt source unquoted. */
  private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9/._+-]+");

  private final PrintStream log;

  /**
   * @param log where progress and mmdebstrap's output go (stderr for the CLI)
   */
  public RootfsBuilder(PrintStream log) {
    this.log = log;
  }

  /**
   * What to build.
   *
   * @param bundle the bundle tarball ({@code pigsty-pkg-*.tgz})
   * @param release the release tarball ({@code pigsty-<version>.tgz}, unpacking to {@code
   *     pigsty/}), unpacked to {@code /root/pigsty}
   * @param output the tarball to write: {@code .tar}, or {@code .tar.gz}/{@code .tgz}, {@code
   *     .tar.xz}/{@code .txz}, {@code .tar.zst} for a compressed one
   * @param tmpDir where the bundle is extracted for the build (about its size again); mmdebstrap's
   *     own chroot goes to {@code TMPDIR} or {@code /tmp}
   * @param hostname the image's {@code /etc/hostname}
   * @param authorizedKeys when present, installed as {@code /root/.ssh/authorized_keys}
   */
  public record Request(
      Path bundle,
      Path release,
      Path output,
      Path tmpDir,
      String hostname,
      Optional<Path> authorizedKeys) {
    /**
     * @throws IllegalArgumentException when the output name is not a tar name mmdebstrap writes or
     *     the hostname is not a valid host name (RFC 1123 label)
     */
    public Request {
      String outName = output.getFileName().toString();
      if (!OUTPUT_NAME.matcher(outName).matches()) {
        throw new IllegalArgumentException(
            output
                + ": the output must end in .tar (or .tar.gz, "
                + ".tgz, .tar.xz, .txz, .tar.zst)");
      }
      if (!hostname.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
        throw new IllegalArgumentException(
            "hostname '"
                + hostname
                + "' is not a host name label "
                + "(RFC 1123: a-z, 0-9, '-', at most 63)");
      }
    }
  }

  /**
   * What was built.
   *
   * @param output the tarball
   * @param bytes its size in bytes
   * @param installed packages installed in the image (dpkg status {@code ii})
   * @param plan what it was built from
   * @param seconds seconds per phase: {@code verify}, {@code extract}, {@code mmdebstrap}
   */
  public record Result(
      Path output, long bytes, int installed, RootfsPlan plan, Map<String, Double> seconds) {}

  /**
   * Builds the image.
   *
   * @return where it is, its size and phase times
   * @throws RootfsException when the host lacks root, a tool or the architecture; the bundle fails
   *     verification or has no base set; the release is missing, damaged or unsafe; or mmdebstrap
   *     fails (its last lines are in the message)
   * @throws IOException when a temporary file or the output cannot be written
   */
  public Result build(Request req) throws RootfsException, IOException {
    Map<String, Double> seconds = new LinkedHashMap<>();
    String outName = req.output().getFileName().toString();
    Path outDir = req.output().toAbsolutePath().getParent();
    if (!Files.isDirectory(outDir)) {
      throw new RootfsException(req.output() + ": no such directory " + outDir);
    }
    if (req.authorizedKeys().isPresent() && !Files.isRegularFile(req.authorizedKeys().get())) {
      throw new RootfsException(req.authorizedKeys().get() + ": no such file (--authorized-keys)");
    }

    checkHost(); // before reading a 300 MB bundle
    Path tmpParent = req.tmpDir().toAbsolutePath().normalize();
    // createTempDirectory only appends digits, so the parent decides whether the path is safe
    if (!SAFE_PATH.matcher(tmpParent.toString()).matches()) {
      throw new RootfsException(
          tmpParent
              + ": the temporary directory path must use only letters, digits "
              + "and / . _ + - (it goes into an apt source line); choose another --tmp-dir");
    }

    long t = System.nanoTime();
    log.println("rootfs: verifying " + req.bundle());
    BundleVerifier.Report report = BundleVerifier.verify(req.bundle(), null);
    if (!report.ok()) {
      StringBuilder sb =
          new StringBuilder(req.bundle() + ": " + report.problems().size() + " problem(s):");
      report.shown(BundleVerifier.SHOWN_PROBLEMS).forEach(p -> sb.append("\n  ").append(p));
      throw new RootfsException(sb.toString());
    }
    RootfsPlan plan = RootfsPlan.of(req.bundle(), report.manifest());
    if (!plan.arch().equals(RootfsPlan.hostArch())) {
      throw new RootfsException(
          req.bundle()
              + ": target architecture "
              + plan.arch()
              + " is not this "
              + "host's ("
              + RootfsPlan.hostArch()
              + "); build the image on an "
              + plan.arch()
              + " host");
    }
    ReleaseCheck.check(req.release());
    seconds.put("verify", lap(t));

    Files.createDirectories(tmpParent);
    Path work =
        Files.createTempDirectory(
            tmpParent,
            "pigsty-rootfs-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Path tmpOut = outDir.resolve(".tmp-" + work.getFileName() + "-" + outName);
    try {
      t = System.nanoTime();
      log.println("rootfs: extracting the bundle to " + work.resolve("www"));
      Path repo;
      try {
        repo = LocalRepo.extract(req.bundle(), work.resolve("www"));
      } catch (NodeException e) {
        throw new RootfsException(e.getMessage(), e);
      }
      seconds.put("extract", lap(t));
      Path hook = work.resolve("customize.sh");
      try (InputStream in = RootfsBuilder.class.getResourceAsStream("customize.sh")) {
        if (in == null) {
          throw new IllegalStateException("customize.sh missing from the jar");
        }
        Files.copy(in, hook);
      }
      Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));

      List<String> cmd = command(plan, repo, hook, tmpOut);
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PIGSTY_ROOTFS_REPO", repo.toString());
      env.put("PIGSTY_ROOTFS_RELEASE", req.release().toAbsolutePath().toString());
      env.put("PIGSTY_ROOTFS_BUNDLE", req.bundle().toAbsolutePath().toString());
      env.put("PIGSTY_ROOTFS_BUNDLE_NAME", plan.fileName());
      env.put("PIGSTY_ROOTFS_HOSTNAME", req.hostname());
      env.put(
          "PIGSTY_ROOTFS_AUTHORIZED_KEYS",
          req.authorizedKeys().map(p -> p.toAbsolutePath().toString()).orElse(""));
      t = System.nanoTime();
      log.println("rootfs: " + String.join(" ", cmd));
      int installed = run(cmd, env, req.bundle());
      seconds.put("mmdebstrap", lap(t));
      Files.move(
          tmpOut,
          req.output(),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      return new Result(req.output(), Files.size(req.output()), installed, plan, seconds);
    } finally {
      Files.deleteIfExists(tmpOut);
      Tarball.deleteTree(work);
    }
  }

  /**
   * The build command: {@code unshare --net -- mmdebstrap ...} with the bundle's repository as the
   * only source. Pure, for tests.
   *
   * @param plan what to install
   * @param repo the extracted repository (holds {@code pigsty.gpg}, {@code InRelease})
   * @param hook the customize hook script
   * @param tmpOut the tarball mmdebstrap writes
   * @return the argument vector
   */
  static List<String> command(RootfsPlan plan, Path repo, Path hook, Path tmpOut) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "unshare",
                "--net",
                "--",
                "mmdebstrap",
                "--mode=root",
                "--variant=important",
                "--format=tar",
                "--aptopt=Apt::Install-Recommends \"" + plan.recommends() + "\"",
                "--include=" + String.join(",", plan.include()),
                "--hook-dir=" + AUTOMOUNT_HOOKS,
                "--customize-hook=" + hook,
                plan.codename(),
                tmpOut.toString(),
                "deb [signed-by=" + repo.resolve("pigsty.gpg") + "] file://" + repo + " ./"));
    return cmd;
  }

  /** Runs the build, copying its output to the log; @return the installed package count. */
  private int run(List<String> cmd, Map<String, String> env, Path bundle) throws RootfsException {
    ProcessRunner runner = new ProcessRunner(line -> log.println("  " + line));
    CommandResult r;
    try {
      r = runner.run(new Command(cmd, env, null, Duration.ofHours(2)));
    } catch (CommandException e) {
      throw new RootfsException("mmdebstrap building from " + bundle + ": " + e.getMessage(), e);
    }
    if (!r.ok()) {
      throw new RootfsException(
          "mmdebstrap exited with "
              + r.exit()
              + " building from "
              + bundle
              + " (offline, the bundle as its only source); last lines:\n  "
              + r.tail());
    }
    int installed = -1;
    for (String line : (r.out() + "\n" + r.err()).split("\n")) {
      if (line.startsWith("pigsty-rootfs: installed=")) {
        installed = Integer.parseInt(line.substring(line.indexOf('=') + 1).strip());
      }
    }
    return installed;
  }

  private static void checkHost() throws RootfsException {
    HostFacts host = new HostFacts(Path.of("/"));
    if (!host.isRoot()) {
      throw new RootfsException(
          "image rootfs must run as root (mmdebstrap --mode=root, unshare --net)");
    }
    for (String tool : List.of("mmdebstrap", "unshare")) {
      if (!host.hasCommand(tool)) {
        throw new RootfsException(
            tool
                + " not found on PATH (apt-get install "
                + (tool.equals("mmdebstrap") ? "mmdebstrap" : "util-linux")
                + ")");
      }
    }
    if (!Files.isDirectory(AUTOMOUNT_HOOKS)) {
      throw new RootfsException(
          AUTOMOUNT_HOOKS
              + " not found: an mmdebstrap that ships this hook is needed (Debian 12: 1.3.5)");
    }
  }

  private static double lap(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * @return {@code name=value} lines of a result, for scripts
   */
  public static String figures(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "rootfs_bytes=%d%n", r.bytes()));
    sb.append(String.format(Locale.ROOT, "rootfs_packages=%d%n", r.installed()));
    for (Map.Entry<String, Double> e : r.seconds().entrySet()) {
      sb.append(String.format(Locale.ROOT, "rootfs_%s_seconds=%.2f%n", e.getKey(), e.getValue()));
    }
    return sb.toString();
  }
}
