package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.configure.Templates;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryCases;
import io.pigsty.builder.inventory.InventoryLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plan, then apply, on a fake node: the plan over the state the first apply produced is empty. */
class InstallerPlanTest {
  static final long GIB = 1L << 30;
  @TempDir Path tmp;
  final List<String> log = new ArrayList<>();

  Installer installer(Path conf, FakeNode node) throws Exception {
    Target t = Target.of(InventoryLoader.load(conf, true));
    return new Installer(t, Tuning.of(t.profile(), 4 * GIB, 2), node, node, log::add);
  }

  Path write(String name, String yaml) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void plan_afterTheFirstApplyIsEmpty_forEveryTemplate() throws Exception {
    for (String t : Templates.NAMES) {
      Path conf =
          write(t + ".yml", Templates.render(t, "10.10.10.10", 15, true).inventory().toYaml());
      FakeNode node = new FakeNode();
      Installer i = installer(conf, node);
      Plan first = i.plan();
      Plan packages = i.plan(Installer.Phase.PACKAGES);
      // postgresql-common is told to make no cluster before the package is installed
      assertThat(packages.steps().get(0).describe())
          .as(t)
          .startsWith("create /etc/postgresql-common/createcluster.d/pigsty.conf");
      assertThat(packages.steps().get(1)).as(t).isInstanceOf(Step.InstallPackages.class);
      assertThat(((Step.InstallPackages) packages.steps().get(1)).names())
          .as(t)
          .contains("patroni", "haproxy", "etcd-server");
      assertThat(first.notes()).as(t).isNotEmpty();
      Installer.Result r = i.apply();
      assertThat(r.changes())
          .as(t)
          .contains(
              "enable etcd",
              "enable patroni@15-main.service",
              "start patroni@15-main.service",
              "created role dbuser_meta",
              "created database meta",
              "enable haproxy",
              "enable nginx")
          .noneMatch(c -> c.contains("postgresql@15-main") || c.contains("pg_createcluster"));
      if (t.startsWith("demo")) {
        // with a VIP: the package's plain vip-manager unit, which fails without settings, goes
        assertThat(r.changes())
            .as(t)
            .contains(
                "disable vip-manager.service",
                "stop vip-manager.service",
                "forget vip-manager.service's failure (systemctl reset-failed vip-manager.service)");
      }
      assertThat(log).as(t).contains("  patroni: pg-meta-1 leads pg-meta".strip());
      assertThat(r.changes())
          .as(t)
          .anyMatch(c -> c.startsWith("set password of dbuser_dba, dbuser_monitor"));
      Plan second = i.plan();
      assertThat(second.steps()).as(t + ": " + second.render()).isEmpty();
      assertThat(second.notes()).as(t).isEmpty();
      assertThat(i.apply().changes()).as(t).isEmpty();
    }
  }

  @Test
  void apply_onATrixieNode_pg17UnderPatroniAndTheGoPgbouncerExporter() throws Exception {
    Path conf =
        write("demo.yml", Templates.render("demo", "10.10.10.10", 17, true).inventory().toYaml());
    FakeNode node = new FakeNode().trixie();
    Installer i = installer(conf, node);

    Installer.Result r = i.apply();

    assertThat(r.changes())
        .contains(
            "enable patroni@17-main.service",
            "start patroni@17-main.service",
            "enable vip-manager@17-main.service")
        .noneMatch(c -> c.contains("@15") || c.contains("/15/"));
    assertThat(node.commands)
        .anyMatch(c -> c.contains("apt-get") && c.contains("postgresql-17 "))
        .anyMatch(c -> c.contains("apt-get") && c.contains("python3-etcd"));
    // trixie's exporter is the Go one: its EnvironmentFile holds the connection string, 0600
    NodeFiles.State env =
        node.read(Path.of("/etc/default/prometheus-pgbouncer-exporter")).orElseThrow();
    assertThat(env.mode()).isEqualTo("rw-------");
    assertThat(env.owner()).isEqualTo("root");
    assertThat(new String(env.content(), StandardCharsets.UTF_8))
        .contains("PGBOUNCER_EXPORTER_CONNECTION_STRING='postgres://dbuser_monitor:")
        .contains("ARGS='--web.listen-address=:9127'");
    assertThat(
            new String(
                node.read(
                        Path.of(
                            "/etc/systemd/system/prometheus-pgbouncer-exporter.service.d/pigsty.conf"))
                    .orElseThrow()
                    .content(),
                StandardCharsets.UTF_8))
        .contains("Restart=on-failure")
        .doesNotContain("ExecStart");
    // nothing of bookworm's Python exporter
    assertThat(node.exists(Path.of("/etc/prometheus-pgbouncer-exporter.conf"))).isFalse();
    assertThat(node.exists(Path.of(Configs.PGBOUNCER_EXPORTER_COMPAT))).isFalse();
    assertThat(node.exists(Path.of(Configs.PGBOUNCER_EXPORTER_ENV))).isFalse();
    assertThat(i.plan().steps()).isEmpty();
    assertThat(i.apply().changes()).isEmpty();
  }

