package io.pigsty.builder.cli;

import io.pigsty.builder.exec.ProcessRunner;
import io.pigsty.builder.install.HealthCheck;
import io.pigsty.builder.install.HealthException;
import io.pigsty.builder.install.Target;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryException;
import io.pigsty.builder.inventory.InventoryLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pigsty status}: the health report of the meta node of pigsty.yml. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Health report of the meta node: every unit active, every port listening, "
          + "SELECT 1 through PostgreSQL and pgbouncer, every Prometheus target up. Exits "
          + "non-zero naming every failed item."
    })
final class StatusCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--conf"},
      paramLabel = "FILE",
      defaultValue = "pigsty.yml",
      description = "Inventory of the node (default: ${DEFAULT-VALUE}).")
  Path conf;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description =
          "Wait up to this long for Prometheus targets to come up (default: ${DEFAULT-VALUE}).")
  int wait;

  @Option(names = "--strict", description = "Unknown keys in pigsty.yml are errors, not warnings.")
  boolean strict;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Loads pigsty.yml with the one loader, prints its warnings, and picks the admin node. */
  static Target load(Path conf, boolean strict, PrintWriter err) throws InventoryException {
    Inventory inv = InventoryLoader.load(conf, strict);
    inv.warnings().forEach(w -> err.println("pigsty: warning: " + w));
    err.flush();
    return Target.of(inv);
  }

  @Override
  public Integer call() throws Exception {
    Target inv = load(conf, strict, spec.commandLine().getErr());
    return report(
        inv, new HealthCheck(inv, new ProcessRunner()).run(wait), spec.commandLine().getOut());
  }

  /** Prints a report, one line per item; throws when any failed. */
  static int report(Target inv, HealthCheck.Report r, PrintWriter out) throws HealthException {
    out.printf(
        Locale.ROOT,
        "health of %s on %s (%.1f s):%n",
        inv.instanceName(),
        inv.metaIp(),
        r.seconds());
    for (HealthCheck.Item i : r.items()) {
      out.printf(Locale.ROOT, "  [%s] %s: %s%n", i.ok() ? " OK " : "FAIL", i.name(), i.detail());
    }
    out.flush();
    if (!r.ok()) {
      StringBuilder sb = new StringBuilder(r.failures().size() + " health check(s) failed:");
      r.failures().forEach(f -> sb.append("\n  ").append(f.name()).append(": ").append(f.detail()));
      throw new HealthException(sb.toString());
    }
    out.println("health: all " + r.items().size() + " checks passed");
    out.flush();
    return 0;
  }
}
