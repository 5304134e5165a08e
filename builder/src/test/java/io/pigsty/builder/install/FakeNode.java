package io.pigsty.builder.install;

import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.exec.CommandRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Debian node in memory, for planning tests: dpkg, systemd, Patroni (its REST API through
 * python3), Debian's cluster {@code <v>/main} as an earlier install left it, and a PostgreSQL whose
 * catalog converges to what the installer's SQL establishes. A script's rolled-back dry run reports
 * its {@code pigsty-change} notices until that same script has been applied to that database (the
 * installer's scripts change only what differs, so applied once they change nothing); passwords are
 * stored as PostgreSQL stores them (SCRAM secrets for clear text). Every command it does not know
 * fails the test.
 */
final class FakeNode implements CommandRunner, NodeFiles {
  private static final Pattern NOTICE =
      Pattern.compile(
          "RAISE NOTICE 'pigsty-change: ([^']*)'((?:, (?:'(?:[^']|'')*'|[-a-z0-9]+))*);");
  private static final Pattern ARG = Pattern.compile(", ('(?:[^']|'')*'|[-a-z0-9]+)");
  private static final Pattern PASSWORD =
      Pattern.compile("ALTER ROLE \"([^\"]+)\" PASSWORD '((?:[^']|'')*)';");

  final Set<String> packages = new HashSet<>();
  final Set<String> enabled = new HashSet<>();
  final Set<String> active = new HashSet<>();
  final Map<Path, State> files = new HashMap<>();
  final Map<Path, Integer> dirs = new HashMap<>();
  final Set<String> databases = new LinkedHashSet<>(List.of("postgres", "template0", "template1"));
  final Map<String, String> secrets = new HashMap<>();
  final Set<String> applied = new HashSet<>();
  final List<String> commands = new ArrayList<>();
  int pgVersion = 15;

  /** The packages {@code apt-cache show} knows (the local repository's). */
  final Set<String> aptKnows = new HashSet<>();

  {
    files.put(Path.of("/etc/os-release"), state(osRelease("12", "bookworm"), "rw-r--r--", "root"));
  }

  static String osRelease(String versionId, String codename) {
    return "PRETTY_NAME=\"Debian GNU/Linux "
        + versionId
        + " ("
        + codename
        + ")\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\""
        + versionId
        + "\"\nVERSION_CODENAME="
        + codename
        + "\nID=debian\n";
  }

  /** A Debian 13 (trixie) node, for PostgreSQL 17 as its bundle has it. */
  FakeNode trixie() {
    files.put(Path.of("/etc/os-release"), state(osRelease("13", "trixie"), "rw-r--r--", "root"));
    pgVersion = 17;
    return this;
  }

  /**
   * Debian's cluster {@code <v>/main} as the postgresql package makes it (only the template
   * databases), or, with {@code earlierInstall}, as an earlier version's install left pg-meta: its
   * marker, a database {@code meta}, the unit running.
   */
  FakeNode debianCluster(boolean earlierInstall) {
    Path etc = Path.of("/etc/postgresql", Integer.toString(pgVersion), "main");
    Path data = Path.of("/var/lib/postgresql", Integer.toString(pgVersion), "main");
    files.put(etc.resolve("start.conf"), state("auto\n", "rw-r--r--", "postgres"));
    files.put(
        etc.resolve("postgresql.conf"),
        state(
            "data_directory = '"
                + data
                + "'\t\t# use data in another directory\n"
                + "hba_file = '"
                + etc.resolve("pg_hba.conf")
                + "'\n"
                + "external_pid_file = '/var/run/postgresql/"
                + pgVersion
                + "-main.pid'\n"
                + "port = 5432\t\t\t\t# (change requires restart)\n"
                + "#ssl = off\n"
                + "max_connections = 100\n"
                + "datestyle = 'iso, mdy'\n"
                + "include_dir = 'conf.d'\n",
            "rw-r--r--",
            "postgres"));
    files.put(etc.resolve("pg_hba.conf"), state("# default hba\n", "rw-r-----", "postgres"));
    files.put(
        etc.resolve("pg_ident.conf"),
        state("# MAPNAME SYSTEM-USERNAME PG-USERNAME\n", "rw-r-----", "postgres"));
    files.put(data.resolve("PG_VERSION"), state(pgVersion + "\n", "rw-------", "postgres"));
    dirs.put(data.resolve("base"), 3);
    if (earlierInstall) {
      files.put(
          etc.resolve("pigsty.initdb"),
          state("created by pigsty install\n", "rw-r--r--", "postgres"));
      dirs.put(data.resolve("base"), 4);
      databases.add("meta");
      enabled.add("postgresql@" + pgVersion + "-main");
      active.add("postgresql@" + pgVersion + "-main");
    }
    return this;
  }

  @Override
  public CommandResult run(Command c) throws CommandException {
    List<String> a = c.argv();
    commands.add(c.line());
    String p = a.get(0);
    if (p.endsWith("/bin/postgres") && a.size() == 2 && a.get(1).equals("--describe-config")) {
      // a few lines of postgres --describe-config: name, context, group, type ...
      if (!packages.contains("postgresql-" + pgVersion)) {
        return fail(c, "No such file or directory");
      }
      StringBuilder out = new StringBuilder();
      for (String n : serverSettings) {
        out.append(n).append("\tsuperuser\tReplication\tSTRING\t\n");
      }
      return ok(c, out.toString());
    }
    switch (p) {
      case "dpkg-query":
        return packages.contains(a.get(a.size() - 1))
            ? ok(c, "install ok installed")
            : fail(c, "not installed");
      case "apt-get":
        {
          for (int i = 2; i < a.size(); i++) {
            if (a.get(i).equals("-o")) {
              i++;
            } else if (!a.get(i).startsWith("-")) {
              packages.add(a.get(i));
              if (a.get(i).equals("vip-manager")) {
                // the package enables and starts its plain unit, which fails without settings
                enabled.add("vip-manager.service");
                active.add("vip-manager.service");
              }
              if (a.get(i).equals("nginx")) {
                // nginx-common's default site
                files.put(
                    Path.of("/etc/nginx/sites-enabled/default"),
                    state("server { listen 80 default_server; }\n", "rw-r--r--", "root"));
              }
            }
          }
          return ok(c, "");
        }
      case "systemctl":
        return systemctl(c, a);
      case "nginx":
        return ok(c, "");
      case "pg_dropcluster":
        {
          Path etc = Path.of("/etc/postgresql", a.get(a.size() - 2), "main");
          files.keySet().removeIf(f -> f.startsWith(etc));
          dirs.remove(Path.of("/var/lib/postgresql", a.get(a.size() - 2), "main", "base"));
          active.remove("postgresql@" + pgVersion + "-main");
          return ok(c, "");
        }
      case "pg_isready":
        return active.contains("postgresql@" + pgVersion + "-main")
                || active.contains("patroni@" + pgVersion + "-main.service")
            ? ok(c, "")
            : fail(c, "no response");
      case "install":
        if (a.get(1).equals("-d")) {
          dirs.put(Path.of(a.get(a.size() - 1)), 0);
          return ok(c, "");
        }
        throw new AssertionError("the fake node does not know " + c.line());
      case "haproxy":
        return ok(c, "");
      case "apt-cache":
        // apt-cache show [--no-all-versions] PKG: known when the repository has it
        return aptKnows.contains(a.get(a.size() - 1))
            ? ok(c, "Package: " + a.get(a.size() - 1) + "\n")
            : fail(c, "E: No packages found");
      case "python3":
        if (a.get(a.size() - 1).endsWith("/patroni")) {
          // Patroni's GET /patroni, polled before a restart
          return ok(c, "{\"state\": \"running\", \"pending_restart\": true}\n");
        }
        // Patroni's GET /primary (Installer probes it through the node's python3)
        return active.contains("patroni@" + pgVersion + "-main.service")
                && (leaderIp == null || a.get(a.size() - 1).startsWith("http://" + leaderIp + ":"))
            ? ok(c, "")
            : fail(c, "HTTP Error 503");
      case "patronictl":
        // patronictl -c FILE restart CLUSTER MEMBER --force
        restarts.add(a.get(a.indexOf("restart") + 2));
        pendingRestart.clear();
        return ok(c, "");
      case "runuser":
        return psql(c, a.get(a.indexOf("-d") + 1), c.stdin());
      default:
        throw new AssertionError("the fake node does not know " + c.line());
    }
  }

  private CommandResult systemctl(Command c, List<String> a) {
    String verb = a.get(1);
    String unit = a.size() > 2 ? a.get(2) : "";
    switch (verb) {
      case "is-enabled":
        return enabled.contains(unit) ? ok(c, "enabled") : fail(c, "disabled");
      case "is-active":
        return active.contains(unit) ? ok(c, "active") : fail(c, "inactive");
      case "enable":
        enabled.add(unit);
        return ok(c, "");
      case "start", "restart", "reload":
        active.add(unit);
        return ok(c, "");
      case "stop":
        active.remove(unit);
        return ok(c, "");
      case "disable":
        enabled.remove(unit);
        return ok(c, "");
      case "daemon-reload", "reset-failed":
        return ok(c, "");
      default:
        throw new AssertionError("the fake node does not know " + c.line());
    }
  }

  /**
   * The address whose Patroni answers {@code GET /primary} with 200 while this node's Patroni runs,
   * or null for any (this node's leads once started).
   */
  String leaderIp;

  /** What {@code SELECT pg_is_in_recovery()} answers (a replica under Patroni). */
  boolean inRecovery;

  /**
   * The settings {@code postgres --describe-config} lists (a 2026 minor release has
   * output_plugin_libraries).
   */
  final List<String> serverSettings =
      new ArrayList<>(List.of("shared_preload_libraries", "wal_level", "output_plugin_libraries"));

  /** The members restarted through {@code patronictl restart}, in order. */
  final List<String> restarts = new ArrayList<>();

  /** Settings the server reports {@code pending_restart} for (cleared by a restart). */
  final Set<String> pendingRestart = new TreeSet<>();

  /** Run before each read of the stored secrets (a test's replication lag). */
  Runnable beforeSecretsQuery = () -> {};

  /** The running server's output_plugin_libraries (PostgreSQL's default until ALTER SYSTEM). */
  String outputPluginLibraries = "pgoutput, test_decoding";

  private CommandResult psql(Command c, String db, String sql) {
    if (sql.equals("SHOW output_plugin_libraries;")) {
      return ok(c, outputPluginLibraries + "\n");
    }
    String alter = "ALTER SYSTEM SET output_plugin_libraries = ";
    if (sql.startsWith(alter)) {
      // a list setting: 'a', 'b' is the list a, b; one literal 'a, b' would be one element
      List<String> elements = new ArrayList<>();
      for (String lit : sql.substring(alter.length(), sql.indexOf(";")).split(", ")) {
        if (!lit.startsWith("'") || !lit.endsWith("'")) {
          throw new AssertionError("not a list of literals: " + sql);
        }
        String v = lit.substring(1, lit.length() - 1);
        elements.add(v.contains(",") ? '"' + v + '"' : v);
      }
      outputPluginLibraries = String.join(", ", elements);
      return ok(c, "");
    }
    if (sql.startsWith("SELECT name || '|' || pending_restart FROM pg_settings")) {
      if (!active.contains("patroni@" + pgVersion + "-main.service")) {
        return fail(c, "psql: error: connection to server on socket failed");
      }
      // a few of PostgreSQL 15's settings of context postmaster
      StringBuilder out = new StringBuilder();
      for (String n :
          List.of("max_connections", "shared_buffers", "shared_preload_libraries", "wal_level")) {
        out.append(n).append('|').append(pendingRestart.contains(n) ? 't' : 'f').append('\n');
      }
      return ok(c, out.toString());
    }
    if (sql.equals("SELECT pg_is_in_recovery();")) {
      return ok(c, inRecovery ? "t\n" : "f\n");
    }
    if (sql.equals("SELECT datname FROM pg_database;")) {
      return ok(c, String.join("\n", databases) + "\n");
    }
    if (sql.startsWith("SELECT rolname || '|'")) {
      beforeSecretsQuery.run();
      StringBuilder out = new StringBuilder();
      secrets.forEach(
          (u, s) -> {
            if (sql.contains("'" + u + "'")) {
              out.append(u).append('|').append(s).append('\n');
            }
          });
      return ok(c, out.toString());
    }
    if (sql.startsWith("SET log_statement = 'none';")) {
      Matcher m = PASSWORD.matcher(sql);
      while (m.find()) {
        String pw = m.group(2).replace("''", "'");
        secrets.put(
            m.group(1), pw.startsWith("md5") || pw.startsWith("SCRAM-SHA-256$") ? pw : scram(pw));
      }
      return ok(c, "");
    }
    if (sql.startsWith("CREATE DATABASE ")) {
      databases.add(
          sql.substring(
              "CREATE DATABASE \"".length(), sql.indexOf('"', "CREATE DATABASE \"".length())));
      return ok(c, "");
    }
    boolean dry = sql.startsWith("BEGIN;\n") && sql.endsWith("ROLLBACK;\n");
    String script =
        dry ? sql.substring("BEGIN;\n".length(), sql.length() - "ROLLBACK;\n".length()) : sql;
    String key = db + "\n" + script;
    StringBuilder err = new StringBuilder();
    if (!applied.contains(key)) {
      Matcher m = NOTICE.matcher(script);
      while (m.find()) {
        String text = m.group(1);
        Matcher arg = ARG.matcher(m.group(2));
        while (arg.find() && text.contains("%")) {
          String v = arg.group(1);
          v = v.startsWith("'") ? v.substring(1, v.length() - 1).replace("''", "'") : v;
          text = text.replaceFirst("%", Matcher.quoteReplacement(v));
        }
        err.append("psql:<stdin>:1: NOTICE:  pigsty-change: ").append(text).append('\n');
      }
    }
    if (!dry) {
      applied.add(key);
    }
    return new CommandResult(c, 0, "", err.toString());
  }

  private static String scram(String password) {
    try {
      return Scram.secret(password, "fake-node-salt!!".getBytes(StandardCharsets.UTF_8), 4096);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static State state(String text, String mode, String owner) {
    return new State(text.getBytes(StandardCharsets.UTF_8), mode, owner, owner);
  }

  private static CommandResult ok(Command c, String out) {
    return new CommandResult(c, 0, out, "");
  }

  private static CommandResult fail(Command c, String out) {
    return new CommandResult(c, 1, out, "");
  }

  @Override
  public Optional<State> read(Path path) {
    return Optional.ofNullable(files.get(path));
  }

  @Override
  public boolean exists(Path path) {
    return files.containsKey(path) || dirs.containsKey(path);
  }

  @Override
  public int directories(Path dir) {
    return dirs.getOrDefault(dir, 0);
  }

  @Override
  public void write(Path path, byte[] content, String mode, String owner, String group) {
    files.put(path, new State(content.clone(), mode, owner, group));
  }

  @Override
  public void delete(Path path) {
    files.remove(path);
  }
}
