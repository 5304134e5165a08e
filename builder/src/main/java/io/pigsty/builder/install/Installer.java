package io.pigsty.builder.install;

import io.pigsty.builder.inventory.Inventory.Password;
import io.pigsty.builder.inventory.Inventory.PgDatabase;
import io.pigsty.builder.inventory.Inventory.PgExtension;
import io.pigsty.builder.inventory.Inventory.PgUser;
import io.pigsty.builder.inventory.Inventory.Vars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Brings up the meta node of an inventory from the local repository: INFRA (nginx,
 * prometheus, alertmanager, node_exporter) and PGSQL (the cluster, roles, users, databases,
 * pgbouncer, exporters), all under systemd. Idempotent: every file is written only when its
 * bytes differ, packages are installed only when missing, SQL creates only what is absent,
 * services restart only when their configuration changed. Debian's cluster {@code <v>/main}
 * carries the instance ({@code cluster_name = pg-meta-1}): systemd's {@code postgresql@.service}
 * cannot run a Debian cluster whose name holds a dash.
 */
public final class Installer {

    /** The local repository source {@code ./configure} writes. */
    public static final Path REPO_SOURCE = Path.of("/etc/apt/sources.list.d/pigsty-local.sources");
    private static final String MARKER = "pigsty.initdb";

    /**
     * What an install did.
     *
     * @param changes one line per change made (empty on a run that found everything in place)
     * @param phases  seconds per phase in order: apt, services, health
     * @param health  the final health report
     */
    public record Result(List<String> changes, Map<String, Double> phases, HealthCheck.Report health) {
    }

    private final Target inv;
    private final Shell shell;
    private final Consumer<String> log;
    private final List<String> changes = new ArrayList<>();
    private final Map<String, String> aptEnv = Map.of("DEBIAN_FRONTEND", "noninteractive", "LANG", "C.UTF-8",
            "LC_ALL", "C.UTF-8");

    /**
     * @param inv   the inventory
     * @param shell runs commands on this node
     * @param log   receives one progress line per step (not null)
     */
    public Installer(Target inv, Shell shell, Consumer<String> log) {
        this.inv = inv;
        this.shell = shell;
        this.log = log;
    }

    /**
     * Debian packages the meta node needs: infra, PostgreSQL, pgbouncer, the exporters and the
     * packages of the extensions {@code pg_databases} creates.
     *
     * @param inv the inventory
     * @return package names, without duplicates, in install order
     */
    public static List<String> packages(Target inv) {
        int v = inv.version();
        List<String> p = new ArrayList<>(List.of("nginx", "prometheus", "prometheus-alertmanager",
                "prometheus-node-exporter", "postgresql-" + v, "postgresql-client-" + v, "pgbouncer",
                "prometheus-postgres-exporter", "prometheus-pgbouncer-exporter"));
        for (PgDatabase d : inv.cluster().databases()) {
            for (PgExtension e : d.extensions()) {
                extensionPackage(e.name(), v).filter(x -> !p.contains(x)).ifPresent(p::add);
            }
        }
        return List.copyOf(p);
    }

    /**
     * The Debian package holding an extension (as bundles/extensions.yml names them for the deb
     * family): contrib extensions come with {@code postgresql-<v>}.
     *
     * @return the package, or empty for an extension shipped with the server
     */
    static java.util.Optional<String> extensionPackage(String ext, int v) {
        return switch (ext) {
            case "postgis", "postgis_raster", "postgis_topology", "postgis_tiger_geocoder", "address_standardizer" ->
                    java.util.Optional.of("postgresql-" + v + "-postgis-3");
            case "pg_repack" -> java.util.Optional.of("postgresql-" + v + "-repack");
            case "wal2json" -> java.util.Optional.of("postgresql-" + v + "-wal2json");
            case "pg_cron" -> java.util.Optional.of("postgresql-" + v + "-cron");
            case "pgaudit" -> java.util.Optional.of("postgresql-" + v + "-pgaudit");
            case "hypopg" -> java.util.Optional.of("postgresql-" + v + "-hypopg");
            case "pg_partman" -> java.util.Optional.of("postgresql-" + v + "-partman");
            case "orafce" -> java.util.Optional.of("postgresql-" + v + "-orafce");
            default -> java.util.Optional.empty();
        };
    }