  @Test
  void plan_onANodeWhoseReleaseHasNoRow_failsNamingOsRelease() throws Exception {
    Path conf =
        write("demo.yml", Templates.render("demo", "10.10.10.10", 15, true).inventory().toYaml());
    FakeNode node = new FakeNode();
    node.write(
        Path.of("/etc/os-release"),
        "ID=debian\nVERSION_ID=\"11\"\n".getBytes(StandardCharsets.UTF_8),
        "rw-r--r--",
        "root",
        "root");
    assertThatThrownBy(() -> installer(conf, node).plan())
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("ID=debian VERSION_ID=11 is not a release of the node OS table");
  }

  @Test
  void repo_isServedFirst_onTheAdminNodeOfSeveral_andTheOthersStartThere() throws Exception {
    Path conf =
        write("demo4.yml", Templates.render("demo4", "10.10.10.10", 15, true).inventory().toYaml());
    FakeNode node = new FakeNode();
    // ./configure's local source
    node.write(
        Installer.REPO_SOURCE,
        "Types: deb\n".getBytes(StandardCharsets.UTF_8),
        "rw-r--r--",
        "root",
        "root");
    Installer i = installer(conf, node);
    assertThat(i.plan(Installer.Phase.SERVER).steps())
        .extracting(Step::describe)
        .containsExactly("install 2 package(s): nginx etcd-server");
    List<String> repo = i.plan(Installer.Phase.REPO).steps().stream().map(Step::describe).toList();
    assertThat(repo).anyMatch(d -> d.contains("/etc/nginx/conf.d/pigsty.conf"));
    assertThat(repo).contains("enable nginx", "start nginx");
    assertThat(i.plan(Installer.Phase.SERVICES).steps())
        .noneMatch(st -> st.describe().contains("nginx"));

    // the callback comes once nginx runs, before the packages phase installs anything else
    List<String> atCallback = new ArrayList<>();
    i.install(
        false,
        () -> {
          atCallback.addAll(node.commands);
          atCallback.add(node.active.contains("nginx") ? "nginx active" : "nginx inactive");
        });
    assertThat(atCallback).contains("nginx active");
    // the package's default site, planned once the package was there, is gone before the others
    // come
    assertThat(node.exists(Path.of("/etc/nginx/sites-enabled/default"))).isFalse();
    assertThat(atCallback).noneMatch(c -> c.contains("apt-get") && c.contains("patroni"));
    int rest = indexOf(node.commands, c -> c.contains("apt-get") && c.contains("patroni"));
    assertThat(rest).isPositive();
    // etcd runs before the other packages: the other nodes' Patroni waits for it
    assertThat(indexOf(node.commands, c -> c.startsWith("systemctl") && c.contains(" etcd")))
        .isBetween(0, rest);
    assertThat(i.plan().steps()).isEmpty();

    // one node: nothing to serve, nginx comes with the services
    Path one =
        write("demo.yml", Templates.render("demo", "10.10.10.10", 15, true).inventory().toYaml());
    Installer single = installer(one, new FakeNode());
    assertThat(single.plan(Installer.Phase.REPO).steps()).isEmpty();
    assertThat(single.plan(Installer.Phase.SERVER).steps())
        .extracting(Step::describe)
        .containsExactly("install 1 package(s): etcd-server");
    assertThat(single.plan(Installer.Phase.SERVICES).steps())
        .anyMatch(st -> st.describe().equals("enable nginx"));
  }

