package io.pigsty.builder.install;

import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.Inventory.HbaRule;
import io.pigsty.builder.inventory.Inventory.PgDatabase;
import io.pigsty.builder.inventory.Inventory.PgUser;
import io.pigsty.builder.inventory.Inventory.Vars;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text of every configuration file {@code pigsty install} writes, rendered from the inventory
 * alone (same inventory, same bytes: what makes a second run change nothing).
 */
public final class Configs {

  /** Private networks of the {@code intra} address alias (RFC 1918). */
  static final List<String> INTRA = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");

  private Configs() {}

  /**
   * pg_hba.conf: the default rules, then {@code pg_hba_rules_extra} in order (first match wins, as
   * in PostgreSQL's pg_hba.conf). Network rules use scram-sha-256 (md5 when a pg_users password is
   * a pre-hashed md5 one: PostgreSQL's md5 method also serves SCRAM secrets, its scram-sha-256
   * method refuses md5 ones; PostgreSQL docs 21.5); only the OS superuser gets {@code peer}, and
   * only over the local socket. No rule uses trust.
   *
   * @param inv the inventory
   * @return file text
   */
  public static String pgHba(Target inv) {
    Vars v = inv.vars();
    List<HbaRule> rules = new ArrayList<>();
    rules.add(
        new HbaRule("postgres", "all", "local", "peer", "common", "dbsu access via local os user"));
    rules.add(
        new HbaRule(
            "postgres",
            "replication",
            "local",
            "peer",
            "common",
            "dbsu replication from local os user"));
    rules.add(
        new HbaRule(
            v.replicationUser(),
            "replication",
            "localhost",
            "scram-sha-256",
            "common",
            "replicator from localhost"));
    rules.add(
        new HbaRule(
            v.replicationUser(),
            "replication",
            "intra",
            "scram-sha-256",
            "common",
            "replicator from intranet"));
    rules.add(
        new HbaRule(
            v.replicationUser(),
            "postgres",
            "intra",
            "scram-sha-256",
            "common",
            "replicator postgres db from intranet"));
    rules.add(
        new HbaRule(
            v.monitorUser(),
            "all",
            "localhost",
            "scram-sha-256",
            "common",
            "monitor from localhost"));
    rules.add(
        new HbaRule(
            v.monitorUser(),
            "all",
            "infra",
            "scram-sha-256",
            "common",
            "monitor from infra (admin) node"));
    rules.add(
        new HbaRule(
            v.adminUser(), "all", "intra", "scram-sha-256", "common", "admin from intranet"));
    rules.add(
        new HbaRule(
            "+dbrole_readonly",
            "all",
            "local",
            "scram-sha-256",
            "common",
            "business users via local socket"));
    rules.add(
        new HbaRule(
            "+dbrole_readonly",
            "all",
            "localhost",
            "scram-sha-256",
            "common",
            "business users from localhost"));
    rules.add(
        new HbaRule(
            "+dbrole_readonly",
            "all",
            "intra",
            "scram-sha-256",
            "common",
            "business users from intranet"));
    rules.add(
        new HbaRule(
            "+dbrole_offline",
            "all",
            "intra",
            "scram-sha-256",
            "common",
            "offline users from intranet"));
    StringBuilder sb =
        new StringBuilder("# written by pigsty install: default rules, then pg_hba_rules_extra\n");
    sb.append("# TYPE  DATABASE  USER  ADDRESS  METHOD\n");
    // a pre-hashed md5 password logs in only under 'md5' (which also serves SCRAM secrets)
    boolean md5 =
        inv.cluster().users().stream().anyMatch(u -> u.password() != null && u.password().isMd5());
    for (HbaRule r : rules) {
      hbaLines(sb, r, inv.inventory().adminIp(), md5);
    }
    for (HbaRule r : inv.hbaRules()) {
      hbaLines(sb, r, inv.inventory().adminIp(), md5);
    }
    return sb.toString();
  }

