package io.pigsty.builder.install;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.builder.definition.ExtensionCatalog;
import io.pigsty.builder.definition.OsTable;
import io.pigsty.builder.definition.OsTable.File;
import io.pigsty.builder.definition.OsTable.Package;
import io.pigsty.builder.definition.OsTable.Unit;
import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.exec.CommandRunner;
import io.pigsty.builder.install.Step.Action;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.Inventory.Password;
import io.pigsty.builder.inventory.Inventory.PgDatabase;
import io.pigsty.builder.inventory.Inventory.PgExtension;
import io.pigsty.builder.inventory.Inventory.PgUser;
import io.pigsty.builder.inventory.Inventory.Vars;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Brings up a node's PostgreSQL instance from the local repository, as plan then apply: on the
 * admin node INFRA (nginx, prometheus, alertmanager, node_exporter) too; on every instance etcd
 * (when the node is a member), Patroni, roles, users, databases, pgbouncer, the exporters, HAProxy
 * and vip-manager, all under systemd. Each phase (packages, etcd, postgres, sql, services) observes
 * the node through a {@link CommandRunner} and {@link NodeFiles}, computes its {@link Plan} (files
 * by bytes, mode and owner; missing packages; SQL whose rolled-back dry run reports a change; unit
 * actions), and applies it. A node that matches the inventory gets an empty plan, so a second
 * install changes nothing.
 *
 * <p>Patroni runs every instance ({@code patroni@<v>-main}, data in Debian's {@code
 * /var/lib/postgresql/<v>/main}). A Debian cluster {@code <v>/main} found there is dropped when it
 * is the package's empty default, and converted in place when it holds data (an earlier version ran
 * pg-meta as Debian's {@code postgresql@<v>-main}): see {@link DebianCluster} and {@code
 * docs/install.md}, "Converting an earlier install".
 *
 * <p>Package names, units and the paths of the OS's packages come from the node's row of the node
 * OS table ({@link OsTable}, {@code bundles/os.yml}), found from its {@code /etc/os-release}: the
 * same code installs Debian 12 and Debian 13.
 */
public final class Installer {

  /** The local repository source {@code ./configure} writes. */
  public static final Path REPO_SOURCE = Path.of("/etc/apt/sources.list.d/pigsty-local.sources");

  private static final Pattern NOTICE = Pattern.compile("pigsty-change: (.*)");

  /** The phases, in order; each is planned on the state the one before it left. */
  public enum Phase {
    /**
     * The packages the other nodes need from this one, first: nginx (their repository, on the admin
     * node of an inventory with other nodes) and etcd-server (their DCS, on an etcd member); the
     * next phases are planned once they are installed (nginx brings a default site).
     */
    SERVER,
    /**
     * nginx serving the local repository ({@code /www/pigsty}) to the other nodes: its site, the
     * home page and the unit, on the admin node of an inventory with other nodes, before the rest,
     * so they install while it does ({@link #install(boolean, Runnable)}).
     */
    REPO,
    /**
     * The etcd member on this node, when it is one (Patroni's DCS), before the other packages: the
     * other nodes' Patroni waits for it.
     */
    ETCD,
    /** Debian packages. */
    PACKAGES,
    /** Patroni and its PostgreSQL instance (a Debian cluster found there dropped or converted). */
    POSTGRES,
    /** Roles, passwords, databases, schemas and extensions. */
    SQL,
    /** pgbouncer, the exporters, Prometheus, Alertmanager and nginx. */
    SERVICES
  }

  /**
   * What an install did.
   *
   * @param changes one line per change made (empty on a run that found everything in place)
   * @param phases seconds per phase in order: apt, services, health
   * @param health the final health report, or null when not run
   */
  public record Result(
      List<String> changes, Map<String, Double> phases, HealthCheck.Report health) {}

  private final Target inv;
  private final Tuning tuning;
  private final CommandRunner runner;
  private final NodeFiles files;
  private final Consumer<String> log;
  private final ExtensionCatalog catalog = ExtensionCatalog.bundled();
  private final NodeOps ops;
  private OsTable.Os os; // the node's row, read from its os-release on first use

  /**
   * @param inv the admin node and its cluster
   * @param tuning the tuning template sized for this node
   * @param runner runs commands on the node
   * @param files the node's files
   * @param log receives one progress line per step (not null)
   */
  public Installer(
      Target inv, Tuning tuning, CommandRunner runner, NodeFiles files, Consumer<String> log) {
    this.inv = inv;
    this.tuning = tuning;
    this.runner = runner;
    this.files = files;
    this.log = log;
    this.ops = new NodeOps(runner, files);
  }

  /**
   * Debian packages a node with an instance needs: infra on the admin node; PostgreSQL, pgbouncer,
   * the exporters, Patroni, HAProxy, vip-manager (with a VIP) and etcd (on a member); and the
   * packages of the extensions {@code pg_databases} creates, found in the extension catalog ({@code
   * bundles/extensions.yml}; an extension it does not list comes with the server).
   *
   * @param inv the node and its cluster
   * @param catalog the extension catalog
   * @param os the node's row of the OS table: package names, and the OS code for the catalog's
   *     per-OS entries
   * @return package names, without duplicates, in install order
   * @throws InstallException naming the database and extension when the catalog says the extension
   *     is not available for this OS or PostgreSQL major
   */
  public static List<String> packages(Target inv, ExtensionCatalog catalog, OsTable.Os os)
      throws InstallException {
    int v = inv.version();
    String osCode = os.code();
    List<Package> roles = new ArrayList<>();
    if (inv.admin()) {
      roles.addAll(List.of(Package.NGINX, Package.PROMETHEUS, Package.ALERTMANAGER));
    }
    roles.addAll(
        List.of(
            Package.NODE_EXPORTER,
            Package.POSTGRES,
            Package.POSTGRES_CLIENT,
            Package.PGBOUNCER,
            Package.PG_EXPORTER,
            Package.PGBOUNCER_EXPORTER,
            Package.PATRONI,
            Package.PATRONI_ETCD,
            Package.HAPROXY));
    if (inv.cluster().vip() != null) {
      roles.add(Package.VIP_MANAGER);
    }
    if (Dcs.member(inv.inventory(), inv.ip())) {
      roles.add(Package.ETCD);
    }
    List<String> p = new ArrayList<>();
    roles.stream().map(r -> os.pkg(r, v)).filter(x -> !p.contains(x)).forEach(p::add);
    for (String e : inv.cluster().extensions()) {
      Optional<ExtensionCatalog.Extension> entry = catalog.providing(e, osCode, v);
      if (entry.isEmpty()) {
        throw new InstallException(
            inv.inventory().file()
                + ": pg_extensions "
                + e
                + ": not in the extension catalog (pigsty catalog list)");
      }
      addPackages(p, catalog, entry.get(), osCode, v, "pg_extensions " + e, inv);
    }
    for (PgDatabase d : inv.cluster().databases()) {
      for (PgExtension e : d.extensions()) {
        Optional<ExtensionCatalog.Extension> entry = catalog.providing(e.name(), osCode, v);
        if (entry.isPresent()) {
          addPackages(
              p,
              catalog,
              entry.get(),
              osCode,
              v,
              "pg_databases " + d.name() + ".extensions " + e.name(),
              inv);
        }
      }
    }
    return List.copyOf(p);
  }

