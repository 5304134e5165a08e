package io.pigsty.builder.cli;

import io.pigsty.builder.definition.ExtensionCatalog;
import io.pigsty.builder.exec.ProcessRunner;
import io.pigsty.builder.install.Installer;
import io.pigsty.builder.install.LocalFiles;
import io.pigsty.builder.install.Plan;
import io.pigsty.builder.install.Target;
import io.pigsty.builder.install.Tuning;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pigsty install}: bring up the meta node of pigsty.yml from the local repo. */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description = {
      "Install the meta node of pigsty.yml from the local repo (run ./configure first): "
          + "nginx, prometheus, alertmanager, node_exporter, PostgreSQL with its roles, users and "
          + "databases, pgbouncer and the exporters, all under systemd. Idempotent. Ends with the "
          + "health report of 'pigsty status'."
    })
final class InstallCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--conf"},
      paramLabel = "FILE",
      defaultValue = "pigsty.yml",
      description = "Inventory to install (default: ${DEFAULT-VALUE}).")
  Path conf;

  @Option(names = "--strict", description = "Unknown keys in pigsty.yml are errors, not warnings.")
  boolean strict;

  @Option(
      names = "--dry-run",
      description =
          "Print the plan (files, packages, SQL, unit actions) computed from pigsty.yml and this node's "
              + "state, change nothing, and exit 0 (an empty plan prints 'plan: no changes').")
  boolean dryRun;

  @Option(
      names = "--packages",
      description = "Print the Debian packages the install needs, one a line, and exit.")
  boolean packages;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Target inv = StatusCommand.load(conf, strict, spec.commandLine().getErr());
    if (packages) {
      Installer.packages(inv, ExtensionCatalog.bundled(), Installer.osCode(new LocalFiles()))
          .forEach(out::println);
      out.flush();
      return 0;
    }
    long mem = Tuning.memTotalBytes(Path.of("/proc/meminfo"));
    int cpus = Runtime.getRuntime().availableProcessors();
    Tuning tuning = Tuning.of(inv.profile(), mem, cpus);
    out.printf(
        Locale.ROOT,
        "install %s on %s: %s, tuning %s for %d MiB / %d CPU%n",
        inv.instanceName(),
        inv.metaIp(),
        conf,
        inv.profile().name().toLowerCase(Locale.ROOT),
        mem >> 20,
        cpus);
    out.flush();
    Installer installer =
        new Installer(
            inv,
            tuning,
            new ProcessRunner(),
            new LocalFiles(),
            line -> {
              out.println("  " + line);
              out.flush();
            });
    if (dryRun) {
      Plan plan = installer.plan();
      out.print(plan.render());
      out.println(
          plan.isEmpty() ? "plan: no changes" : "plan: " + plan.steps().size() + " change(s)");
      out.flush();
      return 0;
    }
    Installer.Result r = installer.install();
    out.printf(Locale.ROOT, "changes: %d%n", r.changes().size());
    StringBuilder phases = new StringBuilder("seconds:");
    r.phases().forEach((k, v) -> phases.append(String.format(Locale.ROOT, " %s %.1f", k, v)));
    out.println(phases);
    return StatusCommand.report(inv, r.health(), out);
  }
}