  /**
   * The lines of one rule; {@code md5} writes {@code md5} for {@code scram-sha-256} (see {@link
   * #pgHba}).
   */
  private static void hbaLines(StringBuilder sb, HbaRule r, String adminIp, boolean md5) {
    String auth = md5 && r.auth().equals("scram-sha-256") ? "md5" : r.auth();
    sb.append("\n# ").append(r.title().isEmpty() ? "extra rule" : r.title()).append('\n');
    List<String> addrs =
        switch (r.addr()) {
          case "local" -> List.of();
          case "localhost" -> List.of("127.0.0.1/32", "::1/128");
          case "admin", "infra" -> List.of(adminIp + "/32");
          case "intra" -> INTRA;
          case "world" -> List.of("0.0.0.0/0", "::/0");
          default -> List.of(r.addr());
        };
    if (addrs.isEmpty()) {
      sb.append(String.format("local   %-12s %-18s %-18s %s%n", r.db(), r.user(), "", auth));
    }
    for (String a : addrs) {
      sb.append(String.format("host    %-12s %-18s %-18s %s%n", r.db(), r.user(), a, auth));
    }
  }

  /**
   * pgbouncer.ini: listens on every address at {@code pgbouncer_port}, SCRAM auth against {@code
   * userlist.txt}, one pool per database of {@code pg_databases}, the monitor user as stats user
   * for the exporter.
   */
  public static String pgbouncerIni(Target inv) {
    Vars v = inv.vars();
    StringBuilder sb = new StringBuilder("; written by pigsty install\n[databases]\n");
    for (PgDatabase d : inv.cluster().databases()) {
      if (!d.pgbouncer()) {
        continue;
      }
      sb.append(d.name())
          .append(" = host=127.0.0.1 port=")
          .append(v.pgPort())
          .append(" dbname=")
          .append(d.name());
      d.pool().forEach((k, x) -> sb.append(' ').append(k).append('=').append(x));
      sb.append('\n');
    }
    StringBuilder users = new StringBuilder();
    for (PgUser u : inv.cluster().users()) {
      if (u.pgbouncer() && (u.poolMode() != null || u.poolConnlimit() >= 0)) {
        users.append(u.name()).append(" =");
        if (u.poolMode() != null) {
          users.append(" pool_mode=").append(u.poolMode());
        }
        if (u.poolConnlimit() >= 0) {
          users.append(" max_user_connections=").append(u.poolConnlimit());
        }
        users.append('\n');
      }
    }
    if (!users.isEmpty()) {
      sb.append("\n[users]\n").append(users);
    }
    sb.append("\n[pgbouncer]\n")
        .append("listen_addr = *\n")
        .append("listen_port = ")
        .append(v.pgbouncerPort())
        .append('\n')
        .append("unix_socket_dir = /var/run/postgresql\n")
        .append("auth_type = scram-sha-256\n")
        .append("auth_file = /etc/pgbouncer/userlist.txt\n")
        .append("admin_users = ")
        .append(v.adminUser())
        .append('\n')
        .append("stats_users = ")
        .append(v.monitorUser())
        .append('\n')
        .append("pool_mode = transaction\n")
        .append("max_client_conn = 1000\n")
        .append("default_pool_size = 20\n")
        .append("ignore_startup_parameters = extra_float_digits\n")
        .append("logfile = /var/log/postgresql/pgbouncer.log\n")
        .append("pidfile = /var/run/postgresql/pgbouncer.pid\n");
    return sb.toString();
  }

  /**
   * @return the users pgbouncer accepts: {@code pgbouncer: true} users, the monitor and admin users
   */
  public static List<String> pgbouncerUsers(Target inv) {
    List<String> out = new ArrayList<>();
    for (PgUser u : inv.cluster().users()) {
      if (u.pgbouncer()) {
        out.add(u.name());
      }
    }
    out.add(inv.vars().monitorUser());
    out.add(inv.vars().adminUser());
    return out;
  }