  private static void addPackages(
      List<String> p,
      ExtensionCatalog catalog,
      ExtensionCatalog.Extension entry,
      String osCode,
      int v,
      String key,
      Target inv)
      throws InstallException {
    Optional<String> why = catalog.whyUnavailable(entry, osCode, "deb", v);
    if (why.isPresent()) {
      throw new InstallException(inv.inventory().file() + ": " + key + ": " + why.get());
    }
    catalog.packages(entry, osCode, "deb", v).stream().filter(x -> !p.contains(x)).forEach(p::add);
  }

  /**
   * Plans disabling a package's own unit that the installer replaces (vip-manager's plain unit,
   * which fails without settings and leaves the node {@code degraded}): disable, stop, and forget
   * its failure ({@code systemctl reset-failed}). Nothing when it is disabled and inactive.
   */
  private void disablePackageUnit(List<Step> steps, String unit) throws InstallException {
    boolean enabled =
        ops.run(Command.of(NodeOps.SHORT, "systemctl", "is-enabled", unit))
            .out()
            .strip()
            .equals("enabled");
    String state = ops.run(Command.of(NodeOps.SHORT, "systemctl", "is-active", unit)).out().strip();
    if (enabled) {
      steps.add(new Step.Unit(unit, Action.DISABLE));
    }
    if (!state.equals("inactive") && !state.isEmpty()) {
      steps.add(new Step.Unit(unit, Action.STOP));
      steps.add(
          new Step.Run(
              List.of("systemctl", "reset-failed", unit), "forget " + unit + "'s failure"));
    }
  }

  /** The extensions {@code pg_databases} creates, in file order (a name may repeat). */
  private List<String> createdExtensions() {
    return inv.cluster().databases().stream()
        .flatMap(d -> d.extensions().stream())
        .map(PgExtension::name)
        .toList();
  }

  /**
   * {@code output_plugin_libraries} of this cluster, when it installs or creates a logical decoding
   * output plugin (wal2json ...) and its server has the setting: PostgreSQL's default ({@code
   * pgoutput, test_decoding}) then the plugins the extension catalog names for {@code
   * pg_extensions} and the extensions of {@code pg_databases}. The setting came with the minor
   * releases of 2026 (15.20 on bookworm); without it a server would refuse to start on an unknown
   * setting, so it is set only where {@code postgres --describe-config} lists it, and where it is
   * missing every plugin is allowed anyway. It is set with {@code ALTER SYSTEM} on every member
   * ({@link #outputPluginStep}): Patroni 3.0.2 drops a setting its validator does not know from its
   * {@code parameters} ("Removing unexpected parameter").
   *
   * @param osCode the node's OS code for the catalog's records
   * @return library names, or empty when nothing needs the setting
   * @throws InstallException when the node's OS has no row in the table
   */
  Optional<List<String>> outputPluginLibraries(String osCode) throws InstallException {
    List<String> names = new ArrayList<>(inv.cluster().extensions());
    names.addAll(createdExtensions());
    List<String> plugins = catalog.outputPlugins(osCode, inv.version(), names);
    if (plugins.isEmpty() || !serverSettings().contains("output_plugin_libraries")) {
      return Optional.empty();
    }
    Set<String> libs = new LinkedHashSet<>(List.of("pgoutput", "test_decoding"));
    libs.addAll(plugins);
    return Optional.of(List.copyOf(libs));
  }

  /**
   * On a running member (leader or replica), {@code ALTER SYSTEM SET output_plugin_libraries} and a
   * reload when {@code SHOW} differs from {@link #outputPluginLibraries}; the setting's context is
   * {@code superuser}, so no restart. A value no longer asked for is left as it is.
   */
  private Optional<Step> outputPluginStep() throws InstallException {
    Optional<List<String>> want = outputPluginLibraries(os().code());
    if (want.isEmpty() || !pgReady()) {
      return Optional.empty();
    }
    String value = String.join(", ", want.get());
    List<String> have = lines(psql("postgres", "SHOW output_plugin_libraries;").out());
    if (have.equals(List.of(value))) {
      return Optional.empty();
    }
    return Optional.of(
        new Step.Sql(
            "postgres",
            // a list setting: one literal per element (one literal would be one element)
            "ALTER SYSTEM SET output_plugin_libraries = "
                + want.get().stream().map(Provisioning::lit).collect(Collectors.joining(", "))
                + ";\nSELECT pg_reload_conf();\n",
            List.of("output_plugin_libraries = '" + value + "' (ALTER SYSTEM, reload)"),
            false));
  }

  private Set<String> serverSettings;

