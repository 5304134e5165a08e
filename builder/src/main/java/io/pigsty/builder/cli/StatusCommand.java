package io.pigsty.builder.cli;

import io.pigsty.builder.definition.OsTable;
import io.pigsty.builder.exec.ProcessRunner;
import io.pigsty.builder.install.ClusterHealth;
import io.pigsty.builder.install.HealthCheck;
import io.pigsty.builder.install.HealthException;
import io.pigsty.builder.install.InstallException;
import io.pigsty.builder.install.Installer;
import io.pigsty.builder.install.LocalFiles;
import io.pigsty.builder.install.RemoteStatus;
import io.pigsty.builder.install.StatusReport;
import io.pigsty.builder.install.Target;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryException;
import io.pigsty.builder.inventory.InventoryLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pigsty status}: the health report of every node of pigsty.yml and of its clusters. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Health report of every node of pigsty.yml, one section per node: every unit active, every"
          + " port listening, SELECT 1 through PostgreSQL and pgbouncer, Patroni's and etcd's"
          + " /health, on the admin node every Prometheus target up; the other nodes over SSH"
          + " (pigsty status --node IP there); then every Patroni cluster with one leader and"
          + " its members running, and the etcd cluster healthy. Exits 42 naming every failed"
          + " node and item."
    })
final class StatusCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--conf"},
      paramLabel = "FILE",
      defaultValue = "pigsty.yml",
      description =
          "Inventory (default: ${DEFAULT-VALUE}; with --node: "
              + RemoteStatus.NODE_INVENTORY
              + ").")
  Path conf;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description =
          "Wait up to this long for ports, health endpoints and Prometheus targets to come up"
              + " (default: ${DEFAULT-VALUE}).")
  int wait;

  @Option(
      names = {"-l", "--limit"},
      paramLabel = "CLUSTER|IP",
      description =
          "Report only these nodes: a node's address, a PostgreSQL cluster name, 'etcd' or 'meta'"
              + " (Pigsty's -l, as for install).")
  String limit;

  @Option(
      names = "--node",
      paramLabel = "IP",
      description =
          "Report this node only, from this node (the admin node runs this over SSH on the"
              + " others).")
  String node;

  @Option(names = "--strict", description = "Unknown keys in pigsty.yml are errors, not warnings.")
  boolean strict;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Loads pigsty.yml with the one loader, prints its warnings, and picks the admin node. */
  static Target load(Path conf, boolean strict, PrintWriter err) throws InventoryException {
    return Target.of(inventory(conf, strict, err));
  }

  private static Inventory inventory(Path conf, boolean strict, PrintWriter err)
      throws InventoryException {
    Inventory inv = InventoryLoader.load(conf, strict);
    inv.warnings().forEach(w -> err.println("pigsty: warning: " + w));
    err.flush();
    return inv;
  }

  @Override
  public Integer call() throws Exception {
    if (wait < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--wait: must be 0 or more");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (node != null) {
      if (limit != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--node and -l exclude each other");
      }
      boolean given = spec.commandLine().getParseResult().hasMatchedOption("--conf");
      Inventory inv = inventory(given ? conf : Path.of(RemoteStatus.NODE_INVENTORY), strict, err);
      if (!inv.nodes().contains(node)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--node " + node + ": not a node of " + inv.file());
      }
      HealthCheck.Report r = local(inv, node, wait);
      return print(StatusReport.single(node, HealthCheck.label(inv, node), r), out);
    }
    Inventory inv = inventory(conf, strict, err);
    List<String> hosts = InstallCommand.select(inv, limit);
    if (hosts.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), InstallCommand.unknownLimit(inv, limit));
    }
    return print(report(inv, hosts, wait), out);
  }

  /**
   * The report of the given nodes: the admin node's own check (when selected) while the others run
   * theirs over SSH, then the cluster-level items, all under one deadline of {@code wait} seconds.
   */
  static StatusReport report(Inventory inv, List<String> hosts, int wait) {
    long t0 = System.nanoTime();
    String admin = inv.adminIp();
    List<String> others = hosts.stream().filter(h -> !h.equals(admin)).toList();
    CompletableFuture<List<StatusReport.Node>> remote =
        others.isEmpty()
            ? CompletableFuture.completedFuture(List.of())
            : CompletableFuture.supplyAsync(
                    () -> new RemoteStatus(inv, InstallCommand.sshNodes(inv)).run(others, wait))
                .exceptionally(
                    e ->
                        others.stream()
                            .map(
                                h ->
                                    new StatusReport.Node(
                                        h,
                                        HealthCheck.label(inv, h),
                                        List.of(
                                            new HealthCheck.Item(
                                                "ssh",
                                                false,
                                                String.valueOf(
                                                    e.getCause() != null ? e.getCause() : e)))))
                            .toList());
    List<StatusReport.Node> nodes = new ArrayList<>();
    if (hosts.contains(admin)) {
      Target t = Target.of(inv);
      HealthCheck.Report r = local(inv, admin, wait);
      nodes.add(new StatusReport.Node(admin, t.instanceName(), r.items()));
    }
    nodes.addAll(remote.join());
    Map<String, StatusReport.Node> byHost =
        nodes.stream().collect(Collectors.toMap(StatusReport.Node::host, Function.identity()));
    List<HealthCheck.Item> cluster = ClusterHealth.check(inv, hosts, t0 + wait * 1_000_000_000L);
    return new StatusReport(
        hosts.stream().map(byHost::get).toList(), cluster, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * The health report of this machine, node {@code ip} of the inventory; its units named by its row
   * of the node OS table. A machine whose {@code /etc/os-release} has no row gets one failed item
   * {@code os} naming the release, instead of the checks.
   */
  static HealthCheck.Report local(Inventory inv, String ip, int wait) {
    OsTable.Os os;
    try {
      os = Installer.os(new LocalFiles());
    } catch (InstallException e) {
      return new HealthCheck.Report(List.of(new HealthCheck.Item("os", false, e.getMessage())), 0);
    }
    return new HealthCheck(inv, ip, os, new ProcessRunner()).run(wait);
  }

  /** Prints a report of the admin node alone ({@code install}); throws when an item failed. */
  static int report(Target inv, HealthCheck.Report r, PrintWriter out) throws HealthException {
    return print(StatusReport.single(inv.ip(), inv.instanceName(), r), out);
  }

  /**
   * Prints a report, one line per item.
   *
   * @return 0 when every item passed
   * @throws HealthException (exit 42) naming every failed node and item
   */
  static int print(StatusReport r, PrintWriter out) throws HealthException {
    out.print(r.render());
    out.flush();
    if (!r.ok()) {
      throw new HealthException(r.failureMessage());
    }
    return 0;
  }
}