  /**
   * userlist.txt from the SCRAM secrets PostgreSQL stores (pgbouncer then also logs in to the
   * server with them: SCRAM pass-through, pgbouncer 1.14+).
   *
   * @param secrets user name to {@code SCRAM-SHA-256$...} secret, in the order to write
   */
  public static String userlist(Map<String, String> secrets) {
    StringBuilder sb = new StringBuilder();
    secrets.forEach(
        (u, s) -> {
          if (!s.isEmpty()) { // a user without a password cannot log in through pgbouncer
            sb.append('"').append(u).append("\" \"").append(s).append("\"\n");
          }
        });
    return sb.toString();
  }

  /** /etc/default/prometheus-postgres-exporter: DSN of the monitor user, listen port. */
  public static String postgresExporterDefaults(Target inv) {
    Vars v = inv.vars();
    return "# written by pigsty install\n"
        + "DATA_SOURCE_NAME='postgresql://"
        + v.monitorUser()
        + ":"
        + urlEncode(v.monitorPassword().text())
        + "@127.0.0.1:"
        + v.pgPort()
        + "/postgres?sslmode=disable'\n"
        + "ARGS=\"--web.listen-address=:"
        + v.pgExporterPort()
        + "\"\n";
  }

  /**
   * /etc/prometheus-pgbouncer-exporter.conf: metrics port, pgbouncer over TCP as the monitor user.
   */
  public static String pgbouncerExporterConf(Target inv) {
    Vars v = inv.vars();
    return "# written by pigsty install\n"
        + "host = 0.0.0.0\n"
        + "port = "
        + v.pgbouncerExporterPort()
        + "\n"
        + "pgbouncer-port = "
        + v.pgbouncerPort()
        + "\n"
        + "pgbouncer-user = "
        + v.monitorUser()
        + "\n"
        + "pgbouncer-host = 127.0.0.1\n";
  }

  /** Where {@link #pgbouncerExporterCompat()} is written. */
  public static final String PGBOUNCER_EXPORTER_COMPAT =
      "/usr/local/lib/pigsty/pgbouncer_exporter_compat.py";

  /**
   * systemd drop-in for the pgbouncer exporter: the monitor password (libpq PGPASSWORD) and the
   * exporter started through {@link #pgbouncerExporterCompat()}.
   */
  public static String pgbouncerExporterDropIn(Target inv) {
    return "# written by pigsty install: the monitor password is in "
        + PGBOUNCER_EXPORTER_ENV
        + " (0600), never in Environment=\n[Service]\nEnvironmentFile="
        + PGBOUNCER_EXPORTER_ENV
        + "\n"
        + "ExecStart=\nExecStart=/usr/bin/python3 "
        + PGBOUNCER_EXPORTER_COMPAT
        + "\n"
        // it exits when its first connection fails: on a replica the monitor role may not have
        // arrived from the leader yet (seen in make demo4)
        + "Restart=on-failure\nRestartSec=5s\n";
  }

  /** The 0600 environment file holding the pgbouncer exporter's password. */
  public static final String PGBOUNCER_EXPORTER_ENV = "/etc/pigsty/pgbouncer-exporter.env";

  /**
   * The pgbouncer exporter's {@code PGPASSWORD}, as an {@code EnvironmentFile=} line: double quotes
   * with {@code \\} and {@code "} escaped (systemd.exec(5), EnvironmentFile=; no variable expansion
   * happens there). The inventory has refused control characters in passwords.
   */
  public static String pgbouncerExporterEnv(Target inv) {
    String pw = inv.vars().monitorPassword().text().replace("\\", "\\\\").replace("\"", "\\\"");
    return "PGPASSWORD=\"" + pw + "\"\n";
  }