  /**
   * The settings this node's PostgreSQL binary knows ({@code postgres --describe-config}, one per
   * line, the name first), read once the package is installed; empty before.
   */
  private Set<String> serverSettings() throws InstallException {
    if (serverSettings != null) {
      return serverSettings;
    }
    CommandResult r =
        ops.run(
            Command.of(
                Duration.ofSeconds(30),
                file(File.PG_BIN).resolve("postgres").toString(),
                "--describe-config"));
    if (!r.ok()) {
      return Set.of();
    }
    Set<String> names = new HashSet<>();
    for (String line : r.out().split("\n")) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        names.add(line.substring(0, tab));
      }
    }
    serverSettings = names;
    return names;
  }

  /**
   * {@code shared_preload_libraries} of this cluster: {@code pg_libraries} (else the tuning
   * template's), then the libraries the extension catalog says the extensions of {@code
   * pg_databases} need preloaded (pg_cron, pgaudit ...), each once, in that order.
   *
   * @param osCode the node's OS code for the catalog's records, or null
   * @return library names, never empty (the tuning template names pg_stat_statements)
   */
  List<String> preloadLibraries(String osCode) {
    Set<String> libs = new LinkedHashSet<>();
    if (inv.cluster().libraries().isEmpty()) {
      for (String l : tuning.params().get("shared_preload_libraries").split(",")) {
        libs.add(l.strip());
      }
    } else {
      libs.addAll(inv.cluster().libraries());
    }
    libs.addAll(catalog.preloadLibraries(osCode, inv.version(), createdExtensions()));
    return List.copyOf(libs);
  }

  /** Where a node says which OS it runs (os-release(5)). */
  static final Path OS_RELEASE = Path.of("/etc/os-release");

  /**
   * The row of the node OS table ({@link OsTable#bundled()}) for a node, from the {@code ID} and
   * {@code VERSION_ID} of its {@code /etc/os-release} (os-release(5)).
   *
   * @return the row
   * @throws InstallException when the file cannot be read or is missing, or names a release the
   *     table does not list (the message names the file, the release and the table's releases)
   */
  public static OsTable.Os os(NodeFiles files) throws InstallException {
    Optional<NodeFiles.State> f = files.read(OS_RELEASE);
    if (f.isEmpty()) {
      throw new InstallException(OS_RELEASE + " is missing: the node's OS cannot be told");
    }
    String id = "";
    String version = "";
    for (String line : new String(f.get().content(), StandardCharsets.UTF_8).split("\n")) {
      String value =
          line.contains("=") ? line.substring(line.indexOf('=') + 1).replace("\"", "").strip() : "";
      if (line.startsWith("ID=")) {
        id = value;
      } else if (line.startsWith("VERSION_ID=")) {
        version = value;
      }
    }
    OsTable table = OsTable.bundled();
    Optional<OsTable.Os> os = table.forRelease(id, version);
    if (os.isEmpty()) {
      throw new InstallException(
          OS_RELEASE
              + ": ID="
              + id
              + " VERSION_ID="
              + version
              + " is not a release of the node OS table (bundles/os.yml: "
              + String.join(", ", table.releases())
              + ")");
    }
    return os.get();
  }

  /** This node's row of the OS table, read once. */
  private OsTable.Os os() throws InstallException {
    if (os == null) {
      os = os(files);
    }
    return os;
  }

  private String unit(Unit role) throws InstallException {
    return os().unit(role, inv.version());
  }

  private Path file(File role) throws InstallException {
    return os().file(role, inv.version());
  }

  // ---- plan, apply --------------------------------------------------------------------------

  /**
   * Plans every phase on the node as it is now, applying nothing: exact for a phase when the phases
   * before it plan no change; otherwise the notes say what is planned on today's state.
   *
   * @return the plan of every phase, in order
   * @throws InstallException when the node cannot be observed (command or file named)
   */
  public Plan plan() throws InstallException {
    List<Step> steps = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Phase p : Phase.values()) {
      Plan one = plan(p);
      if (!steps.isEmpty() && !one.isEmpty()) {
        notes.add(
            p.name().toLowerCase(Locale.ROOT)
                + ": planned on the node as it is now, before "
                + "the changes above");
      }
      steps.addAll(one.steps());
      notes.addAll(one.notes());
    }
    return new Plan(steps, notes);
  }

  /**
   * Plans one phase on the node as it is now.
   *
   * @throws InstallException when the node cannot be observed
   */
  public Plan plan(Phase phase) throws InstallException {
    return switch (phase) {
      case SERVER -> new Plan(ops.packages(serverPackages()), List.of());
      case REPO -> planRepo();
      case PACKAGES -> planPackages();
      case ETCD -> planEtcd();
      case POSTGRES -> planPatroni();
      case SQL -> planSql();
      case SERVICES -> planServices();
    };
  }

  /**
   * Plans and applies every phase in turn, each on the state the one before left.
   *
   * @return the changes made and seconds per phase (no health report)
   * @throws InstallException when a step fails (the command, file or unit is named)
   */
  public Result apply() throws InstallException {
    return apply(() -> {});
  }

  /**
   * {@link #apply()}, calling {@code repoServed} once the {@link Phase#REPO} phase is through.
   *
   * @param repoServed run on this thread once nginx serves the local repository (on a node that
   *     serves none, after that phase planned nothing)
   */
  private Result apply(Runnable repoServed) throws InstallException {
    List<String> changes = new ArrayList<>();
    Map<String, Double> phases = new LinkedHashMap<>();
    for (Phase p : Phase.values()) {
      long t = System.nanoTime();
      Plan plan = plan(p);
      plan.notes().forEach(n -> log.accept("note: " + n));
      boolean started = false;
      boolean converted = false;
      for (Step s : plan.steps()) {
        started |= s.equals(new Step.Unit(unit(Unit.PATRONI), Action.START));
        converted |=
            s instanceof Step.WriteFile w
                && w.path().equals(file(File.PG_CONF_DIR).resolve("start.conf"));
        log.accept("changed: " + s.describe());
        apply(s);
        if (s instanceof Step.Sql sql && !sql.changes().isEmpty()) {
          changes.addAll(sql.changes());
        } else {
          changes.add(s.describe());
        }
      }
      if (p == Phase.POSTGRES) {
        waitReady();
        log.accept("postgres: accepting connections on port " + inv.vars().pgPort());
        if (started && inv.instance().role().equals("primary")) {
          waitLeads();
        }
        if (converted) {
          log.accept(
              "converted: Debian's cluster "
                  + pgVersion()
                  + "/main now runs under "
                  + unit(Unit.PATRONI)
                  + " as "
                  + inv.instanceName()
                  + ", its data kept in "
                  + file(File.PG_DATA)
                  + "; "
                  + unit(Unit.POSTGRES)
                  + " is stopped and disabled");
        }
      }
      // the packages phase also writes apt and createcluster.d files: say so whenever apt had
      // nothing to install (the appliance's first install checks this line)
      if (p == Phase.PACKAGES
          && plan.steps().stream().noneMatch(st -> st instanceof Step.InstallPackages)) {
        log.accept("packages: all " + packages(inv, catalog, os()).size() + " installed");
      } else if (plan.isEmpty() && p != Phase.REPO && p != Phase.SERVER) {
        log.accept(p.name().toLowerCase(Locale.ROOT) + ": nothing to change");
      }
      if (p == Phase.REPO) {
        if (!plan.isEmpty()) {
          log.accept("repo: nginx serves the local repository to the other nodes");
        }
        repoServed.run();
      }
      String key = p == Phase.PACKAGES || p == Phase.SERVER || p == Phase.REPO ? "apt" : "services";
      phases.merge(key, (System.nanoTime() - t) / 1e9, Double::sum);
    }
    return new Result(List.copyOf(changes), phases, null);
  }

  /**
   * Applies the plan, then waits for the health check.
   *
   * @return changes, phase times and the health report (whose failures the caller reports)
   * @throws InstallException when a step fails, or the local repository is not set up
   */
  public Result install() throws InstallException {
    return install(true);
  }

  /**
   * Applies the plan, then (when asked) waits for the health check.
   *
   * @param health whether to run the health check (the admin node of a multi-node inventory runs it
   *     with {@link #health()} once the other nodes are installed: Prometheus scrapes them too)
   * @return changes, phase times and the health report, or null when not asked
   * @throws InstallException when a step fails, or the local repository is not set up
   */
  public Result install(boolean health) throws InstallException {
    return install(health, () -> {});
  }

  /**
   * Applies the plan, calling {@code repoServed} as soon as nginx serves the local repository, then
   * (when asked) waits for the health check. The admin node of a multi-node inventory starts the
   * other nodes' installs there ({@code Rollout}): they take their packages from it over HTTP while
   * it installs the rest, and their Patroni waits for etcd on it.
   *
   * @param health whether to run the health check
   * @param repoServed run on this thread once, after the {@link Phase#REPO} phase (it must not
   *     block: start the other nodes in the background)
   * @return changes, phase times and the health report, or null when not asked
   * @throws InstallException when a step fails, or the local repository is not set up
   */
  public Result install(boolean health, Runnable repoServed) throws InstallException {
    if (!inv.admin()) {
      return apply(repoServed);
    }
    if (!files.exists(REPO_SOURCE)) {
      throw new InstallException(
          REPO_SOURCE + " is missing: run ./configure first (it sets up the local repo)");
    }
    Result r = apply(repoServed);
    if (!health) {
      return r;
    }
    long t = System.nanoTime();
    HealthCheck.Report report = health();
    Map<String, Double> phases = new LinkedHashMap<>(r.phases());
    phases.put("health", (System.nanoTime() - t) / 1e9);
    return new Result(r.changes(), phases, report);
  }

  /**
   * @return the health report of this node, waiting up to 60 s for every Prometheus target
   */
  public HealthCheck.Report health() throws InstallException {
    log.accept("health: waiting for every Prometheus target to be scraped (up to 60 s)");
    return new HealthCheck(inv, os(), runner).run(60);
  }

  private void apply(Step step) throws InstallException {
    if (step instanceof Step.Unit u
        && u.action() == Action.START
        && u.unit().equals(unit(Unit.PATRONI))
        && !inv.instance().role().equals("primary")) {
      waitForLeader();
    }
    if (ops.apply(step)) {
      return;
    }
    if (step instanceof Step.Sql s) {
      psql(s.database(), s.script());
    } else if (step instanceof Step.Restart r) {
      restartThroughPatroni(r);
    } else {
      throw new IllegalStateException("no way to apply " + step);
    }
  }

  // ---- packages ----------------------------------------------------------------------------

  /** Whether this node serves the local repository to others: the admin node, with others. */
  private boolean servesRepo() {
    return inv.admin() && inv.inventory().nodes().size() > 1;
  }

  /** The {@link Phase#SERVER} packages of this node, in install order. */
  private List<String> serverPackages() throws InstallException {
    List<String> p = new ArrayList<>();
    if (servesRepo()) {
      p.add(os().pkg(Package.NGINX, inv.version()));
    }
    if (Dcs.member(inv.inventory(), inv.ip())) {
      p.add(os().pkg(Package.ETCD, inv.version()));
    }
    return p;
  }

  /** nginx's site and the home page, first: the other nodes' apt reads the repository there. */
  private Plan planRepo() throws InstallException {
    List<Step> steps = new ArrayList<>();
    if (servesRepo()) {
      nginx(steps, new HashSet<>());
    }
    return new Plan(steps, List.of());
  }

  private Plan planPackages() throws InstallException {
    List<Step> steps = new ArrayList<>();
    // before postgresql-N is installed: Patroni makes the cluster, not the package
    // (postgresql-common's createcluster.d drop-in)
    ops.conf(
        steps,
        new HashSet<>(),
        file(File.PG_CREATECLUSTER_CONF),
        "# written by pigsty install: Patroni creates the cluster\ncreate_main_cluster = false\n");
    steps.addAll(ops.packages(packages(inv, catalog, os())));
    return new Plan(steps, List.of());
  }

  // ---- postgres ----------------------------------------------------------------------------

  private String pgVersion() {
    return Integer.toString(inv.version());
  }

  private boolean pgReady() throws InstallException {
    return ops.run(
            Command.of(
                Duration.ofSeconds(10),
                "pg_isready",
                "-q",
                "-h",
                "/var/run/postgresql",
                "-p",
                Integer.toString(inv.vars().pgPort())))
        .ok();
  }

  private void waitReady() throws InstallException {
    int tries = 600; // a replica clones the leader first
    for (int i = 0; i < tries; i++) {
      if (pgReady()) {
        return;
      }
      pause(Duration.ofMillis(500));
    }
    String unit = unit(Unit.PATRONI);
    throw new InstallException(
        unit
            + ": PostgreSQL does not accept connections after "
            + tries / 2
            + " s (see journalctl -u "
            + unit
            + ")");
  }

  // ---- etcd, patroni ------------------------------------------------------------------------

  private Plan planEtcd() throws InstallException {
    Inventory all = inv.inventory();
    if (!Dcs.member(all, inv.ip())) {
      return new Plan(List.of(), List.of());
    }
    List<Step> steps = new ArrayList<>();
    Set<Path> changed = new HashSet<>();
    Path conf = file(File.ETCD_ENV);
    Path data = file(File.ETCD_DATA);
    boolean ours =
        files
            .read(conf)
            .map(f -> new String(f.content(), StandardCharsets.UTF_8).contains("pigsty"))
            .orElse(false);
    if (!ours && files.exists(data)) {
      // the package's postinst started a default single member on localhost: its data
      // names another cluster, and etcd refuses to start the inventory's on it
      steps.add(
          new Step.Run(
              List.of("systemctl", "stop", unit(Unit.ETCD)),
              "stop the etcd member the package started"));
      steps.add(
          new Step.Run(
              List.of("rm", "-rf", "--one-file-system", data.toString()),
              "remove the package's default etcd data"));
    }
    Inventory.Etcd e = all.etcd();
    String name = e.name(e.member(inv.ip()).orElseThrow());
    ops.conf(
        steps,
        changed,
        conf,
        HaConfigs.etcdDefaults(
            name, inv.ip(), Dcs.members(all), e.cluster(), false, Dcs.api(all), data));
    ops.unit(steps, unit(Unit.ETCD), changed.contains(conf) || !ours, false);
    return new Plan(steps, List.of());
  }

  private Plan planPatroni() throws InstallException {
    List<Step> steps = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    DebianCluster debian = DebianCluster.observe(files, os(), inv.version());
    switch (debian.state()) {
      case ABSENT, CONVERTED -> {}
      case EMPTY ->
          steps.add(
              new Step.Run(
                  List.of("pg_dropcluster", "--stop", pgVersion(), "main"),
                  "remove Debian's empty cluster "
                      + pgVersion()
                      + "/main (Patroni creates its own)"));
      case DATA -> notes.add(convert(debian, steps));
    }
    Set<Path> changed = new HashSet<>();
    Path yml = file(File.PATRONI_CONFIG);
    String before =
        files.read(yml).map(f -> new String(f.content(), StandardCharsets.UTF_8)).orElse(null);
    String after = HaConfigs.patroniYml(patroniSpec());
    ops.file(steps, changed, yml, after, "rw-------", "postgres", "postgres", true, false);
    ops.unit(steps, unit(Unit.PATRONI), false, changed.contains(yml));
    restart(before, after, notes).ifPresent(steps::add);
    return new Plan(steps, notes);
  }

  /**
   * Plans a restart through Patroni when this node's running instance waits for one: a setting of
   * context {@code postmaster} (read from the running server's {@code pg_settings}) whose local
   * value differs between the Patroni file on the node and the one planned, or one the server
   * already reports {@code pending_restart} (a restart an earlier run left undone). Settings
   * Patroni takes from the DCS only ({@link HaConfigs#DCS_ONLY}) are named in a note instead: a
   * restart does not apply them.
   *
   * @param before the Patroni file on the node, null when there is none (nothing runs yet)
   * @param after the Patroni file planned
   * @param notes receives the note on DCS-only settings
   */
  private Optional<Step> restart(String before, String after, List<String> notes)
      throws InstallException {
    if (before == null) {
      return Optional.empty();
    }
    CommandResult r =
        ops.run(
            psqlCommand(
                "postgres",
                "SELECT name || '|' || pending_restart FROM pg_settings"
                    + " WHERE context = 'postmaster' OR pending_restart ORDER BY name;"));
    if (!r.ok()) {
      return Optional.empty(); // not running: it starts with the new file
    }
    Map<String, String> was = HaConfigs.localParameters(before);
    Map<String, String> will = HaConfigs.localParameters(after);
    Set<String> restart = new TreeSet<>();
    Set<String> dcsOnly = new TreeSet<>();
    for (String line : lines(r.out())) {
      String name = line.substring(0, line.indexOf('|'));
      boolean changedHere = !Objects.equals(was.get(name), will.get(name));
      if (HaConfigs.DCS_ONLY.contains(name)) {
        if (changedHere) {
          dcsOnly.add(name);
        }
      } else if (changedHere || line.endsWith("|t")) {
        restart.add(name);
      }
    }
    if (!dcsOnly.isEmpty()) {
      notes.add(
          String.join(", ", dcsOnly)
              + ": Patroni takes "
              + (dcsOnly.size() == 1 ? "this setting" : "these settings")
              + " from etcd only, written at the cluster's bootstrap; a running cluster keeps its"
              + " value until `patronictl -c "
              + file(File.PATRONI_CONFIG)
              + " edit-config` changes it (docs/ha.md)");
    }
    if (restart.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Step.Restart(
            file(File.PATRONI_CONFIG).toString(),
            inv.cluster().name(),
            inv.instanceName(),
            List.copyOf(restart)));
  }

  /**
   * Restarts this node's instance through Patroni once its reload is done: Patroni re-reads its
   * file on its next cycle after the SIGHUP (up to {@code loop_wait}, 10 s), so this waits up to 30
   * s for {@code GET /patroni} to report {@code pending_restart}, then runs {@code patronictl
   * restart --force}, which returns when the instance is up again.
   */
  private void restartThroughPatroni(Step.Restart r) throws InstallException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      if (pendingRestart(patroniGet(inv.ip(), "/patroni"))) {
        break;
      }
      if (System.nanoTime() > deadline) {
        log.accept("patroni: " + r.member() + " reports no pending restart after 30 s; restarting");
        break;
      }
      pause(Duration.ofSeconds(1));
    }
    ops.check(
        Command.of(
            Duration.ofMinutes(3),
            "patronictl",
            "-c",
            r.configPath(),
            "restart",
            r.cluster(),
            r.member(),
            "--force"));
  }

  /**
   * Plans the conversion of Debian's cluster {@code <v>/main} with data to a Patroni member on the
   * same data directory (Patroni docs, "Convert a Standalone to a Patroni Cluster": Patroni takes
   * over a non-empty data directory while its cluster is not initialised in the DCS, once the
   * superuser, replication and rewind logins of patroni.yml exist). Steps, in order: Debian's
   * cluster started if it is down; the roles of pigsty.yml and the passwords of Patroni's logins
   * set in it (psql as postgres over the socket); {@code postgresql.base.conf} and {@code
   * pg_ident.conf} written into the data directory from Debian's files; {@code postgresql@<v>-main}
   * stopped and disabled, its {@code start.conf} {@code disabled}, systemd's generators re-run.
   * Patroni's own steps follow; it starts the instance as a replica, finds no leader and promotes
   * it.
   *
   * @return a note saying what is converted
   * @throws InstallException when this instance is not its cluster's primary (a replica clones the
   *     leader; its data is not taken over), or the data cannot be taken over in place ({@link
   *     DebianCluster#checkConvertible})
   */
  private String convert(DebianCluster debian, List<Step> steps) throws InstallException {
    if (!inv.instance().role().equals("primary")) {
      throw new InstallException(
          inv.instanceName()
              + ": Debian's cluster "
              + pgVersion()
              + "/main on "
              + inv.ip()
              + " holds databases; Patroni does not take it over on a replica node (it clones"
              + " the leader). Move its data away (pg_dropcluster "
              + pgVersion()
              + " main after a dump), then run make install again");
    }
    debian.checkConvertible(files, inv.instanceName());
    Vars v = inv.vars();
    if (!pgReady()) {
      steps.add(new Step.Unit(debian.unit(), Action.START));
    }
    StringBuilder pw = new StringBuilder("SET log_statement = 'none';\n").append(rolesScript());
    Map<String, Password> logins = new LinkedHashMap<>();
    logins.put("postgres", v.adminPassword());
    logins.put(v.replicationUser(), v.replicationPassword());
    logins.put(v.adminUser(), v.adminPassword());
    logins.forEach(
        (user, password) ->
            pw.append("ALTER ROLE ")
                .append(Provisioning.id(user))
                .append(" PASSWORD ")
                .append(Provisioning.lit(password.text()))
                .append(";\n"));
    steps.add(
        new Step.Sql(
            "postgres",
            pw.toString(),
            List.of(
                "roles of pigsty.yml and the passwords of Patroni's logins "
                    + String.join(", ", logins.keySet())
                    + " in Debian's cluster "
                    + pgVersion()
                    + "/main"),
            true));
    String conf =
        files
            .read(debian.etc().resolve("postgresql.conf"))
            .map(f -> new String(f.content(), StandardCharsets.UTF_8))
            .orElseThrow();
    Set<Path> changed = new HashSet<>();
    ops.file(
        steps,
        changed,
        debian.data().resolve("postgresql.base.conf"),
        debian.baseConf(conf),
        "rw-------",
        "postgres",
        "postgres",
        false,
        false);
    Optional<NodeFiles.State> ident = files.read(debian.etc().resolve("pg_ident.conf"));
    if (ident.isPresent()) {
      ops.file(
          steps,
          changed,
          debian.data().resolve("pg_ident.conf"),
          new String(ident.get().content(), StandardCharsets.UTF_8),
          "rw-------",
          "postgres",
          "postgres",
          false,
          false);
    }
    steps.add(new Step.Unit(debian.unit(), Action.STOP));
    steps.add(new Step.Unit(debian.unit(), Action.DISABLE));
    ops.file(
        steps,
        changed,
        debian.etc().resolve("start.conf"),
        debian.startConf(unit(Unit.PATRONI)),
        "rw-r--r--",
        "postgres",
        "postgres",
        false,
        true);
    // postgresql-common's systemd generator reads start.conf: it no longer wants the unit
    steps.add(new Step.Unit(debian.unit(), Action.DAEMON_RELOAD));
    return "postgres: Debian's cluster "
        + pgVersion()
        + "/main holds "
        + inv.instanceName()
        + "'s data: converted to "
        + unit(Unit.PATRONI)
        + " in place (data kept in "
        + debian.data()
        + "; "
        + debian.unit()
        + " stopped, disabled, start.conf 'disabled')";
  }

  /**
   * After Patroni started this primary-role instance: waits until a member of its cluster leads
   * (Patroni's {@code GET /primary} answers 200), this one first. Patroni creates its logins after
   * its bootstrap has started PostgreSQL, and a converted instance starts as a replica until it
   * promotes itself, so the SQL phase waits for the leader. Probes go through the node's {@code
   * python3} (Patroni's interpreter), so a test's fake node answers them.
   *
   * @throws InstallException when no member leads after 5 min
   */
  private void waitLeads() throws InstallException {
    awaitLeader(
        false,
        Duration.ofMinutes(5),
        inv.instanceName()
            + ": no member of "
            + inv.cluster().name()
            + " leads 5 min after "
            + unit(Unit.PATRONI)
            + " started (GET :"
            + HaConfigs.PATRONI_PORT
            + "/primary; see journalctl -u "
            + unit(Unit.PATRONI)
            + ")");
  }

  /**
   * Polls every member of this instance's cluster (but this one when {@code othersOnly}) once a
   * second with {@link #primary} until one answers, logging {@code patroni: NAME leads CLUSTER}.
   *
   * @throws InstallException with {@code failure} when none does within {@code limit}
   */
  private void awaitLeader(boolean othersOnly, Duration limit, String failure)
      throws InstallException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      for (var i : inv.cluster().instances()) {
        if (othersOnly && i.ip().equals(inv.ip())) {
          continue;
        }
        if (primary(i.ip())) {
          log.accept(
              "patroni: " + inv.cluster().instanceName(i) + " leads " + inv.cluster().name());
          return;
        }
      }
      pause(Duration.ofMillis(1000));
    }
    throw new InstallException(failure);
  }

  /** Whether Patroni's REST API on {@code ip} answers {@code GET /primary} with 200. */
  private boolean primary(String ip) throws InstallException {
    return patroniGet(ip, "/primary").ok();
  }

  /**
   * {@code GET path} of Patroni's REST API on {@code ip}, through the node's {@code python3}
   * (Patroni's interpreter): ok when the answer is 2xx, the body on stdout.
   */
  private CommandResult patroniGet(String ip, String path) throws InstallException {
    return ops.run(
        Command.of(
            Duration.ofSeconds(10),
            "python3",
            "-c",
            "import sys, urllib.request;"
                + " print(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode())",
            "http://" + ip + ":" + HaConfigs.PATRONI_PORT + path));
  }

  /** Whether a {@code GET /patroni} answer reports {@code pending_restart}. */
  private static boolean pendingRestart(CommandResult status) {
    if (!status.ok()) {
      return false;
    }
    try {
      return new ObjectMapper().readTree(status.out()).path("pending_restart").asBoolean(false);
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private HaConfigs.PatroniSpec patroniSpec() throws InstallException {
    Vars v = inv.vars();
    Map<String, String> params = new LinkedHashMap<>(tuning.params());
    params.put("shared_preload_libraries", String.join(",", preloadLibraries(os().code())));
    params.putAll(inv.cluster().parameters());
    List<String> hba =
        Arrays.stream(Configs.pgHba(inv).split("\n")).filter(l -> !l.isBlank()).toList();
    return new HaConfigs.PatroniSpec(
        inv.cluster().name(),
        inv.instanceName(),
        inv.ip(),
        inv.instance().role(),
        inv.version(),
        v.pgPort(),
        Dcs.members(inv.inventory()),
        Dcs.api(inv.inventory()),
        new HaConfigs.Credential("postgres", v.adminPassword()),
        new HaConfigs.Credential(v.replicationUser(), v.replicationPassword()),
        new HaConfigs.Credential(v.adminUser(), v.adminPassword()),
        new HaConfigs.Credential(v.patroniUser(), v.patroniPassword()),
        params,
        hba,
        inv.profile() == Tuning.Profile.CRIT,
        tuning.checksums(),
        HaConfigs.RTO_15S,
        os());
  }

  /**
   * Before a replica's first start: waits until a member of its cluster is the leader (Patroni's
   * {@code GET /primary} answers 200), so the instance {@code pg_role: primary} names bootstraps
   * the cluster and the others clone it, as Pigsty starts the primary first.
   */
  private void waitForLeader() throws InstallException {
    log.accept("patroni: waiting for a leader of " + inv.cluster().name());
    awaitLeader(
        true,
        Duration.ofMinutes(10),
        inv.instanceName()
            + ": no leader of "
            + inv.cluster().name()
            + " after 10 min (is its primary installed? GET :"
            + HaConfigs.PATRONI_PORT
            + "/primary on every member)");
  }

  private boolean inRecovery() throws InstallException {
    return lines(psql("postgres", "SELECT pg_is_in_recovery();").out()).contains("t");
  }

  // ---- sql ---------------------------------------------------------------------------------

  private Plan planSql() throws InstallException {
    List<Step> local = outputPluginStep().map(List::of).orElse(List.of());
    if (pgReady() && inRecovery()) {
      return new Plan(
          local, List.of("sql: " + inv.instanceName() + " is a replica; the leader runs it"));
    }
    if (!pgReady()) {
      return new Plan(
          List.of(
              new Step.Sql(
                  "postgres",
                  rolesScript(),
                  List.of(
                      "roles, users, passwords and databases of pigsty.yml (PostgreSQL is not running yet)"),
                  false)),
          List.of("sql: planned in full once PostgreSQL accepts connections"));
    }
    List<Step> steps = new ArrayList<>(local);
    String roles = rolesScript();
    sql(steps, "postgres", roles);

    Map<String, Password> passwords = passwords();
    Map<String, String> secrets = secrets(new ArrayList<>(passwords.keySet()));
    StringBuilder pw = new StringBuilder("SET log_statement = 'none';\n");
    List<String> reset = new ArrayList<>();
    passwords.forEach(
        (user, password) -> {
          String stored = secrets.getOrDefault(user, "");
          // pre-hashed (md5..., SCRAM-SHA-256$...) are stored as given; clear text is checked
          // against the stored SCRAM secret, so neither is set again when it already matches
          if (!stored(stored, password)) {
            pw.append("ALTER ROLE ")
                .append(Provisioning.id(user))
                .append(" PASSWORD ")
                .append(Provisioning.lit(password.text()))
                .append(";\n");
            reset.add(user);
          }
        });
    if (!reset.isEmpty()) {
      steps.add(
          new Step.Sql(
              "postgres",
              pw.toString(),
              List.of("set password of " + String.join(", ", reset)),
              true));
    }

    Set<String> existing =
        new HashSet<>(lines(psql("postgres", "SELECT datname FROM pg_database;").out()));
    for (PgDatabase d : inv.cluster().databases()) {
      boolean exists = existing.contains(d.name());
      if (!exists) {
        steps.add(
            new Step.Sql(
                "postgres",
                Provisioning.createDatabase(d),
                List.of("created database " + d.name()),
                false));
        // the same scripts as for an existing database, so the next plan's dry runs find them
        // applied
        steps.add(
            new Step.Sql(
                "postgres",
                Provisioning.alterDatabase(d),
                List.of("database " + d.name() + ": owner, grants, settings and comment"),
                false));
        String inside = Provisioning.insideDatabase(d);
        if (!inside.isEmpty()) {
          steps.add(
              new Step.Sql(
                  d.name(),
                  inside,
                  List.of("database " + d.name() + ": schemas and extensions"),
                  false));
        }
        steps.add(
            new Step.Sql(
                "postgres",
                Provisioning.allowConnections(d),
                List.of("database " + d.name() + ": allow_connections " + d.allowconn()),
                false));
        baseline(steps, d);
        continue;
      }
      sql(steps, "postgres", Provisioning.alterDatabase(d));
      if (d.allowconn()) {
        String inside = Provisioning.insideDatabase(d);
        if (!inside.isEmpty()) {
          sql(steps, d.name(), inside);
        }
      }
      sql(steps, "postgres", Provisioning.allowConnections(d));
    }
    return new Plan(steps, List.of());
  }

  private String rolesScript() {
    Vars v = inv.vars();
    StringBuilder s = new StringBuilder();
    s.append(Provisioning.systemRole("dbrole_readonly", "NOLOGIN", "pg_read_all_data"));
    s.append(Provisioning.systemRole("dbrole_offline", "NOLOGIN", "pg_read_all_data"));
    s.append(
        Provisioning.systemRole(
            "dbrole_readwrite", "NOLOGIN", "dbrole_readonly", "pg_write_all_data"));
    s.append(
        Provisioning.systemRole(
            "dbrole_admin", "NOLOGIN BYPASSRLS", "pg_monitor", "dbrole_readwrite"));
    s.append(Provisioning.systemRole(v.adminUser(), "LOGIN SUPERUSER", "dbrole_admin"));
    s.append(Provisioning.systemRole(v.monitorUser(), "LOGIN", "pg_monitor", "dbrole_readonly"));
    s.append(
        Provisioning.systemRole(
            v.replicationUser(), "LOGIN REPLICATION", "pg_monitor", "dbrole_readonly"));
    for (PgUser u : inv.cluster().users()) {
      s.append(Provisioning.user(u));
    }
    return s.toString();
  }

  /** Adds the script as a step when its rolled-back dry run reports a change. */
  private void sql(List<Step> steps, String db, String script) throws InstallException {
    List<String> changes = notices(psql(db, "BEGIN;\n" + script + "ROLLBACK;\n").err());
    if (!changes.isEmpty()) {
      steps.add(new Step.Sql(db, script, changes, false));
    }
  }

  /** A database's baseline SQL file (relative to pigsty.yml), run once after CREATE DATABASE. */
  private void baseline(List<Step> steps, PgDatabase d) throws InstallException {
    if (d.baseline() == null) {
      return;
    }
    Path dir = inv.inventory().file().toAbsolutePath().getParent();
    Path file = dir.resolve(d.baseline()).normalize();
    Optional<NodeFiles.State> st = file.startsWith(dir) ? files.read(file) : Optional.empty();
    if (st.isEmpty()) {
      throw new InstallException(
          inv.inventory().file()
              + ": pg_databases "
              + d.name()
              + ".baseline: "
              + file
              + " is not a file");
    }
    steps.add(
        new Step.Sql(
            d.name(),
            new String(st.get().content(), StandardCharsets.UTF_8),
            List.of("ran baseline " + d.baseline() + " in " + d.name()),
            false));
  }

  private static List<String> notices(String stderr) {
    List<String> out = new ArrayList<>();
    for (String line : stderr.split("\n")) {
      Matcher m = NOTICE.matcher(line);
      if (m.find()) {
        out.add(m.group(1).strip());
      }
    }
    return out;
  }

  private static List<String> lines(String out) {
    return Arrays.stream(out.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** Waits {@code d}; an interruption ends the install. */
  private static void pause(Duration d) throws InstallException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InstallException("interrupted", e);
    }
  }

  private CommandResult psql(String db, String script) throws InstallException {
    return ops.check(psqlCommand(db, script));
  }

  /** psql as the postgres OS user over the socket, the script on stdin, rows unaligned. */
  private Command psqlCommand(String db, String script) {
    return new Command(
        List.of(
            "runuser",
            "-u",
            "postgres",
            "--",
            "psql",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-p",
            Integer.toString(inv.vars().pgPort()),
            "-d",
            db,
            "-tA",
            "-f",
            "-"),
        NodeOps.APT_ENV,
        script,
        Duration.ofMinutes(5));
  }

  /** The logins with a password in pigsty.yml: Pigsty's own, then {@code pg_users}. */
  private Map<String, Password> passwords() {
    Vars v = inv.vars();
    Map<String, Password> passwords = new LinkedHashMap<>();
    passwords.put(v.adminUser(), v.adminPassword());
    passwords.put(v.monitorUser(), v.monitorPassword());
    passwords.put(v.replicationUser(), v.replicationPassword());
    inv.cluster().users().stream()
        .filter(u -> u.password() != null)
        .forEach(u -> passwords.put(u.name(), u.password()));
    return passwords;
  }

  /**
   * Whether a stored secret is that password: pre-hashed ones (md5..., SCRAM-SHA-256$...) are
   * stored as given; clear text is checked against the stored SCRAM secret.
   */
  private static boolean stored(String secret, Password password) {
    return password.isHashed()
        ? secret.equals(password.text())
        : Scram.matches(secret, password.text());
  }

  /** How long a replica waits for the leader's passwords to reach it (tests shorten it). */
  Duration replicaSecretsWait = Duration.ofMinutes(2);

  /**
   * {@link #secrets} on a replica, once the passwords of pigsty.yml that the leader sets have
   * reached it: a replica cloned before the leader's SQL phase ended would otherwise write a
   * pgbouncer userlist without them (or with old secrets), and pgbouncer's SCRAM login to
   * PostgreSQL would fail. Waits up to {@link #replicaSecretsWait}, then takes what is there.
   */
  private Map<String, String> replicatedSecrets(List<String> users) throws InstallException {
    Map<String, Password> want = passwords();
    want.keySet().retainAll(users);
    long deadline = System.nanoTime() + replicaSecretsWait.toNanos();
    boolean logged = false;
    while (true) {
      Map<String, String> have = secrets(users);
      List<String> behind =
          want.entrySet().stream()
              .filter(e -> !stored(have.getOrDefault(e.getKey(), ""), e.getValue()))
              .map(Map.Entry::getKey)
              .toList();
      if (behind.isEmpty()) {
        return have;
      }
      if (System.nanoTime() > deadline) {
        log.accept("pgbouncer: the passwords of " + behind + " have not reached this replica");
        return have;
      }
      if (!logged) {
        log.accept("pgbouncer: waiting for the leader's passwords of " + behind);
        logged = true;
      }
      pause(Duration.ofSeconds(1));
    }
  }

  private Map<String, String> secrets(List<String> users) throws InstallException {
    StringBuilder q =
        new StringBuilder(
            "SELECT rolname || '|' || coalesce(rolpassword, '') FROM pg_authid WHERE rolname IN (");
    for (int i = 0; i < users.size(); i++) {
      q.append(i == 0 ? "" : ", ").append(Provisioning.lit(users.get(i)));
    }
    q.append(");");
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : lines(psql("postgres", q.toString()).out())) {
      int bar = line.indexOf('|');
      if (bar > 0) {
        out.put(line.substring(0, bar), line.substring(bar + 1).strip());
      }
    }
    return out;
  }

  // ---- services ----------------------------------------------------------------------------

  private Plan planServices() throws InstallException {
    List<Step> steps = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Set<Path> changed = new HashSet<>();
    Path ini = Path.of("/etc/pgbouncer/pgbouncer.ini");
    Path list = Path.of("/etc/pgbouncer/userlist.txt");
    ops.file(
        steps,
        changed,
        ini,
        Configs.pgbouncerIni(inv),
        "rw-r--r--",
        "postgres",
        "postgres",
        false,
        false);
    if (pgReady()) {
      List<String> users = Configs.pgbouncerUsers(inv);
      Map<String, String> all = inRecovery() ? replicatedSecrets(users) : secrets(users);
      Map<String, String> ordered = new LinkedHashMap<>();
      for (String u : users) {
        if (all.containsKey(u)) {
          ordered.put(u, all.get(u));
        }
      }
      ops.file(
          steps,
          changed,
          list,
          Configs.userlist(ordered),
          "rw-------",
          "postgres",
          "postgres",
          true,
          false);
    } else {
      notes.add("services: " + list + " is written from the SCRAM secrets once PostgreSQL runs");
    }
    ops.unit(steps, unit(Unit.PGBOUNCER), changed.contains(ini) || changed.contains(list), false);

    Path pe = file(File.PG_EXPORTER_ENV);
    ops.file(
        steps,
        changed,
        pe,
        Configs.postgresExporterDefaults(inv),
        "rw-r-----",
        "root",
        "prometheus",
        true,
        false);
    ops.unit(steps, unit(Unit.PG_EXPORTER), changed.contains(pe), false);

    pgbouncerExporter(steps, changed);

    Path ne = file(File.NODE_EXPORTER_ENV);
    ops.conf(steps, changed, ne, Configs.nodeExporterDefaults(inv));
    ops.unit(steps, unit(Unit.NODE_EXPORTER), changed.contains(ne), false);

    Path hap = Path.of(HaConfigs.HAPROXY_CFG);
    ops.conf(
        steps,
        changed,
        hap,
        HaConfigs.haproxyCfg(
            inv.cluster().name(),
            HaConfigs.members(inv.cluster()),
            HaConfigs.HaproxyPorts.of(inv.vars().pgPort(), inv.vars().pgbouncerPort())));
    ops.unit(steps, unit(Unit.HAPROXY), false, changed.contains(hap));
    Inventory.Vip vip = inv.cluster().vip();
    if (vip != null) {
      Path vm = file(File.VIP_MANAGER_ENV);
      ops.conf(
          steps,
          changed,
          vm,
          HaConfigs.vipManagerEnv(
              vip.address(),
              vip.cidrmask(),
              vip.iface(),
              inv.instanceName(),
              inv.cluster().name(),
              Dcs.members(inv.inventory()),
              Dcs.api(inv.inventory())));
      ops.unit(steps, unit(Unit.VIP_MANAGER), changed.contains(vm), false);
      disablePackageUnit(steps, unit(Unit.VIP_MANAGER_PACKAGE));
    }
    if (!inv.admin()) {
      return new Plan(steps, notes);
    }

    Path amYml = Path.of("/etc/prometheus/alertmanager.yml");
    Path amDef = file(File.ALERTMANAGER_ENV);
    ops.conf(steps, changed, amYml, Configs.alertmanagerYml());
    ops.conf(steps, changed, amDef, Configs.alertmanagerDefaults(inv));
    ops.unit(
        steps, unit(Unit.ALERTMANAGER), changed.contains(amYml) || changed.contains(amDef), false);

    Path prom = Path.of("/etc/prometheus/prometheus.yml");
    Path rules = Path.of("/etc/prometheus/rules/pigsty.yml");
    Path promDef = file(File.PROMETHEUS_ENV);
    ops.conf(steps, changed, prom, Configs.prometheusYml(inv));
    ops.conf(steps, changed, rules, Configs.alertRules());
    ops.conf(steps, changed, promDef, Configs.prometheusDefaults(inv));
    ops.unit(
        steps,
        unit(Unit.PROMETHEUS),
        changed.contains(prom) || changed.contains(rules) || changed.contains(promDef),
        false);

    if (!servesRepo()) {
      nginx(steps, changed);
    }
    return new Plan(steps, notes);
  }

  /**
   * The pgbouncer exporter's settings, as the program the node's package is ({@link
   * OsTable.PgbouncerExporter}) reads them, and its unit. The Python exporter (bookworm): its INI
   * file, the monitor password in a 0600 environment file, a launcher that survives pgbouncer's
   * renamed SHOW STATS columns, and a systemd drop-in naming both. The Go exporter (trixie): its
   * EnvironmentFile, 0600 root (systemd reads it) as it holds the connection string with the
   * password, and a drop-in that restarts it.
   */
  private void pgbouncerExporter(List<Step> steps, Set<Path> changed) throws InstallException {
    String unit = unit(Unit.PGBOUNCER_EXPORTER);
    Path conf = file(File.PGBOUNCER_EXPORTER_CONFIG);
    String service = unit.endsWith(".service") ? unit : unit + ".service";
    Path dropIn = Path.of("/etc/systemd/system/" + service + ".d/pigsty.conf");
    List<Path> files = new ArrayList<>(List.of(conf, dropIn));
    switch (os().pgbouncerExporter()) {
      case PYTHON -> {
        Path compat = Path.of(Configs.PGBOUNCER_EXPORTER_COMPAT);
        Path env = Path.of(Configs.PGBOUNCER_EXPORTER_ENV);
        files.addAll(List.of(compat, env));
        ops.conf(steps, changed, conf, Configs.pgbouncerExporterConf(inv));
        ops.conf(steps, changed, compat, Configs.pgbouncerExporterCompat());
        ops.file(
            steps,
            changed,
            env,
            Configs.pgbouncerExporterEnv(inv),
            "rw-------",
            "root",
            "root",
            true,
            false);
        ops.conf(steps, changed, dropIn, Configs.pgbouncerExporterDropIn(inv));
      }
      case GO -> {
        ops.file(
            steps,
            changed,
            conf,
            Configs.pgbouncerExporterGoDefaults(inv),
            "rw-------",
            "root",
            "root",
            true,
            false);
        ops.conf(steps, changed, dropIn, Configs.pgbouncerExporterGoDropIn());
      }
    }
    if (changed.contains(dropIn)) {
      steps.add(new Step.Unit(unit, Action.DAEMON_RELOAD));
    }
    ops.unit(steps, unit, files.stream().anyMatch(changed::contains), false);
  }

  /** nginx's site (the default server), the home page and the unit. */
  private void nginx(List<Step> steps, Set<Path> changed) throws InstallException {
    Path nginx = Path.of("/etc/nginx/conf.d/pigsty.conf");
    Path defaultSite = Path.of("/etc/nginx/sites-enabled/default");
    ops.conf(steps, changed, nginx, Configs.nginxConf(inv));
    boolean site = files.exists(defaultSite);
    if (site) {
      steps.add(new Step.RemoveFile(defaultSite, "pigsty.conf is the default server"));
    }
    ops.conf(steps, changed, Path.of("/www/index.html"), Configs.homePage(inv));
    ops.unit(steps, unit(Unit.NGINX), false, changed.contains(nginx) || site);
  }
}
