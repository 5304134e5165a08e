package io.pigsty.builder.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Good and bad {@code pigsty.yml} files shared by the loader test and the command test (which
 * checks that {@code configure -c} and {@code install} give each the same verdict and exit code).
 * Each bad one is the demo inventory with one edit.
 */
public final class InventoryCases {
  /** The demo template's pigsty.yml for the sandbox node. */
  public static final Path DEMO = Path.of("src/test/resources/inventory/demo.yml");

  /**
   * One case.
   *
   * @param name file name
   * @param text the file
   * @param exit the expected exit code (0: loads)
   * @param message a fragment of the expected error, or of a warning for a good file, or empty
   */
  public record Case(String name, String text, int exit, String message) {
    /**
     * @return the same case with its text rewritten
     */
    Case withText(UnaryOperator<String> f) {
      return new Case(name, f.apply(text), exit, message);
    }

    /** Writes the file into {@code dir}. */
    public Path write(Path dir) {
      try {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private InventoryCases() {}

  public static String demo() {
    try {
      return Files.readString(DEMO);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Case edit(String name, String from, String to, int exit, String message) {
    String text = demo();
    assertThat(text).as(name).contains(from);
    return new Case(name + ".yml", text.replace(from, to), exit, message);
  }

  private static String userAttr(String attr) {
    return "{name: dbuser_view, password: DBUser.Viewer, " + attr + ", ";
  }

  private static final String VIEW = "{name: dbuser_view, password: DBUser.Viewer, ";
  private static final String DB = "{name: meta, owner: dbuser_meta, ";

  /**
   * @return every case: good ones first (exit 0), then bad ones (exit 29 or 25)
   */
  public static List<Case> all() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("demo.yml", demo(), 0, ""));
    for (String seed : List.of("seed-pg-meta.yml", "seed-pg-test.yml")) {
      try {
        c.add(new Case(seed, Files.readString(DEMO.resolveSibling(seed)), 0, ""));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    c.add(edit("good-numeric-password", "password: DBUser.Viewer", "password: 123456", 0, ""));
    c.add(edit("good-no-password", "password: DBUser.Viewer, ", "", 0, ""));
    c.add(
        edit(
            "good-scram-password",
            "password: DBUser.Viewer",
            "password: 'SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy'",
            0,
            ""));
    c.add(
        edit(
            "good-every-user-attribute",
            VIEW,
            VIEW
                + "login: true, superuser: false, createdb: true,"
                + " createrole: false, inherit: true, replication: false, bypassrls: false, connlimit: 10,"
                + " expire_at: '2030-12-31', parameters: {search_path: public}, pool_mode: session, pool_connlimit: 5, ",
            0,
            ""));
    c.add(
        edit(
            "good-every-database-attribute",
            DB,
            DB
                + "template: template1, encoding: UTF8, locale: C.UTF-8,"
                + " tablespace: pg_default, allowconn: true, revokeconn: true, connlimit: 50,"
                + " parameters: {work_mem: 64MB}, pgbouncer: true, pool_mode: transaction, pool_size: 20, pool_size_min: 0,"
                + " pool_reserve: 5, pool_connlimit: 100, baseline: files/meta.sql, ",
            0,
            ""));
    c.add(
        edit(
            "good-extension-version",
            "extensions: [{name: postgis}]",
            "extensions: [{name: postgis, schema: public, version: '3.3.2'}, pg_trgm]",
            0,
            ""));
    c.add(
        edit(
            "good-unknown-key-warns",
            "node_tune: tiny\n",
            "node_tune: tiny\n        patroni_mode: pause\n",
            0,
            "all.children.pg-meta.vars.patroni_mode: unknown cluster var"));
    c.add(
        edit("good-version-from-all-vars", "        pg_version: 15\n", "", 0, "")
            .withText(
                t ->
                    t.replace(
                        "  vars:\n    admin_ip", "  vars:\n    pg_version: 15\n    admin_ip")));
    c.add(
        edit(
            "good-pg-parameters",
            "node_tune: tiny\n",
            "node_tune: tiny\n        pg_libraries: 'pg_stat_statements, auto_explain'\n"
                + "        pg_parameters: {log_min_duration_statement: 1000, 'auto_explain.log_min_duration': 1s}\n",
            0,
            ""));

    c.add(
        edit("bad-malformed", "pg_cluster: pg-meta", "pg_cluster: [pg-meta", 29, "malformed YAML"));
    c.add(
        edit(
            "bad-pg-conf",
            "pg_conf: tiny.yml",
            "pg_conf: huge.yml",
            25,
            "demo.yml:10: all.children.pg-meta.vars.pg_conf: unknown tuning template 'huge.yml'"
                .replace("demo.yml", "bad-pg-conf.yml")));
    c.add(
        edit(
            "bad-node-tune",
            "node_tune: tiny",
            "node_tune: turbo",
            25,
            "vars.node_tune: unknown tuning profile 'turbo'"));
    c.add(
        edit(
            "bad-role",
            "pg_role: primary",
            "pg_role: leader",
            29,
            "hosts.10.10.10.10.pg_role: 'leader' is not one of"));
    c.add(
        edit(
            "bad-admin-replica",
            "pg_role: primary",
            "pg_role: replica",
            29,
            "exactly one instance with pg_role: primary"));
    c.add(
        edit(
            "bad-cluster-name",
            "pg_cluster: pg-meta",
            "pg_cluster: PG_Meta",
            29,
            "vars.pg_cluster: 'PG_Meta' must be lower-case"));
    c.add(edit("bad-seq", "pg_seq: 1", "pg_seq: one", 29, "pg_seq: expected a whole number"));
    c.add(
        edit(
            "bad-missing-seq",
            "{pg_seq: 1, pg_role: primary}",
            "{pg_role: primary}",
            29,
            "hosts.10.10.10.10.pg_seq: missing required key"));
    c.add(
        edit(
            "bad-port",
            "pg_port: 5432",
            "pg_port: 70000",
            29,
            "all.vars.pg_port: 70000 is outside 1..65535"));
    c.add(
        edit(
            "bad-port-clash",
            "pgbouncer_port: 6432",
            "pgbouncer_port: 5432",
            29,
            "all.vars.pgbouncer_port: port 5432 is also pg_port"));
    c.add(
        edit(
            "bad-user-name",
            "name: dbuser_view",
            "name: \"bob'; DROP\"",
            29,
            "pg_users[1].name: '"));
    c.add(
        edit(
            "bad-user-bool",
            VIEW,
            userAttr("superuser: yes"),
            29,
            "pg_users[1].superuser: expected true or false"));
    c.add(
        edit(
            "bad-user-connlimit",
            VIEW,
            userAttr("connlimit: -5"),
            29,
            "pg_users[1].connlimit: -5 is outside"));
    c.add(
        edit(
            "bad-user-expire-at",
            VIEW,
            userAttr("expire_at: '2030-02-30'"),
            29,
            "pg_users[1].expire_at: '2030-02-30' is not a calendar date"));
    c.add(
        edit(
            "bad-user-pool-mode",
            VIEW,
            userAttr("pool_mode: bulk"),
            29,
            "pg_users[1].pool_mode: 'bulk' is not one of"));
    c.add(
        edit(
            "bad-user-state-refused",
            VIEW,
            userAttr("state: absent"),
            29,
            "pg_users[1].state: not supported"));
    c.add(
        edit(
            "bad-user-role-name",
            "roles: [dbrole_readonly]",
            "roles: [\"x y\"]",
            29,
            "pg_users[1].roles[0]: 'x y' is not a plain name"));
    c.add(
        edit(
            "bad-user-parameter",
            VIEW,
            userAttr("parameters: {search_path: \"a'b\"}"),
            29,
            "pg_users[1].parameters.search_path: quotes"));
    c.add(
        edit(
            "bad-duplicate-user",
            "name: dbuser_view",
            "name: dbuser_meta",
            29,
            "pg_users[1].name: duplicate user 'dbuser_meta'"));
    c.add(
        edit(
            "bad-password-empty",
            "password: DBUser.Viewer",
            "password: ''",
            29,
            "pg_users[1].password: expected a non-empty string"));
    c.add(
        edit(
            "bad-db-owner",
            "owner: dbuser_meta",
            "owner: \"a-b\"",
            29,
            "pg_databases[0].owner: 'a-b' is not a plain name"));
    c.add(
        edit(
            "bad-db-baseline",
            DB,
            DB + "baseline: ../../etc/shadow.sql, ",
            29,
            "pg_databases[0].baseline: '../../etc/shadow.sql' must be a relative path"));
    c.add(
        edit(
            "bad-db-strategy-refused",
            DB,
            DB + "strategy: FILE_COPY, ",
            29,
            "pg_databases[0].strategy: not supported"));
    c.add(
        edit(
            "bad-db-pool-size",
            DB,
            DB + "pool_size: big, ",
            29,
            "pg_databases[0].pool_size: expected a whole number"));
    c.add(
        edit(
            "good-extension-with-dash",
            "extensions: [{name: postgis}]",
            "extensions: [{name: postgis}, uuid-ossp]",
            0,
            ""));
    c.add(
        edit(
            "bad-extension-name",
            "extensions: [{name: postgis}]",
            "extensions: [{name: \"pg cron\"}]",
            29,
            "pg_databases[0].extensions[0].name: 'pg cron' is not an extension name"));
    c.add(
        edit(
            "bad-extension-schema",
            "extensions: [{name: postgis}]",
            "extensions: [{name: postgis, schema: \"pub lic\"}]",
            29,
            "pg_databases[0].extensions[0].schema: 'pub lic' is not a plain name"));
    c.add(
        edit(
            "bad-hba-trust",
            "auth: scram-sha-256",
            "auth: trust",
            29,
            "pg_hba_rules_extra[0].auth: 'trust' is not allowed"));
    c.add(
        edit(
            "bad-hba-peer-remote",
            "auth: scram-sha-256",
            "auth: peer",
            29,
            "pg_hba_rules_extra[0].auth: 'peer' is for addr: local only"));
    c.add(
        edit(
            "bad-hba-addr",
            "addr: intra",
            "addr: everywhere",
            29,
            "pg_hba_rules_extra[0].addr: 'everywhere' is not a CIDR"));
    c.add(
        edit(
            "bad-duplicate-key",
            "    pg_port: 5432\n",
            "    pg_port: 5432\n    pg_port: 5433\n",
            29,
            "all.vars.pg_port: duplicate key (first at line"));
    c.add(
        edit(
            "bad-no-meta",
            "    meta: {hosts: {10.10.10.10: {meta_node: true}}}\n",
            "",
            29,
            "all.children.meta: missing required group 'meta'"));
    c.add(
        edit(
            "bad-no-cluster-on-admin",
            "hosts: {10.10.10.10: {pg_seq: 1",
            "hosts: {10.10.10.11: {pg_seq: 1",
            29,
            "no group with vars.pg_cluster has the admin node 10.10.10.10"));
    c.add(
        edit(
            "bad-host-not-ip",
            "hosts: {10.10.10.10: {pg_seq: 1",
            "hosts: {db1: {pg_seq: 1",
            29,
            "is not an IPv4 address"));
    c.add(
        edit(
            "bad-version",
            "pg_version: 15",
            "pg_version: fifteen",
            29,
            "vars.pg_version: expected a whole number"));
    c.add(
        edit(
            "bad-no-version",
            "        pg_version: 15\n",
            "",
            29,
            "vars.pg_version: missing required key 'pg_version'"));
    c.add(
        edit(
            "bad-vip",
            "node_tune: tiny\n",
            "node_tune: tiny\n        vip_address: 10.10.10.300\n",
            29,
            "vars.vip_address: '10.10.10.300' is not an IPv4 address"));
    c.add(
        edit(
            "bad-extensions",
            "node_tune: tiny\n",
            "node_tune: tiny\n        pg_extensions: [wal2json, 'pg-cron; x']\n",
            29,
            "vars.pg_extensions[1]: "));
    c.add(
        edit(
            "bad-libraries",
            "node_tune: tiny\n",
            "node_tune: tiny\n        pg_libraries: \"pg_cron'; x\"\n",
            29,
            "vars.pg_libraries: "));
    c.add(
        edit(
            "bad-repo-dir",
            "repo_dir: /www/pigsty",
            "repo_dir: www/../pigsty",
            29,
            "all.vars.repo_dir: 'www/../pigsty' is not a plain absolute path"));
    String meta = "meta: {hosts: {10.10.10.10: {meta_node: true}}}\n";
    c.add(
        edit(
            "good-etcd-three-members",
            meta,
            meta
                + "    etcd:\n      hosts: {10.10.10.10: {etcd_seq: 1}, 10.10.10.11: {etcd_seq: 2},"
                + " 10.10.10.12: {etcd_seq: 3}}\n      vars: {etcd_cluster: etcd}\n",
            0,
            ""));
    c.add(
        edit(
            "bad-etcd-seq-missing",
            meta,
            meta + "    etcd: {hosts: {10.10.10.10: {}}}\n",
            29,
            "all.children.etcd.hosts.10.10.10.10.etcd_seq: missing required key"));
    c.add(
        edit(
            "bad-etcd-seq-duplicate",
            meta,
            meta + "    etcd: {hosts: {10.10.10.10: {etcd_seq: 1}, 10.10.10.11: {etcd_seq: 1}}}\n",
            29,
            "all.children.etcd.hosts.10.10.10.11.etcd_seq: duplicate etcd_seq 1"));
    c.add(
        edit(
            "bad-etcd-cluster-name",
            meta,
            meta + "    etcd: {hosts: {10.10.10.10: {etcd_seq: 1}}, vars: {etcd_cluster: ETCD}}\n",
            29,
            "etcd_cluster: 'ETCD' must be lower-case"));
    c.add(
        edit(
            "bad-vip-cidrmask",
            "node_tune: tiny\n",
            "node_tune: tiny\n        vip_address: 10.10.10.2\n        vip_cidrmask: 40\n",
            29,
            "all.children.pg-meta.vars.vip_cidrmask: 40 is outside 1..32"));
    c.add(
        edit(
            "bad-host-in-two-clusters",
            meta,
            meta
                + "    pg-x:\n      hosts: {10.10.10.10: {pg_seq: 1, pg_role: primary}}\n"
                + "      vars: {pg_cluster: pg-x, pg_version: 15}\n",
            29,
            "pg-meta.hosts.10.10.10.10: host 10.10.10.10 already runs an instance of pg-x (one PostgreSQL instance per node)"));
    return c;
  }
}