  /**
   * A launcher for bookworm's prometheus-pgbouncer-exporter 1.7, which reads SHOW STATS columns
   * that pgbouncer 1.8 renamed ({@code total_requests}, ...) and so dies with {@code KeyError:
   * 'total_requests'} against bookworm's pgbouncer 1.18. Missing columns are reported as NaN
   * instead; every other metric is the exporter's own.
   */
  public static String pgbouncerExporterCompat() {
    return "# written by pigsty install: bookworm's prometheus-pgbouncer-exporter 1.7 reads SHOW STATS\n"
        + "# columns pgbouncer 1.8 renamed (total_requests ...); report those as NaN instead of dying.\n"
        + "import math\n"
        + "from prometheus_pgbouncer_exporter import cli, collectors\n\n"
        + "_rows = collectors.get_data_by_named_column\n\n\n"
        + "class _Row(dict):\n    def __missing__(self, key):\n        return math.nan\n\n\n"
        + "def _compatible_rows(connection, key):\n    return [_Row(r) for r in _rows(connection, key)]\n\n\n"
        + "collectors.get_data_by_named_column = _compatible_rows\n"
        + "cli.main()\n";
  }

  /**
   * The EnvironmentFile of trixie's prometheus-pgbouncer-exporter, prometheus-community's
   * pgbouncer_exporter 0.10 ({@code /etc/default/prometheus-pgbouncer-exporter}, which its unit
   * reads before running {@code prometheus-pgbouncer-exporter $ARGS}): the connection string to
   * pgbouncer's admin console as the monitor user (its {@code --pgBouncer.connectionString}, read
   * from {@code PGBOUNCER_EXPORTER_CONNECTION_STRING}; the password URL-encoded, so the file is
   * written 0600 root) and the metrics port ({@code --web.listen-address}). Values in single
   * quotes, as the package's file has them: the inventory refuses control characters and the
   * encoded password has no quote.
   */
  public static String pgbouncerExporterGoDefaults(Target inv) {
    Vars v = inv.vars();
    return "# written by pigsty install: pgbouncer_exporter (Go) reads pgbouncer's admin console\n"
        + "PGBOUNCER_EXPORTER_CONNECTION_STRING='postgres://"
        + urlEncode(v.monitorUser())
        + ":"
        + urlEncode(v.monitorPassword().text())
        + "@127.0.0.1:"
        + v.pgbouncerPort()
        + "/pgbouncer?sslmode=disable'\n"
        + "ARGS='--web.listen-address=:"
        + v.pgbouncerExporterPort()
        + "'\n";
  }

  /**
   * systemd drop-in for the Go pgbouncer exporter: restart it when it exits. It exits when its
   * first connection fails (on a replica the monitor role may not have arrived from the leader yet,
   * as with the Python one), and trixie's unit has no {@code Restart=}.
   */
  public static String pgbouncerExporterGoDropIn() {
    return "# written by pigsty install: it exits when pgbouncer refuses its first login\n"
        + "[Service]\nRestart=on-failure\nRestartSec=5s\n";
  }

  /** /etc/default/prometheus-alertmanager: single node (no cluster gossip), listen port. */
  public static String alertmanagerDefaults(Target inv) {
    return "# written by pigsty install\nARGS=\"--cluster.listen-address= --web.listen-address=:"
        + inv.vars().alertmanagerPort()
        + "\"\n";
  }

  /** /etc/default/prometheus: listen port. */
  public static String prometheusDefaults(Target inv) {
    return "# written by pigsty install\nARGS=\"--web.listen-address=:"
        + inv.vars().prometheusPort()
        + "\"\n";
  }

  /** /etc/default/prometheus-node-exporter: listen port. */
  public static String nodeExporterDefaults(Target inv) {
    return nodeExporterDefaults(inv.vars());
  }

  /** /etc/default/prometheus-node-exporter of any node: listen on {@code node_exporter_port}. */
  public static String nodeExporterDefaults(Vars v) {
    return "# written by pigsty install\nARGS=\"--web.listen-address=:"
        + v.nodeExporterPort()
        + "\"\n";
  }