  @Test
  void plan_changesOnlyWhatTheInventoryChanged() throws Exception {
    String demo = Files.readString(InventoryCases.DEMO);
    FakeNode node = new FakeNode();
    installer(write("pigsty.yml", demo), node).apply();

    Path edited =
        write(
            "pigsty.yml",
            demo.replace("comment: read-only viewer", "comment: viewer")
                .replace("pg_conf: tiny.yml", "pg_conf: oltp.yml"));
    Plan p = installer(edited, node).plan();
    assertThat(p.steps())
        .extracting(Step::describe)
        .containsExactly(
            "write /etc/patroni/15-main.yml (rw------- postgres:postgres, "
                + ((Step.WriteFile) p.steps().get(0)).content().length
                + " bytes)",
            "reload patroni@15-main.service",
            "sql in postgres: " + String.join("; ", ((Step.Sql) p.steps().get(2)).changes()));
    assertThat(((Step.Sql) p.steps().get(2)).changes()).contains("comment on role dbuser_view");
  }

  /** Issue 16: a preload library takes a restart, which Patroni does in place. */
  @Test
  void plan_aNewPreloadLibraryRestartsThroughPatroni_aDcsOnlySettingIsANote() throws Exception {
    String demo = Files.readString(InventoryCases.DEMO);
    FakeNode node = new FakeNode();
    installer(write("pigsty.yml", demo), node).apply();
    assertThat(node.restarts).isEmpty();

    Path edited =
        write(
            "pigsty.yml",
            demo.replace(
                "pg_conf: tiny.yml",
                "pg_conf: tiny.yml\n        pg_libraries: 'pg_stat_statements, auto_explain'"));
    Installer i = installer(edited, node);
    Plan p = i.plan();
    assertThat(p.steps())
        .extracting(Step::describe)
        .contains(
            "reload patroni@15-main.service",
            "restart pg-meta-1 through Patroni (shared_preload_libraries)");
    assertThat(p.notes()).isEmpty();
    i.apply();
    assertThat(node.restarts).containsExactly("pg-meta-1");
    assertThat(i.plan().steps()).isEmpty();

    // a restart an earlier run left undone is done on the next
    node.pendingRestart.add("shared_buffers");
    assertThat(i.plan().steps())
        .extracting(Step::describe)
        .containsExactly("restart pg-meta-1 through Patroni (shared_buffers)");

    // a setting Patroni takes from etcd only: no restart, a note saying how
    node.pendingRestart.clear();
    Path dcs =
        write(
            "pigsty.yml",
            Files.readString(edited)
                .replace(
                    "pg_conf: tiny.yml",
                    "pg_conf: tiny.yml\n        pg_parameters: {max_connections: 321}"));
    Plan q = installer(dcs, node).plan();
    assertThat(q.steps()).noneMatch(st -> st instanceof Step.Restart);
    assertThat(q.notes())
        .singleElement()
        .asString()
        .startsWith("max_connections: Patroni takes this setting from etcd only")
        .contains("patronictl -c /etc/patroni/15-main.yml edit-config");
  }

  /** Issue 16: shared_preload_libraries from pg_libraries, then the catalog's, each once. */
  @Test
  void preload_pgLibrariesThenTheCatalogsForTheExtensionsCreated() throws Exception {
    String demo =
        Files.readString(InventoryCases.DEMO)
            .replace(
                "extensions: [{name: postgis}]",
                "extensions: [{name: postgis}, pg_cron, {name: pgaudit}]");
    FakeNode node = new FakeNode(); // a Debian 12 node
    installer(write("pigsty.yml", demo), node).apply();
    assertThat(text(node, "/etc/patroni/15-main.yml"))
        .contains("shared_preload_libraries: 'pg_stat_statements,pg_cron,pgaudit'");

    Path own =
        write(
            "pigsty.yml",
            demo.replace(
                "pg_conf: tiny.yml",
                "pg_conf: tiny.yml\n        pg_libraries: 'pgaudit, auto_explain'"));
    installer(own, node).apply();
    assertThat(text(node, "/etc/patroni/15-main.yml"))
        .contains("shared_preload_libraries: 'pgaudit,auto_explain,pg_cron'")
        .doesNotContain("pg_stat_statements");
    assertThat(node.restarts).containsExactly("pg-meta-1");
  }

