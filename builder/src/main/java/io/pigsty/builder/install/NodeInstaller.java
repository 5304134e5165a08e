package io.pigsty.builder.install;

import io.pigsty.builder.definition.ExtensionCatalog;
import io.pigsty.builder.definition.OsTable;
import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandRunner;
import io.pigsty.builder.files.AptSourceFiles;
import io.pigsty.builder.inventory.Inventory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Brings up a node of the inventory other than the admin node, on that node (run there by {@code
 * pigsty install --node IP}, which the admin node starts over SSH; see {@link Rollout}), as plan
 * then apply like {@link Installer}:
 *
 * <ol>
 *   <li>REPO: the admin node's repository over HTTP as the only apt source ({@code
 *       /etc/apt/sources.list.d/pigsty.sources}, {@code Signed-By:} the bundle key Rollout put in
 *       {@code /etc/pigsty/pigsty.gpg}); other sources moved aside; {@code apt-get update} when the
 *       source changed;
 *   <li>then, on a node with a PostgreSQL instance, {@link Installer}'s phases for it under Patroni
 *       (etcd when the node is a member, Patroni, pgbouncer, the exporters, HAProxy, vip-manager;
 *       SQL on the leader only); on any other node PACKAGES (node_exporter) and SERVICES
 *       (node_exporter on {@code node_exporter_port}).
 * </ol>
 *
 * <p>A node that matches the inventory gets an empty plan.
 */
public final class NodeInstaller {
  /** The apt source of a node that is not the admin node. */
  public static final Path SOURCE = Path.of("/etc/apt/sources.list.d/pigsty.sources");

  /** The bundle key, put there by {@link Rollout} before the node's install runs. */
  public static final Path KEY = Path.of("/etc/pigsty/pigsty.gpg");

  /** The phases, in order. */
  public enum Phase {
    /** The apt source. */
    REPO,
    /** Debian packages. */
    PACKAGES,
    /** Configuration files and units. */
    SERVICES
  }

  private final Inventory inv;
  private final String ip;
  private final Path root;
  private final NodeFiles files;
  private final NodeOps ops;
  private final Consumer<String> log;
  private final Installer instance;

  /**
   * @param inv the inventory
   * @param ip this node's address (a node of the inventory, not its admin node)
   * @param root this node's {@code /} (tests give a directory)
   * @param runner runs commands on this node
   * @param files this node's files
   * @param log receives one progress line per step
   * @param memBytes this node's memory (MemTotal), for the tuning template
   * @param cpus this node's CPUs, for the tuning template
   * @throws IllegalArgumentException when {@code ip} is not a node of the inventory or is its admin
   *     node
   */
  public NodeInstaller(
      Inventory inv,
      String ip,
      Path root,
      CommandRunner runner,
      NodeFiles files,
      Consumer<String> log,
      long memBytes,
      int cpus) {
    if (!inv.nodes().contains(ip)) {
      throw new IllegalArgumentException(ip + " is not a node of " + inv.file());
    }
    if (ip.equals(inv.adminIp())) {
      throw new IllegalArgumentException(ip + " is the admin node: 'pigsty install' installs it");
    }
    this.inv = inv;
    this.ip = ip;
    this.root = root;
    this.files = files;
    this.ops = new NodeOps(runner, files);
    this.log = log;
    this.instance =
        Target.on(inv, ip)
            .map(t -> new Installer(t, Tuning.of(t.profile(), memBytes, cpus), runner, files, log))
            .orElse(null);
  }

  /**
   * The source line of the admin node's repository: {@code http://ADMIN[:nginx_port]/pigsty/}, a
   * flat repository ({@code Suites: ./}) checked against the bundle key (sources.list(5),
   * "DEB822-STYLE FORMAT").
   *
   * @return the file content
   */
  public static String sources(Inventory inv) {
    return "# Pigsty repository of the admin node, written by 'pigsty install'\n"
        + "Types: deb\n"
        + "URIs: "
        + repoUrl(inv)
        + "\n"
        + "Suites: ./\n"
        + "Signed-By: "
        + KEY
        + "\n";
  }

  /**
   * @return {@code http://ADMIN[:nginx_port]/pigsty/}, the repository nginx serves on the admin
   *     node
   */
  public static URI repoUrl(Inventory inv) {
    int port = inv.vars().nginxPort();
    return URI.create(
        "http://"
            + inv.adminIp()
            + (port == 80 ? "" : ":" + port)
            + "/"
            + Path.of(inv.vars().repoDir()).getFileName()
            + "/");
  }

