package io.pigsty.builder.cli;

import io.pigsty.builder.definition.ExtensionCatalog;
import io.pigsty.builder.exec.ProcessRunner;
import io.pigsty.builder.install.InstallException;
import io.pigsty.builder.install.Installer;
import io.pigsty.builder.install.LocalFiles;
import io.pigsty.builder.install.NodeInstaller;
import io.pigsty.builder.install.Plan;
import io.pigsty.builder.install.RepoMajors;
import io.pigsty.builder.install.Rollout;
import io.pigsty.builder.install.Target;
import io.pigsty.builder.install.Tuning;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryLoader;
import io.pigsty.builder.ssh.AdminKey;
import io.pigsty.builder.ssh.SshNodes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pigsty install}: bring up the meta node of pigsty.yml from the local repo. */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description = {
      "Install the nodes of pigsty.yml from the local repo (run ./configure first): on the admin"
          + " node nginx, prometheus, alertmanager, node_exporter, PostgreSQL with its roles, users"
          + " and databases, pgbouncer and the exporters, all under systemd; every other node over"
          + " SSH from the admin node's repository. Idempotent. Ends with the health report of"
          + " 'pigsty status' over the nodes installed."
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

  @Option(
      names = {"-l", "--limit"},
      paramLabel = "CLUSTER|IP",
      description =
          "Install only these nodes: a node's address, a PostgreSQL cluster name, 'etcd' or 'meta'"
              + " (Pigsty's -l).")
  String limit;

  @Option(
      names = "--node",
      paramLabel = "IP",
      description =
          "Install this node, which is not the admin node (the admin node runs this over SSH).")
  String node;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Seconds the closing health report waits for Prometheus targets on a multi-node install. */
  static final int HEALTH_WAIT = 60;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (node != null) {
      return member(out);
    }
    Target inv = StatusCommand.load(conf, strict, spec.commandLine().getErr());
    List<String> targets = targets(inv.inventory());
    if (packages) {
      Installer.packages(inv, ExtensionCatalog.bundled(), Installer.os(new LocalFiles()))
          .forEach(out::println);
      out.flush();
      return 0;
    }
    // before any step, on any node: a major the local repository lacks fails here (exit 36)
    RepoMajors.check(inv.inventory(), new LocalFiles(), new ProcessRunner());
    List<String> others =
        targets.stream().filter(h -> !h.equals(inv.inventory().adminIp())).toList();
    if (!targets.contains(inv.inventory().adminIp())) {
      fail(others(inv.inventory(), others, out));
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
      printPlan(installer.plan(), out);
      fail(others(inv.inventory(), others, out));
      return 0;
    }
    // the other nodes install while this one does, from the moment nginx serves the repository
    FutureTask<List<Rollout.NodeResult>> nodes =
        others.isEmpty() ? null : new FutureTask<>(rollout(inv.inventory(), others));
    AtomicBoolean started = new AtomicBoolean();
    Installer.Result r;
    try {
      r =
          installer.install(
              others.isEmpty(),
              () -> {
                if (nodes != null && started.compareAndSet(false, true)) {
                  announce(others, out);
                  Thread t = new Thread(nodes, "rollout");
                  t.setDaemon(true);
                  t.start();
                }
              });
    } catch (InstallException e) {
      if (started.get()) {
        // the nodes started run to their end: report them, then this node's failure
        report(results(nodes), out);
      }
      throw e;
    }
    printResult(r, out);
    String failed = nodes == null ? null : report(results(nodes), out);
    try {
      if (others.isEmpty()) {
        return StatusCommand.report(inv, r.health() != null ? r.health() : installer.health(), out);
      }
      // every node installed: the report of make status, over them all (Prometheus scrapes the
      // others too, so their targets get the same wait)
      return StatusCommand.print(StatusCommand.report(inv.inventory(), targets, HEALTH_WAIT), out);
    } finally {
      fail(failed);
    }
  }

  /** {@code changes: N} (Rollout reads that line from the other nodes) and seconds per phase. */
  private static void printResult(Installer.Result r, PrintWriter out) {
    out.printf(Locale.ROOT, "changes: %d%n", r.changes().size());
    StringBuilder phases = new StringBuilder("seconds:");
    r.phases().forEach((k, v) -> phases.append(String.format(Locale.ROOT, " %s %.1f", k, v)));
    out.println(phases);
    out.flush();
  }

  private static void printPlan(Plan plan, PrintWriter out) {
    out.print(plan.render());
    out.println(
        plan.isEmpty() ? "plan: no changes" : "plan: " + plan.steps().size() + " change(s)");
    out.flush();
  }

  /** The nodes {@code -l} selects, in inventory order (all of them without it). */
  List<String> targets(Inventory inv) throws InstallException {
    List<String> hosts = select(inv, limit);
    if (hosts.isEmpty()) {
      throw new InstallException(unknownLimit(inv, limit));
    }
    return hosts;
  }

  /**
   * Pigsty's {@code -l}, for {@code install} and {@code status}: a node's address, a PostgreSQL
   * cluster name, {@code etcd} (the etcd members) or {@code meta} (the meta hosts).
   *
   * @param limit the value of {@code -l}, or null for every node
   * @return the nodes it selects, in inventory order ({@link Inventory#nodes}); empty when it names
   *     nothing of the inventory
   */
  static List<String> select(Inventory inv, String limit) {
    if (limit == null) {
      return inv.nodes();
    }
    List<String> hosts =
        switch (limit) {
          case "etcd" -> inv.etcd().members().stream().map(Inventory.EtcdMember::ip).toList();
          case "meta" -> inv.metaHosts();
          default ->
              inv.cluster(limit)
                  .map(c -> c.instances().stream().map(Inventory.PgInstance::ip).toList())
                  .orElse(inv.nodes().contains(limit) ? List.of(limit) : List.of());
        };
    return inv.nodes().stream().filter(hosts::contains).toList();
  }

  /**
   * @return the message for a {@code -l} that selects nothing
   */
  static String unknownLimit(Inventory inv, String limit) {
    return "-l " + limit + ": neither a node, a cluster, 'etcd' nor 'meta' of " + inv.file();
  }

  /**
   * How the admin node reaches the others: as the current user, with the admin key {@code
   * ~/.ssh/id_ed25519} ({@link AdminKey}), on port 22, with the host keys pinned in {@code
   * known_hosts} beside pigsty.yml (as {@code configure} pinned them), 10 s to connect.
   */
  static SshNodes sshNodes(Inventory inv) {
    Path sshDir = Path.of(System.getProperty("user.home"), ".ssh");
    return new SshNodes(
        System.getProperty("user.name"),
        AdminKey.file(sshDir),
        inv.file().toAbsolutePath().getParent().resolve("known_hosts"),
        22,
        Duration.ofSeconds(10));
  }

  /** Throws the failure {@link #others} returned, if any (exit 41). */
  private static void fail(String failed) throws InstallException {
    if (failed != null) {
      throw new InstallException(failed);
    }
  }

  /**
   * Installs the other nodes over SSH ({@link Rollout}) now, prints each node's output and a
   * summary.
   *
   * @return null when every node went through, else a message naming every node that failed
   * @throws InstallException when the runtime, jar or key to send are missing
   */
  private String others(Inventory inv, List<String> hosts, PrintWriter out) throws Exception {
    if (hosts.isEmpty()) {
      return null;
    }
    Callable<List<Rollout.NodeResult>> run = rollout(inv, hosts);
    announce(hosts, out);
    return report(run.call(), out);
  }

  /**
   * The other nodes' install ({@link Rollout#run}), to be run now or in the background; what it
   * sends is checked here, before anything changes.
   *
   * @throws InstallException when the runtime, jar or key to send are missing
   */
  private Callable<List<Rollout.NodeResult>> rollout(Inventory inv, List<String> hosts)
      throws Exception {
    Path jar =
        Path.of(InstallCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jre = jar.getParent().resolve("jre");
    if (!Files.isDirectory(jre)) {
      jre = Path.of(System.getProperty("java.home"));
    }
    Rollout rollout =
        new Rollout(
            inv,
            sshNodes(inv),
            jre,
            jar,
            Path.of(inv.vars().repoDir(), "pigsty.gpg"),
            new ProcessRunner());
    rollout.check();
    boolean plan = dryRun;
    return () -> rollout.run(hosts, plan);
  }

  private static void announce(List<String> hosts, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "install %d other node(s) over SSH: %s%n",
        hosts.size(),
        String.join(" ", hosts));
    out.flush();
  }

  /** Waits for the other nodes' install started in the background. */
  private static List<Rollout.NodeResult> results(FutureTask<List<Rollout.NodeResult>> nodes)
      throws Exception {
    try {
      return nodes.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }

  /**
   * Prints each node's output, prefixed with its address, and one summary line per node.
   *
   * @return null when every node went through, else a message naming every node that failed
   */
  private String report(List<Rollout.NodeResult> results, PrintWriter out) {
    List<String> failed = new ArrayList<>();
    for (Rollout.NodeResult r : results) {
      for (String line : r.output().split("\n")) {
        out.println("[" + r.host() + "] " + line);
      }
      if (!r.ok()) {
        failed.add(r.host() + " (exit " + r.exit() + "): " + lastLine(r.output()));
      }
    }
    for (Rollout.NodeResult r : results) {
      out.printf(
          Locale.ROOT,
          "node %s: %s%n",
          r.host(),
          r.ok()
              ? (dryRun ? "planned" : "changes: " + r.changes())
              : "FAILED (exit " + r.exit() + ")");
    }
    out.flush();
    return failed.isEmpty()
        ? null
        : failed.size() + " node(s) failed:\n  " + String.join("\n  ", failed);
  }

  private static String lastLine(String s) {
    String[] l = s.strip().split("\n");
    return l[l.length - 1];
  }

  /** {@code --node IP}: this node, not the admin node ({@link NodeInstaller}). */
  private int member(PrintWriter out) throws Exception {
    Inventory inv = InventoryLoader.load(conf, strict);
    inv.warnings().forEach(w -> spec.commandLine().getErr().println("pigsty: warning: " + w));
    if (!inv.nodes().contains(node) || node.equals(inv.adminIp())) {
      throw new InstallException(
          "--node " + node + ": not a node of " + conf + " other than its admin node");
    }
    NodeInstaller installer =
        new NodeInstaller(
            inv,
            node,
            Path.of("/"),
            new ProcessRunner(),
            new LocalFiles(),
            line -> {
              out.println("  " + line);
              out.flush();
            },
            Tuning.memTotalBytes(Path.of("/proc/meminfo")),
            Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "install node %s of %s%n", node, conf);
    if (dryRun) {
      printPlan(installer.plan(), out);
      return 0;
    }
    Installer.Result r = installer.apply();
    printResult(r, out);
    return 0;
  }
}