  /** /etc/prometheus/alertmanager.yml: one route to a receiver with no integrations. */
  public static String alertmanagerYml() {
    return "# written by pigsty install\n"
        + "route:\n  receiver: default\n  group_by: [alertname, cls, ins]\n"
        + "receivers:\n  - name: default\n";
  }

  /**
   * /etc/prometheus/prometheus.yml: scrapes itself, alertmanager, node_exporter, the PostgreSQL and
   * pgbouncer exporters, Patroni and HAProxy of every instance and every etcd member (labels {@code
   * cls}, {@code ins}); sends alerts to alertmanager; loads {@link #alertRules()}.
   */
  public static String prometheusYml(Target inv) {
    Vars v = inv.vars();
    String ip = inv.metaIp();
    String cls = inv.cluster().name();
    String ins = inv.instanceName();
    return "# written by pigsty install\n"
        + "global:\n  scrape_interval: 10s\n  evaluation_interval: 10s\n"
        + "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['"
        + ip
        + ":"
        + v.alertmanagerPort()
        + "']\n"
        + "rule_files:\n  - /etc/prometheus/rules/pigsty.yml\n"
        + "scrape_configs:\n"
        + job("prometheus", ip, v.prometheusPort(), "infra", ip)
        + job("alertmanager", ip, v.alertmanagerPort(), "infra", ip)
        + (inv.inventory().nodes().size() == 1
            ? job("node", ip, v.nodeExporterPort(), "infra", ip)
                + job("pgsql", ip, v.pgExporterPort(), cls, ins)
                + job("pgbouncer", ip, v.pgbouncerExporterPort(), cls, ins)
            : nodeJobs(inv))
        + haJobs(inv.inventory());
  }

  /**
   * The jobs of a multi-node inventory: node_exporter on every node (labelled with the instance it
   * holds, else {@code cls: infra}/{@code etcd}), the PostgreSQL and pgbouncer exporters of every
   * instance (HaConfigs' job format).
   */
  static String nodeJobs(Target inv) {
    Inventory all = inv.inventory();
    Vars v = all.vars();
    List<HaConfigs.ScrapeTarget> pg = HaConfigs.scrapeTargets(all);
    List<HaConfigs.ScrapeTarget> nodes = new ArrayList<>();
    for (String n : all.nodes()) {
      Optional<HaConfigs.ScrapeTarget> held = pg.stream().filter(t -> t.ip().equals(n)).findFirst();
      Optional<Inventory.EtcdMember> member = all.etcd().member(n);
      nodes.add(
          held.orElseGet(
              () ->
                  member.isPresent()
                      ? new HaConfigs.ScrapeTarget("etcd", all.etcd().name(member.get()), n)
                      : new HaConfigs.ScrapeTarget("infra", "infra-" + n.replace('.', '-'), n)));
    }
    return HaConfigs.job("node", nodes, v.nodeExporterPort())
        + HaConfigs.job("pgsql", pg, v.pgExporterPort())
        + HaConfigs.job("pgbouncer", pg, v.pgbouncerExporterPort());
  }

  /**
   * Patroni ({@code /metrics} on 8008) and HAProxy ({@code /metrics} on its stats port) of every
   * instance, all under Patroni, and every etcd member (HaConfigs' job format).
   */
  static String haJobs(Inventory all) {
    Vars v = all.vars();
    List<HaConfigs.ScrapeTarget> pg = HaConfigs.scrapeTargets(all);
    List<HaConfigs.ScrapeTarget> etcd =
        Dcs.members(all).stream()
            .map(m -> new HaConfigs.ScrapeTarget("etcd", m.name(), m.ip()))
            .toList();
    return HaConfigs.job("patroni", pg, HaConfigs.PATRONI_PORT)
        + HaConfigs.job(
            "haproxy", pg, HaConfigs.HaproxyPorts.of(v.pgPort(), v.pgbouncerPort()).admin())
        + HaConfigs.job("etcd", etcd, HaConfigs.ETCD_CLIENT_PORT);
  }