  /**
   * The Debian packages this node needs.
   *
   * @return package names, in install order
   */
  public List<String> packages() throws InstallException {
    OsTable.Os os = Installer.os(files);
    if (instance != null) {
      return Installer.packages(Target.on(inv, ip).orElseThrow(), ExtensionCatalog.bundled(), os);
    }
    return List.of(os.pkg(OsTable.Package.NODE_EXPORTER, 0));
  }

  /**
   * Plans every phase on the node as it is now, applying nothing.
   *
   * @return the plan of every phase, in order
   * @throws InstallException when the node cannot be observed
   */
  public Plan plan() throws InstallException {
    List<Step> steps = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    if (instance != null) {
      Plan repo = planRepo();
      Plan rest = instance.plan();
      steps.addAll(repo.steps());
      steps.addAll(rest.steps());
      notes.addAll(rest.notes());
      return new Plan(steps, notes);
    }
    for (Phase p : Phase.values()) {
      Plan one = plan(p);
      steps.addAll(one.steps());
      notes.addAll(one.notes());
    }
    return new Plan(steps, notes);
  }

  /**
   * Plans one phase.
   *
   * @throws InstallException when the node cannot be observed
   */
  public Plan plan(Phase phase) throws InstallException {
    return switch (phase) {
      case REPO -> planRepo();
      case PACKAGES -> new Plan(ops.packages(packages()), List.of());
      case SERVICES -> planServices();
    };
  }

  /**
   * Plans and applies every phase in turn.
   *
   * @return the changes made and seconds per phase
   * @throws InstallException when a step fails (the command, file or unit is named)
   */
  public Installer.Result apply() throws InstallException {
    List<String> changes = new ArrayList<>();
    Map<String, Double> phases = new LinkedHashMap<>();
    for (Phase p : instance != null ? List.of(Phase.REPO) : List.of(Phase.values())) {
      long t = System.nanoTime();
      Plan plan = plan(p);
      plan.notes().forEach(n -> log.accept("note: " + n));
      for (Step s : plan.steps()) {
        log.accept("changed: " + s.describe());
        apply(s);
        changes.add(s.describe());
      }
      if (plan.isEmpty()) {
        log.accept(p.name().toLowerCase(Locale.ROOT) + ": nothing to change");
      }
      phases.put(p.name().toLowerCase(Locale.ROOT), (System.nanoTime() - t) / 1e9);
    }
    if (instance != null) {
      Installer.Result r = instance.apply();
      changes.addAll(r.changes());
      phases.putAll(r.phases());
    }
    return new Installer.Result(List.copyOf(changes), phases, null);
  }

  private void apply(Step step) throws InstallException {
    if (ops.apply(step)) {
      return;
    }
    if (step instanceof Step.MoveSourcesAside) {
      try {
        AptSourceFiles.moveAside(root, SOURCE.getFileName().toString());
      } catch (IOException e) {
        throw new InstallException("moving apt sources aside: " + e.getMessage(), e);
      }
    } else if (step instanceof Step.AptUpdate) {
      ops.check(
          new Command(
              List.of("apt-get", "update", "-q", "-o", "Dpkg::Use-Pty=0"),
              NodeOps.APT_ENV,
              null,
              Duration.ofMinutes(5)));
    } else {
      throw new IllegalStateException("no way to apply " + step);
    }
  }

  private Plan planRepo() throws InstallException {
    List<Step> steps = new ArrayList<>();
    if (!files.exists(KEY)) {
      throw new InstallException(
          KEY + " is missing: the admin node puts the bundle key there before this install");
    }
    Set<Path> changed = new HashSet<>();
    ops.conf(steps, changed, SOURCE, sources(inv));
    List<Path> others;
    try {
      others = AptSourceFiles.others(root, SOURCE.getFileName().toString());
    } catch (IOException e) {
      throw new InstallException("listing apt sources: " + e.getMessage(), e);
    }
    if (!others.isEmpty()) {
      steps.add(new Step.MoveSourcesAside(others));
    }
    if (changed.contains(SOURCE) || !others.isEmpty()) {
      steps.add(new Step.AptUpdate(repoUrl(inv) + " is the only source"));
    }
    return new Plan(steps, List.of());
  }

  private Plan planServices() throws InstallException {
    List<Step> steps = new ArrayList<>();
    Set<Path> changed = new HashSet<>();
    OsTable.Os os = Installer.os(files);
    Path ne = os.file(OsTable.File.NODE_EXPORTER_ENV, 0);
    ops.conf(steps, changed, ne, Configs.nodeExporterDefaults(inv.vars()));
    ops.unit(steps, os.unit(OsTable.Unit.NODE_EXPORTER, 0), changed.contains(ne), false);
    return new Plan(steps, List.of());
  }

  /**
   * @return this node's address
   */
  public String ip() {
    return ip;
  }
}
