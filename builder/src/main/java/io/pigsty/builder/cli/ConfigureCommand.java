package io.pigsty.builder.cli;

import io.pigsty.builder.configure.Configurator;
import io.pigsty.builder.configure.HostFacts;
import io.pigsty.builder.configure.KeyPins;
import io.pigsty.builder.configure.NodeException;
import io.pigsty.builder.configure.NodeFacts;
import io.pigsty.builder.verify.PinnedKeys;
import io.pigsty.repo.Printable;
import io.pigsty.repo.sign.SignatureException;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pigsty configure}: the on-box configurator that {@code ./configure} runs. */
@Command(
    name = "configure",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Check this node, write pigsty.yml from a template, verify the offline bundle against "
          + "the node and install it as the local apt repository /www/pigsty. Prints one line per check: "
          + "[ OK ] key = value, [WARN] ..., [FAIL] ...; nothing is changed before every check has passed."
    })
final class ConfigureCommand implements Callable<Integer> {
  @Option(
      names = {"-m", "--mode"},
      paramLabel = "TEMPLATE",
      description =
          "Template: demo, demo4, tiny or oltp (default: tiny below 4 CPUs or 8 GB, else oltp).")
  String mode;

  @Option(
      names = {"-i", "--ip"},
      paramLabel = "IP",
      description =
          "Primary IPv4 address; must be one of the node's (default: the only address, else "
              + "10.10.10.10 if present, else ask).")
  String ip;

  @Option(
      names = {"-p", "--pkg"},
      paramLabel = "PKG",
      defaultValue = "/tmp/pkg.tgz",
      description = "Offline bundle pigsty-pkg-*.tgz (default ${DEFAULT-VALUE}).")
  Path bundle;

  @Option(
      names = {"-v", "--pg-version"},
      paramLabel = "N",
      description =
          "PostgreSQL major to write as pg_version; must be one the bundle carries (default: the"
              + " bundle's pg_major). Another exits 36, naming the majors the bundle has.")
  Integer pgVersion;

  @Option(
      names = {"-n", "--non-interactive"},
      description =
          "Never ask; on an offline node move other apt sources " + "to /etc/apt/pigsty-backup.")
  boolean nonInteractive;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Where to write pigsty.yml (default: next to ./configure).")
  Path output;

  @Option(
      names = {"-g", "--generate"},
      description = "Replace every default password with a random one and " + "print them once.")
  boolean generate;

  @Option(
      names = {"-c", "--conf"},
      paramLabel = "FILE",
      description = "Use this existing pigsty.yml (checked) instead of rendering a template.")
  Path conf;

  @Option(
      names = "--force",
      description =
          "Replace an existing pigsty.yml (-o) with the template; the old one is kept as "
              + "pigsty.yml.<time>.bak (mode 0600). Without it an existing pigsty.yml is kept, "
              + "checked and used.")
  boolean force;

  @Option(
      names = "--key",
      paramLabel = "FPR|FILE",
      description =
          "Require the bundle to be signed by this key: a fingerprint, an OpenPGP public key file "
              + "or a file of fingerprints, one a line (default: the release's bundle-keys.txt "
              + "next to ./configure). A bundle signed by another key exits 34.")
  String key;

  @Option(
      names = "--insecure-any-key",
      description =
          "When no key is pinned (no --key, no bundle-keys.txt: a source tree), accept a bundle "
              + "signed by any key. That proves the bundle intact, not who made it.")
  boolean anyKey;

  @Option(
      names = "--strict",
      description = "Unknown keys in -c's (or a kept) pigsty.yml are errors, not warnings.")
  boolean strict;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      hidden = true,
      description = "Treat DIR as / for os-release, dpkg status, /www and /etc/apt (testing).")
  Path root;

  @Option(
      names = "--no-ssh-check",
      description =
          "Do not log in to the inventory's other nodes over SSH (make install does, and needs it).")
  boolean noSshCheck;

  @Option(names = "--skip-apt", hidden = true, description = "Do not run apt-get update (testing).")
  boolean skipApt;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Facts source; tests replace it. */
  static Function<Path, NodeFacts> facts = HostFacts::new;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path out0 = output;
    if (out0 == null) {
      String home = System.getProperty("pigsty.home");
      out0 = Path.of(home == null || home.isBlank() ? "." : home, "pigsty.yml");
    }
    Configurator.Console console =
        new Configurator.Console() {
          @Override
          public void line(String text) {
            // lines may quote a bundle's files and packages: no control character passes
            out.println(Printable.escapeKeepingLines(text));
            out.flush();
          }

          @Override
          public String ask(String prompt) {
            Console c = System.console();
            return c == null ? null : c.readLine("%s", prompt);
          }
        };
    KeyPins keys = pins(console);
    NodeFacts node = facts.apply(root == null ? Path.of("/") : root.toAbsolutePath());
    new Configurator(node, console)
        .sshCheck(!noSshCheck)
        .run(
            new Configurator.Options(
                mode,
                ip,
                bundle,
                nonInteractive,
                out0,
                generate,
                conf,
                skipApt,
                strict,
                force,
                keys,
                pgVersion));
    return 0;
  }

  /**
   * The pinned bundle keys: {@code --key}, else the release's {@code bundle-keys.txt} next to the
   * jar ({@code pigsty.home}), else any key under {@code --insecure-any-key}, else null.
   */
  private KeyPins pins(Configurator.Console console) throws Exception {
    if (key != null) {
      try {
        return new KeyPins(PinnedKeys.parse(key), "--key " + key);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--key " + e.getMessage());
      } catch (SignatureException e) {
        throw new NodeException(NodeException.Kind.BUNDLE_UNTRUSTED, "--key: " + e.getMessage());
      }
    }
    String home = System.getProperty("pigsty.home");
    Path file = home == null || home.isBlank() ? null : Path.of(home, PinnedKeys.RELEASE_FILE);
    if (file != null && Files.isRegularFile(file)) {
      try {
        KeyPins k = new KeyPins(PinnedKeys.read(file), file.toString());
        if (anyKey) {
          console.line("[WARN] --insecure-any-key ignored: " + file + " pins the bundle key");
        }
        return k;
      } catch (SignatureException e) {
        throw new NodeException(NodeException.Kind.BUNDLE_UNTRUSTED, e.getMessage());
      }
    }
    return anyKey ? KeyPins.anyKey() : null;
  }
}