  /** A 2026 minor release refuses an output plugin output_plugin_libraries does not list. */
  @Test
  void outputPlugins_wal2jsonIsAllowedWhereTheServerHasTheSetting() throws Exception {
    String demo = Files.readString(InventoryCases.DEMO);
    FakeNode plain = new FakeNode();
    installer(write("pigsty.yml", demo), plain).apply();
    assertThat(plain.outputPluginLibraries).isEqualTo("pgoutput, test_decoding");

    String w2j =
        demo.replace("pg_conf: tiny.yml", "pg_conf: tiny.yml\n        pg_extensions: [wal2json]");
    FakeNode node = new FakeNode();
    Installer i = installer(write("pigsty.yml", w2j), node);
    assertThat(i.apply().changes())
        .contains(
            "output_plugin_libraries = 'pgoutput, test_decoding, wal2json' (ALTER SYSTEM, reload)");
    assertThat(node.outputPluginLibraries).isEqualTo("pgoutput, test_decoding, wal2json");
    assertThat(node.commands).anyMatch(c -> c.endsWith("/bin/postgres --describe-config"));
    assertThat(i.plan().steps()).isEmpty();
    // Patroni 3.0.2 would drop it from its parameters: it is not there
    assertThat(text(node, "/etc/patroni/15-main.yml")).doesNotContain("output_plugin_libraries");

    // a replica sets it too (the rest of the SQL is the leader's)
    node.inRecovery = true;
    node.outputPluginLibraries = "pgoutput, test_decoding";
    assertThat(i.plan().steps())
        .extracting(Step::describe)
        .containsExactly(
            "sql in postgres: output_plugin_libraries = 'pgoutput, test_decoding, wal2json'"
                + " (ALTER SYSTEM, reload)");

    // a server from before the setting: setting it would fail
    FakeNode older = new FakeNode();
    older.serverSettings.remove("output_plugin_libraries");
    installer(write("pigsty.yml", w2j), older).apply();
    assertThat(older.commands).noneMatch(c -> c.contains("output_plugin_libraries"));
  }

