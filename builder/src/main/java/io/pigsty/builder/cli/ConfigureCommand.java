package io.pigsty.builder.cli;

import io.pigsty.builder.configure.Configurator;
import io.pigsty.builder.configure.HostFacts;
import io.pigsty.builder.configure.NodeFacts;
import java.io.Console;
import java.io.PrintWriter;
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
      names = "--strict",
      description = "Unknown keys in -c's (or a kept) pigsty.yml are errors, not warnings.")
  boolean strict;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      hidden = true,
      description = "Treat DIR as / for os-release, dpkg status, /www and /etc/apt (testing).")
  Path root;

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
            out.println(text);
            out.flush();
          }

          @Override
          public String ask(String prompt) {
            Console c = System.console();
            return c == null ? null : c.readLine("%s", prompt);
          }
        };
    NodeFacts node = facts.apply(root == null ? Path.of("/") : root.toAbsolutePath());
    new Configurator(node, console)
        .run(
            new Configurator.Options(
                mode, ip, bundle, nonInteractive, out0, generate, conf, skipApt, strict, force));
    return 0;
  }
}