  private static String job(String name, String ip, int port, String cls, String ins) {
    return "  - job_name: "
        + name
        + "\n    static_configs:\n      - targets: ['"
        + ip
        + ":"
        + port
        + "']\n"
        + "        labels: {cls: "
        + cls
        + ", ins: "
        + ins
        + "}\n";
  }

  /** /etc/prometheus/rules/pigsty.yml: instance down, PostgreSQL down. */
  public static String alertRules() {
    return "# written by pigsty install\n"
        + "groups:\n  - name: pigsty\n    rules:\n"
        + "      - alert: InstanceDown\n        expr: up == 0\n        for: 1m\n"
        + "        labels: {severity: critical}\n"
        + "        annotations: {summary: '{{ $labels.job }} target {{ $labels.instance }} is down'}\n"
        + "      - alert: PostgresDown\n        expr: pg_up == 0\n        for: 1m\n"
        + "        labels: {severity: critical}\n"
        + "        annotations: {summary: 'PostgreSQL {{ $labels.ins }} is down'}\n";
  }

  /** /etc/nginx/conf.d/pigsty.conf: serves /www on nginx_port, the repo with an index. */
  public static String nginxConf(Target inv) {
    return "# written by pigsty install\n"
        + "server {\n"
        + "    listen "
        + inv.vars().nginxPort()
        + " default_server;\n"
        + "    server_name _;\n"
        + "    root /www;\n"
        + "    index index.html;\n"
        + "    location /pigsty/ { autoindex on; }\n"
        + "    location / { try_files $uri $uri/ =404; }\n"
        + "}\n";
  }

  /** /www/index.html: a link to every service and how to connect. */
  public static String homePage(Target inv) {
    Vars v = inv.vars();
    String ip = inv.metaIp();
    StringBuilder sb =
        new StringBuilder(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                + "<title>Pigsty</title></head>\n<body>\n<h1>Pigsty on "
                + ip
                + "</h1>\n<ul>\n");
    String[][] links = {
      {"http://" + ip + ":" + v.prometheusPort() + "/", "Prometheus"},
      {"http://" + ip + ":" + v.prometheusPort() + "/alerts", "Prometheus alert rules"},
      {"http://" + ip + ":" + v.alertmanagerPort() + "/", "Alertmanager"},
      {"http://" + ip + ":" + v.nodeExporterPort() + "/metrics", "node_exporter metrics"},
      {"http://" + ip + ":" + v.pgExporterPort() + "/metrics", "PostgreSQL exporter metrics"},
      {"http://" + ip + ":" + v.pgbouncerExporterPort() + "/metrics", "pgbouncer exporter metrics"},
      {"/pigsty/", "Local APT repository"},
    };
    for (String[] l : links) {
      sb.append("<li><a href=\"").append(l[0]).append("\">").append(l[1]).append("</a></li>\n");
    }
    sb.append("</ul>\n<h2>PostgreSQL ").append(inv.instanceName()).append("</h2>\n<pre>\n");
    for (PgDatabase d : inv.cluster().databases()) {
      sb.append("psql postgres://")
          .append(d.owner())
          .append("@")
          .append(ip)
          .append(':')
          .append(v.pgPort())
          .append('/')
          .append(d.name())
          .append("    # direct\n");
      sb.append("psql postgres://")
          .append(d.owner())
          .append("@")
          .append(ip)
          .append(':')
          .append(v.pgbouncerPort())
          .append('/')
          .append(d.name())
          .append("    # through pgbouncer\n");
    }
    sb.append("</pre>\n</body></html>\n");
    return sb.toString();
  }

  /**
   * Percent-encoding for the user information of a connection URL (RFC 3986, 3.2.1): every octet
   * but the unreserved ones encoded, and a space as {@code %20}: {@link URLEncoder} writes {@code
   * +} (HTML forms' rule), which the exporters' URL parser (Go's net/url) keeps as a plus sign.
   */
  static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