    /**
     * Runs the install, then the health check.
     *
     * @param tuning the tuning template sized for this node
     * @return changes, phase times and the health report (whose failures the caller reports)
     * @throws InstallException when a step fails (the command, file or unit is named)
     */
    public Result install(Tuning tuning) throws InstallException {
        if (!Files.isRegularFile(REPO_SOURCE)) {
            throw new InstallException(REPO_SOURCE + " is missing: run ./configure first (it sets up the local repo)");
        }
        Map<String, Double> phases = new LinkedHashMap<>();
        long t = System.nanoTime();
        packagesStep();
        phases.put("apt", lap(t));
        t = System.nanoTime();
        postgres(tuning);
        sql();
        pgbouncer();
        exporters();
        monitoring();
        nginx();
        phases.put("services", lap(t));
        t = System.nanoTime();
        log.accept("health: waiting for every Prometheus target to be scraped (up to 60 s)");
        HealthCheck.Report health = new HealthCheck(inv, shell).run(60);
        phases.put("health", lap(t));
        return new Result(List.copyOf(changes), phases, health);
    }

    private static double lap(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private void change(String what) {
        changes.add(what);
        log.accept("changed: " + what);
    }

    // ---- packages ------------------------------------------------------------------------------

    private void packagesStep() throws InstallException {
        List<String> want = packages(inv);
        List<String> missing = new ArrayList<>();
        for (String p : want) {
            Shell.Result r = shell.run(List.of("dpkg-query", "-W", "-f=${Status}", p), Map.of(), null, 30);
            if (!r.ok() || !r.out().strip().equals("install ok installed")) {
                missing.add(p);
            }
        }
        if (missing.isEmpty()) {
            log.accept("packages: all " + want.size() + " installed");
            return;
        }
        log.accept("packages: apt-get install " + String.join(" ", missing));
        List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-q",
                "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold",
                "-o", "Dpkg::Use-Pty=0"));
        cmd.addAll(missing);
        shell.check(cmd, aptEnv, null, 1800);
        change("installed " + missing.size() + " package(s): " + String.join(" ", missing));
    }

    // ---- postgres ------------------------------------------------------------------------------

    private String pgVersion() {
        return Integer.toString(inv.version());
    }

    private Path etcDir() {
        return Path.of("/etc/postgresql", pgVersion(), "main");
    }

    private String pgUnit() {
        return "postgresql@" + pgVersion() + "-main";
    }

    private void postgres(Tuning tuning) throws InstallException {
        Path data = Path.of("/var/lib/postgresql", pgVersion(), "main");
        boolean exists = Files.isRegularFile(etcDir().resolve("postgresql.conf"));
        boolean ours = Files.isRegularFile(etcDir().resolve(MARKER));
        if (!exists || (!ours && onlyTemplateDatabases(data))) {
            if (exists) {
                shell.check(List.of("pg_dropcluster", "--stop", pgVersion(), "main"), aptEnv, null, 120);
            }
            List<String> cmd = new ArrayList<>(List.of("pg_createcluster", pgVersion(), "main",
                    "--port", Integer.toString(inv.vars().pgPort()), "--start-conf", "auto",
                    "--locale", "C.UTF-8", "--encoding", "UTF8", "--",
                    "--auth-local", "peer", "--auth-host", "scram-sha-256"));
            if (tuning.checksums()) {
                cmd.add("--data-checksums");
            }
            shell.check(cmd, aptEnv, null, 300);
            FileSync.write(etcDir().resolve(MARKER), "created by pigsty install for " + inv.instanceName()
                    + (tuning.checksums() ? " with data checksums" : "") + "\n", "rw-r--r--", "postgres", "postgres");
            change("created cluster " + pgVersion() + "/main (" + inv.instanceName() + ")");
        } else if (!ours) {
            log.accept("postgres: WARN " + data + " holds databases: kept as it is, not re-created");
        }
        boolean confChanged = FileSync.write(etcDir().resolve("conf.d/pigsty.conf"),
                Configs.postgresqlConf(inv, tuning), "rw-r--r--", "postgres", "postgres");
        boolean hbaChanged = FileSync.write(etcDir().resolve("pg_hba.conf"), Configs.pgHba(inv), "rw-r-----",
                "postgres", "postgres");
        if (confChanged) {
            change("wrote " + etcDir().resolve("conf.d/pigsty.conf"));
        }
        if (hbaChanged) {
            change("wrote " + etcDir().resolve("pg_hba.conf"));
        }
        service(pgUnit(), confChanged, hbaChanged);
        waitReady();
        log.accept("postgres: accepting connections on port " + inv.vars().pgPort());
    }

    private static boolean onlyTemplateDatabases(Path data) throws InstallException {
        Path base = data.resolve("base");
        if (!Files.isDirectory(base)) {
            return true;
        }
        try (Stream<Path> s = Files.list(base)) {
            return s.filter(Files::isDirectory).count() <= 3; // template1, template0, postgres
        } catch (IOException e) {
            throw new InstallException("cannot list " + base + ": " + e.getMessage(), e);
        }
    }

    private void waitReady() throws InstallException {
        List<String> cmd = List.of("pg_isready", "-q", "-h", "/var/run/postgresql", "-p",
                Integer.toString(inv.vars().pgPort()));
        for (int i = 0; i < 120; i++) {
            if (shell.run(cmd, Map.of(), null, 10).ok()) {
                return;
            }
            sleep(500);
        }
        throw new InstallException(pgUnit() + ": PostgreSQL does not accept connections after 60 s "
                + "(see journalctl -u " + pgUnit() + ")");
    }

    private Shell.Result psql(String db, String script) throws InstallException {
        return shell.check(List.of("runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-p", Integer.toString(inv.vars().pgPort()), "-d", db, "-tA", "-f", "-"), aptEnv, script, 300);
    }

    private void sqlChanges(Shell.Result r) {
        for (String line : r.err().split("\n")) {
            int i = line.indexOf("pigsty-change: ");
            if (i >= 0) {
                change(line.substring(i + "pigsty-change: ".length()).strip());
            }
        }
    }

    private void sql() throws InstallException {
        Vars v = inv.vars();
        StringBuilder s = new StringBuilder();
        s.append(Provisioning.systemRole("dbrole_readonly", "NOLOGIN", "pg_read_all_data"));
        s.append(Provisioning.systemRole("dbrole_offline", "NOLOGIN", "pg_read_all_data"));
        s.append(Provisioning.systemRole("dbrole_readwrite", "NOLOGIN", "dbrole_readonly", "pg_write_all_data"));
        s.append(Provisioning.systemRole("dbrole_admin", "NOLOGIN BYPASSRLS", "pg_monitor", "dbrole_readwrite"));
        s.append(Provisioning.systemRole(v.adminUser(), "LOGIN SUPERUSER", "dbrole_admin"));
        s.append(Provisioning.systemRole(v.monitorUser(), "LOGIN", "pg_monitor", "dbrole_readonly"));
        s.append(Provisioning.systemRole(v.replicationUser(), "LOGIN REPLICATION", "pg_monitor", "dbrole_readonly"));
        for (PgUser u : inv.cluster().users()) {
            s.append(Provisioning.user(u));
        }
        sqlChanges(psql("postgres", s.toString()));

        Map<String, Password> passwords = new LinkedHashMap<>();
        passwords.put(v.adminUser(), v.adminPassword());
        passwords.put(v.monitorUser(), v.monitorPassword());
        passwords.put(v.replicationUser(), v.replicationPassword());
        inv.cluster().users().stream().filter(u -> u.password() != null)
                .forEach(u -> passwords.put(u.name(), u.password()));
        Map<String, String> secrets = secrets(new ArrayList<>(passwords.keySet()));
        StringBuilder pw = new StringBuilder("SET log_statement = 'none';\n");
        List<String> reset = new ArrayList<>();
        passwords.forEach((user, password) -> {
            String stored = secrets.getOrDefault(user, "");
            // pre-hashed (md5..., SCRAM-SHA-256$...) are stored as given; clear text is checked
            // against the stored SCRAM secret, so neither is re-set when it already matches
            boolean same = password.isHashed() ? stored.equals(password.text()) : Scram.matches(stored, password.text());
            if (!same) {
                pw.append("ALTER ROLE ").append(id(user)).append(" PASSWORD ").append(lit(password.text())).append(";\n");
                reset.add(user);
            }
        });
        if (!reset.isEmpty()) {
            psql("postgres", pw.toString());
            change("set password of " + String.join(", ", reset));
        }

        java.util.Set<String> existing = new java.util.HashSet<>();
        for (String line : psql("postgres", "SELECT datname FROM pg_database;").out().split("\n")) {
            if (!line.isBlank()) {
                existing.add(line.strip());
            }
        }
        for (PgDatabase d : inv.cluster().databases()) {
            boolean created = false;
            if (!existing.contains(d.name())) {
                psql("postgres", Provisioning.createDatabase(d));
                change("created database " + d.name());
                created = true;
            }
            sqlChanges(psql("postgres", Provisioning.alterDatabase(d)));
            if (d.allowconn() || created) {
                String inside = Provisioning.insideDatabase(d);
                if (!inside.isEmpty()) {
                    sqlChanges(psql(d.name(), inside));
                }
                if (created && d.baseline() != null) {
                    baseline(d);
                }
            }
            sqlChanges(psql("postgres", Provisioning.allowConnections(d)));
        }
    }

    /** Runs a database's baseline SQL file (relative to pigsty.yml's directory) once, after creating it. */
    private void baseline(PgDatabase d) throws InstallException {
        Path dir = inv.inventory().file().toAbsolutePath().getParent();
        Path file = dir.resolve(d.baseline()).normalize();
        if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
            throw new InstallException(inv.inventory().file() + ": pg_databases " + d.name() + ".baseline: "
                    + file + " is not a file");
        }
        try {
            psql(d.name(), Files.readString(file, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InstallException("cannot read " + file + ": " + e.getMessage(), e);
        }
        change("ran baseline " + d.baseline() + " in " + d.name());
    }

    private Map<String, String> secrets(List<String> users) throws InstallException {
        StringBuilder q = new StringBuilder("SELECT rolname || '|' || coalesce(rolpassword, '') FROM pg_authid WHERE rolname IN (");
        for (int i = 0; i < users.size(); i++) {
            q.append(i == 0 ? "" : ", ").append(lit(users.get(i)));
        }
        q.append(");");
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : psql("postgres", q.toString()).out().split("\n")) {
            int bar = line.indexOf('|');
            if (bar > 0) {
                out.put(line.substring(0, bar), line.substring(bar + 1).strip());
            }
        }
        return out;
    }

    static String id(String name) {
        return Provisioning.id(name);
    }

    static String lit(String text) {
        return Provisioning.lit(text);
    }

    // ---- pgbouncer, exporters, monitoring, nginx ---------------------------------------------

    private void pgbouncer() throws InstallException {
        boolean ini = write(Path.of("/etc/pgbouncer/pgbouncer.ini"), Configs.pgbouncerIni(inv), "rw-r--r--",
                "postgres", "postgres");
        List<String> users = Configs.pgbouncerUsers(inv);
        Map<String, String> all = secrets(users);
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String u : users) {
            if (all.containsKey(u)) {
                ordered.put(u, all.get(u));
            }
        }
        boolean list = write(Path.of("/etc/pgbouncer/userlist.txt"), Configs.userlist(ordered), "rw-------",
                "postgres", "postgres");
        service("pgbouncer", ini, list);
    }

    private void exporters() throws InstallException {
        boolean pe = write(Path.of("/etc/default/prometheus-postgres-exporter"), Configs.postgresExporterDefaults(inv),
                "rw-r-----", "root", "prometheus");
        service("prometheus-postgres-exporter", pe, false);
        boolean conf = write(Path.of("/etc/prometheus-pgbouncer-exporter.conf"), Configs.pgbouncerExporterConf(inv),
                "rw-r--r--", "root", "root");
        boolean compat = write(Path.of(Configs.PGBOUNCER_EXPORTER_COMPAT), Configs.pgbouncerExporterCompat(),
                "rw-r--r--", "root", "root");
        boolean dropIn = write(Path.of("/etc/systemd/system/prometheus-pgbouncer-exporter.service.d/pigsty.conf"),
                Configs.pgbouncerExporterDropIn(inv), "rw-------", "root", "root");
        if (dropIn) {
            shell.check(List.of("systemctl", "daemon-reload"), Map.of(), null, 60);
        }
        service("prometheus-pgbouncer-exporter", conf || dropIn || compat, false);
        boolean ne = write(Path.of("/etc/default/prometheus-node-exporter"), Configs.nodeExporterDefaults(inv),
                "rw-r--r--", "root", "root");
        service("prometheus-node-exporter", ne, false);
    }

    private void monitoring() throws InstallException {
        boolean am = write(Path.of("/etc/prometheus/alertmanager.yml"), Configs.alertmanagerYml(), "rw-r--r--",
                "root", "root")
                | write(Path.of("/etc/default/prometheus-alertmanager"), Configs.alertmanagerDefaults(inv),
                        "rw-r--r--", "root", "root");
        service("prometheus-alertmanager", am, false);
        boolean prom = write(Path.of("/etc/prometheus/prometheus.yml"), Configs.prometheusYml(inv), "rw-r--r--",
                "root", "root")
                | write(Path.of("/etc/prometheus/rules/pigsty.yml"), Configs.alertRules(), "rw-r--r--", "root", "root")
                | write(Path.of("/etc/default/prometheus"), Configs.prometheusDefaults(inv), "rw-r--r--", "root", "root");
        service("prometheus", prom, false);
    }

    private void nginx() throws InstallException {
        boolean conf = write(Path.of("/etc/nginx/conf.d/pigsty.conf"), Configs.nginxConf(inv), "rw-r--r--",
                "root", "root");
        Path defaultSite = Path.of("/etc/nginx/sites-enabled/default");
        if (Files.exists(defaultSite, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.delete(defaultSite);
            } catch (IOException e) {
                throw new InstallException("cannot remove " + defaultSite + ": " + e.getMessage(), e);
            }
            change("removed " + defaultSite + " (pigsty.conf is the default server)");
            conf = true;
        }
        write(Path.of("/www/index.html"), Configs.homePage(inv), "rw-r--r--", "root", "root");
        if (conf) {
            shell.check(List.of("nginx", "-t", "-q"), Map.of(), null, 30);
        }
        service("nginx", false, conf);
    }

    private boolean write(Path file, String text, String mode, String owner, String group) throws InstallException {
        boolean changed = FileSync.write(file, text, mode, owner, group);
        if (changed) {
            change("wrote " + file);
        }
        return changed;
    }

    /** Enables and starts a unit; restarts or reloads it when its configuration changed. */
    private void service(String unit, boolean restart, boolean reload) throws InstallException {
        Shell.Result enabled = shell.run(List.of("systemctl", "is-enabled", unit), Map.of(), null, 30);
        String state = enabled.out().strip();
        if (!state.equals("enabled") && !state.equals("static") && !state.equals("generated")
                && !state.equals("indirect") && !state.equals("alias")) {
            shell.check(List.of("systemctl", "enable", unit), Map.of(), null, 60);
            change("enabled " + unit);
        }
        boolean active = shell.run(List.of("systemctl", "is-active", unit), Map.of(), null, 30).out().strip()
                .equals("active");
        if (!active) {
            shell.check(List.of("systemctl", "start", unit), Map.of(), null, 180);
            change("started " + unit);
        } else if (restart) {
            shell.check(List.of("systemctl", "restart", unit), Map.of(), null, 180);
            change("restarted " + unit);
        } else if (reload) {
            shell.check(List.of("systemctl", "reload", unit), Map.of(), null, 60);
            change("reloaded " + unit);
        }
        log.accept(String.format(Locale.ROOT, "service %s: active", unit));
    }

    private static void sleep(long ms) throws InstallException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallException("interrupted", e);
        }
    }
}