  /** A replica cloned before the leader set the passwords waits for them before the userlist. */
  @Test
  void replica_waitsForTheLeadersPasswordsBeforeWritingThePgbouncerUserlist() throws Exception {
    FakeNode node = new FakeNode();
    Installer i = installer(write("pigsty.yml", Files.readString(InventoryCases.DEMO)), node);
    i.apply();
    Path list = Path.of("/etc/pgbouncer/userlist.txt");
    String secret = node.secrets.get("dbuser_meta");
    assertThat(text(node, list.toString())).contains("\"dbuser_meta\"");

    node.inRecovery = true;
    node.files.remove(list);
    node.secrets.remove("dbuser_meta");
    int[] reads = {0};
    node.beforeSecretsQuery =
        () -> {
          if (++reads[0] == 3) {
            node.secrets.put("dbuser_meta", secret); // replayed from the leader
          }
        };
    Step.WriteFile w =
        i.plan(Installer.Phase.SERVICES).steps().stream()
            .filter(st -> st instanceof Step.WriteFile f && f.path().equals(list))
            .map(Step.WriteFile.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(new String(w.content(), StandardCharsets.UTF_8)).contains("\"dbuser_meta\"");
    assertThat(reads[0]).isEqualTo(3);
    assertThat(log).contains("pgbouncer: waiting for the leader's passwords of [dbuser_meta]");

    // never arriving: after the wait, what is there, said
    node.secrets.remove("dbuser_meta");
    node.beforeSecretsQuery = () -> {};
    i.replicaSecretsWait = java.time.Duration.ZERO;
    i.plan(Installer.Phase.SERVICES);
    assertThat(log)
        .contains("pgbouncer: the passwords of [dbuser_meta] have not reached this replica");
  }

  @Test
  void plan_seesAFileChangedByHandAndAStoppedUnit() throws Exception {
    Path conf = write("pigsty.yml", Files.readString(InventoryCases.DEMO));
    FakeNode node = new FakeNode();
    installer(conf, node).apply();
    Path prom = Path.of("/etc/prometheus/prometheus.yml");
    NodeFiles.State s = node.files.get(prom);
    node.files.put(
        prom,
        new NodeFiles.State(
            "edited\n".getBytes(StandardCharsets.UTF_8), s.mode(), s.owner(), s.group()));
    node.active.remove("pgbouncer");
    Path yml = Path.of("/etc/patroni/15-main.yml");
    NodeFiles.State h = node.files.get(yml);
    node.files.put(yml, new NodeFiles.State(h.content(), "rw-r--r--", h.owner(), h.group()));
    node.files.put(Path.of("/etc/nginx/sites-enabled/default"), s);
    assertThat(installer(conf, node).plan().steps())
        .extracting(Step::describe)
        .containsExactly(
            "write " + yml + " (rw------- postgres:postgres, " + h.content().length + " bytes)",
            "reload patroni@15-main.service",
            "start pgbouncer",
            "write " + prom + " (rw-r--r-- root:root, " + s.content().length + " bytes)",
            "restart prometheus",
            "remove /etc/nginx/sites-enabled/default (pigsty.conf is the default server)",
            "reload nginx");
  }

  @Test
  void plan_preHashedPasswordsAreNotSetAgain() throws Exception {
    String demo =
        Files.readString(InventoryCases.DEMO)
            .replace("password: DBUser.Meta", "password: md5d3d10d8cad606308bdb180148bf663e1")
            .replace(
                "password: DBUser.Viewer",
                "password: 'SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVkS2V5:c2VydmVyS2V5'");
    Path conf = write("pigsty.yml", demo);
    FakeNode node = new FakeNode();
    Installer i = installer(conf, node);
    i.apply();
    assertThat(node.secrets).containsEntry("dbuser_meta", "md5d3d10d8cad606308bdb180148bf663e1");
    assertThat(i.plan().steps()).isEmpty();
    Inventory inv = InventoryLoader.load(conf, true);
    assertThat(Configs.pgHba(Target.of(inv))).contains("md5").doesNotContain("scram-sha-256");
  }

  static String text(FakeNode node, String path) {
    return new String(node.files.get(Path.of(path)).content(), StandardCharsets.UTF_8);
  }

  /** Issue 13: pg-meta of an earlier version ran as Debian's postgresql@15-main. */
  @Test
  void convert_anEarlierInstallsDebianClusterKeepsItsDataUnderPatroni() throws Exception {
    Path conf =
        write("pigsty.yml", Templates.render("demo", "10.10.10.10", 15, true).inventory().toYaml());
    FakeNode node = new FakeNode().debianCluster(true);
    Installer i = installer(conf, node);

    Plan plan = i.plan();
    List<String> steps = plan.steps().stream().map(Step::describe).toList();
    List<String> postgres =
        steps.subList(
            steps.indexOf(
                steps.stream()
                    .filter(d -> d.startsWith("sql in postgres: roles of"))
                    .findFirst()
                    .orElseThrow()),
            steps.indexOf("start patroni@15-main.service") + 1);
    assertThat(postgres).hasSize(10);
    assertThat(postgres.get(0))
        .isEqualTo(
            "sql in postgres: roles of pigsty.yml and the passwords of Patroni's logins"
                + " postgres, replicator, dbuser_dba in Debian's cluster 15/main");
    assertThat(postgres.get(1))
        .startsWith("create /var/lib/postgresql/15/main/postgresql.base.conf");
    assertThat(postgres.get(2)).startsWith("create /var/lib/postgresql/15/main/pg_ident.conf");
    assertThat(postgres.subList(3, 5))
        .containsExactly("stop postgresql@15-main", "disable postgresql@15-main");
    assertThat(postgres.get(5)).startsWith("write /etc/postgresql/15/main/start.conf");
    assertThat(postgres.get(6)).isEqualTo("daemon-reload postgresql@15-main");
    assertThat(postgres.get(7)).startsWith("create /etc/patroni/15-main.yml");
    assertThat(postgres.subList(8, 10))
        .containsExactly("enable patroni@15-main.service", "start patroni@15-main.service");
    assertThat(steps).noneMatch(d -> d.contains("pg_dropcluster"));
    assertThat(plan.steps())
        .filteredOn(st -> st instanceof Step.Sql q && q.describe().contains("Patroni's logins"))
        .singleElement()
        .satisfies(st -> assertThat(((Step.Sql) st).secret()).isTrue());
    assertThat(plan.notes())
        .anyMatch(n -> n.startsWith("postgres: Debian's cluster 15/main holds pg-meta-1's data"));

    Installer.Result r = i.apply();
    assertThat(r.changes()).contains("stop postgresql@15-main", "start patroni@15-main.service");
    assertThat(log)
        .anyMatch(
            l ->
                l.startsWith(
                    "converted: Debian's cluster 15/main now runs under patroni@15-main.service"));
    assertThat(node.active)
        .contains("patroni@15-main.service")
        .doesNotContain("postgresql@15-main");
    assertThat(node.enabled).doesNotContain("postgresql@15-main");
    assertThat(node.databases).contains("meta");
    assertThat(node.secrets).containsKeys("postgres", "replicator", "dbuser_dba");
    assertThat(text(node, "/etc/postgresql/15/main/start.conf"))
        .startsWith(DebianCluster.CONVERTED)
        .endsWith("\ndisabled\n");
    assertThat(text(node, "/var/lib/postgresql/15/main/postgresql.base.conf"))
        .contains("max_connections = 100\n", "datestyle = 'iso, mdy'\n")
        .doesNotContain("data_directory", "hba_file", "external_pid_file", "port =", "include_dir");
    // Patroni runs it from then on: the next plan is empty, the next run changes nothing
    assertThat(i.plan().steps()).as(i.plan().render()).isEmpty();
    assertThat(i.plan().notes()).isEmpty();
    assertThat(i.apply().changes()).isEmpty();
  }

  @Test
  void convert_aStoppedDebianClusterIsStartedForThePatroniLogins() throws Exception {
    Path conf = write("pigsty.yml", Files.readString(InventoryCases.DEMO));
    FakeNode node = new FakeNode().debianCluster(true);
    node.active.remove("postgresql@15-main");
    List<String> steps =
        installer(conf, node).plan(Installer.Phase.POSTGRES).steps().stream()
            .map(Step::describe)
            .toList();
    assertThat(steps.subList(0, 2).toString())
        .startsWith("[start postgresql@15-main, sql in postgres: roles of");
  }

  @Test
  void plan_thePackagesEmptyDebianClusterIsDropped() throws Exception {
    Path conf = write("pigsty.yml", Files.readString(InventoryCases.DEMO));
    FakeNode node = new FakeNode().debianCluster(false);
    Installer i = installer(conf, node);
    assertThat(i.plan(Installer.Phase.POSTGRES).steps())
        .extracting(Step::describe)
        .first()
        .isEqualTo(
            "remove Debian's empty cluster 15/main (Patroni creates its own) (pg_dropcluster --stop 15 main)");
    i.apply();
    assertThat(node.files).doesNotContainKey(Path.of("/etc/postgresql/15/main/start.conf"));
    assertThat(i.plan().steps()).isEmpty();
  }

  @Test
  void convert_isRefusedWhenTheDataIsElsewhereOrOfAnotherMajor() throws Exception {
    Path conf = write("pigsty.yml", Files.readString(InventoryCases.DEMO));
    FakeNode elsewhere = new FakeNode().debianCluster(true);
    Path pgConf = Path.of("/etc/postgresql/15/main/postgresql.conf");
    elsewhere.write(
        pgConf,
        text(elsewhere, pgConf.toString())
            .replace("/var/lib/postgresql/15/main", "/srv/pg15")
            .getBytes(StandardCharsets.UTF_8),
        "rw-r--r--",
        "postgres",
        "postgres");
    assertThatThrownBy(() -> installer(conf, elsewhere).plan())
        .isInstanceOf(InstallException.class)
        .hasMessageContaining(
            pgConf + " keeps the data in /srv/pg15, not in /var/lib/postgresql/15/main")
        .hasMessageContaining("docs/install.md");
    assertThatThrownBy(() -> installer(conf, elsewhere).apply())
        .isInstanceOf(InstallException.class);
    assertThat(elsewhere.active)
        .contains("postgresql@15-main")
        .doesNotContain("patroni@15-main.service");

    FakeNode older = new FakeNode().debianCluster(true);
    older.write(
        Path.of("/var/lib/postgresql/15/main/PG_VERSION"),
        "14\n".getBytes(StandardCharsets.UTF_8),
        "rw-------",
        "postgres",
        "postgres");
    assertThatThrownBy(() -> installer(conf, older).plan())
        .isInstanceOf(InstallException.class)
        .hasMessageContaining(
            "/var/lib/postgresql/15/main/PG_VERSION says PostgreSQL 14, but pigsty.yml and the bundle have PostgreSQL 15");
  }

  private static int indexOf(List<String> l, java.util.function.Predicate<String> p) {
    for (int i = 0; i < l.size(); i++) {
      if (p.test(l.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
