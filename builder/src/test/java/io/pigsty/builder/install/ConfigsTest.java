package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.definition.ExtensionCatalog;
import io.pigsty.builder.definition.OsTable;
import io.pigsty.builder.inventory.InventoryCases;
import io.pigsty.builder.inventory.InventoryLoader;
import io.pigsty.builder.inventory.InventoryLoaderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigsTest {
  static final OsTable.Os D12 = OsTable.bundled().find("d12").orElseThrow();
  static final OsTable.Os D13 = OsTable.bundled().find("d13").orElseThrow();

  @TempDir Path tmp;

  @Test
  void pgHba_networkRulesUseScramAndNoRuleUsesTrust() throws Exception {
    String hba = Configs.pgHba(Target.of(InventoryLoaderTest.demo()));
    for (String line : hba.split("\n")) {
      if (line.startsWith("host")) {
        assertThat(line).endsWith("scram-sha-256");
      }
      assertThat(line.startsWith("#") || !line.contains("trust")).as(line).isTrue();
    }
    assertThat(hba)
        .contains("local   all          postgres")
        .contains("10.0.0.0/8")
        .contains("host    all          +dbrole_readonly   127.0.0.1/32");
    // the extra rule comes after the defaults
    assertThat(hba.indexOf("allow intranet password access"))
        .isGreaterThan(hba.indexOf("offline users"));
  }

  @Test
  void prometheusYml_scrapesEveryExporterWithClusterLabels() throws Exception {
    String y = Configs.prometheusYml(Target.of(InventoryLoaderTest.demo()));
    for (String target :
        new String[] {
          "10.10.10.10:9090",
          "10.10.10.10:9093",
          "10.10.10.10:9100",
          "10.10.10.10:9187",
          "10.10.10.10:9127",
          // Patroni, HAProxy and etcd: pg-meta runs under Patroni too
          "10.10.10.10:8008",
          "10.10.10.10:9101",
          "10.10.10.10:2379"
        }) {
      assertThat(y).contains("targets: ['" + target + "']");
    }
    assertThat(y).contains("{cls: pg-meta, ins: pg-meta-1}").contains("rule_files:");
    assertThat(Configs.alertRules()).contains("alert: InstanceDown").contains("expr: pg_up == 0");
  }

  @Test
  void pgbouncerIni_hasEveryDatabaseAndScramAuth() throws Exception {
    Target inv = Target.of(InventoryLoaderTest.demo());
    assertThat(Configs.pgbouncerIni(inv))
        .contains("meta = host=127.0.0.1 port=5432 dbname=meta")
        .contains("listen_port = 6432")
        .contains("auth_type = scram-sha-256")
        .contains("stats_users = dbuser_monitor");
    assertThat(Configs.pgbouncerUsers(inv))
        .containsExactly("dbuser_meta", "dbuser_view", "dbuser_monitor", "dbuser_dba");
    Map<String, String> s = new LinkedHashMap<>();
    s.put("dbuser_meta", "SCRAM-SHA-256$4096:abc$def:ghi");
    assertThat(Configs.userlist(s))
        .isEqualTo("\"dbuser_meta\" \"SCRAM-SHA-256$4096:abc$def:ghi\"\n");
  }

  @Test
  void homePage_linksEveryService() throws Exception {
    String html = Configs.homePage(Target.of(InventoryLoaderTest.demo()));
    assertThat(html)
        .contains(
            "http://10.10.10.10:9090/",
            "http://10.10.10.10:9093/",
            ":9100/metrics",
            ":9187/metrics",
            ":9127/metrics",
            "href=\"/pigsty/\"",
            "postgres://dbuser_meta@10.10.10.10:6432/meta");
  }

  @Test
  void postgresExporterDefaults_urlEncodesThePassword() throws Exception {
    String d = Configs.postgresExporterDefaults(Target.of(InventoryLoaderTest.demo()));
    assertThat(d)
        .contains("postgresql://dbuser_monitor:DBUser.Monitor@127.0.0.1:5432/postgres")
        .contains("--web.listen-address=:9187");
  }

  @Test
  void packages_includeExportersAndPostgisForMeta() throws Exception {
    assertThat(
            Installer.packages(
                Target.of(InventoryLoaderTest.demo()), ExtensionCatalog.bundled(), D12))
        .contains(
            "postgresql-15",
            "pgbouncer",
            "prometheus-postgres-exporter",
            "prometheus-pgbouncer-exporter",
            "postgresql-15-postgis-3")
        .doesNotHaveDuplicates();
  }

  @Test
  void packages_comeFromTheOneExtensionCatalog() throws Exception {
    Path f = tmp.resolve("pigsty.yml");
    Files.writeString(
        f,
        Files.readString(InventoryCases.DEMO)
            .replace(
                "extensions: [{name: postgis}]",
                "extensions: [{name: postgis_topology}, pg_cron, pg_trgm]"));
    Target t = Target.of(InventoryLoader.load(f, true));
    assertThat(Installer.packages(t, ExtensionCatalog.bundled(), D12))
        .contains("postgresql-15-postgis-3", "postgresql-15-cron")
        .noneMatch(p -> p.contains("trgm"));
    Files.writeString(
        f,
        Files.readString(InventoryCases.DEMO)
            .replace("extensions: [{name: postgis}]", "extensions: [pgvector]"));
    Target v = Target.of(InventoryLoader.load(f, true));
    Assertions.assertThatThrownBy(() -> Installer.packages(v, ExtensionCatalog.bundled(), D12))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("meta.extensions pgvector: not available for d12");
  }

  /** pg_extensions: packages installed whether or not a database creates the extension. */
  @Test
  void packages_ofPgExtensions_anUnknownOneNamed() throws Exception {
    Path f = tmp.resolve("pigsty.yml");
    String demo = Files.readString(InventoryCases.DEMO);
    Files.writeString(
        f,
        demo.replace("node_tune: tiny\n", "node_tune: tiny\n        pg_extensions: [wal2json]\n"));
    Target t = Target.of(InventoryLoader.load(f, true));
    assertThat(t.cluster().extensions()).containsExactly("wal2json");
    assertThat(Installer.packages(t, ExtensionCatalog.bundled(), D12))
        .contains("postgresql-15-wal2json")
        .doesNotHaveDuplicates();
    Files.writeString(
        f, demo.replace("node_tune: tiny\n", "node_tune: tiny\n        pg_extensions: [nosuch]\n"));
    Target u = Target.of(InventoryLoader.load(f, true));
    Assertions.assertThatThrownBy(() -> Installer.packages(u, ExtensionCatalog.bundled(), D12))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("pg_extensions nosuch: not in the extension catalog");
  }

  @Test
  void os_isTheRowOfTheNodesOsRelease() throws Exception {
    FakeNode node = new FakeNode();
    assertThat(Installer.os(node).code()).isEqualTo("d12");
    assertThat(Installer.os(node.trixie()).code()).isEqualTo("d13");
  }

  @Test
  void os_releaseWithoutARowOrNoOsRelease_isAnInstallErrorNamingTheFile() throws Exception {
    FakeNode node = new FakeNode();
    node.write(
        Path.of("/etc/os-release"),
        "ID=ubuntu\nVERSION_ID=\"22.04\"\n".getBytes(),
        "rw-r--r--",
        "root",
        "root");
    Assertions.assertThatThrownBy(() -> Installer.os(node))
        .isInstanceOf(InstallException.class)
        .hasMessage(
            "/etc/os-release: ID=ubuntu VERSION_ID=22.04 is not a release of the node OS table"
                + " (bundles/os.yml: debian 12, debian 13)");
    node.files.remove(Path.of("/etc/os-release"));
    Assertions.assertThatThrownBy(() -> Installer.os(node))
        .isInstanceOf(InstallException.class)
        .hasMessage("/etc/os-release is missing: the node's OS cannot be told");
  }

  @Test
  void packages_ofATrixieNode_arePg17sAndTheEtcdClient() throws Exception {
    Path f = tmp.resolve("pigsty.yml");
    Files.writeString(
        f, Files.readString(InventoryCases.DEMO).replace("pg_version: 15", "pg_version: 17"));
    Target t = Target.of(InventoryLoader.load(f, true));
    assertThat(t.version()).isEqualTo(17);
    assertThat(Installer.packages(t, ExtensionCatalog.bundled(), D13))
        .contains(
            "postgresql-17", "postgresql-client-17", "python3-etcd", "postgresql-17-postgis-3")
        .noneMatch(p -> p.contains("15"));
    // pgvector is in trixie (the catalog's d12: ~ is bookworm's)
    Files.writeString(
        f, Files.readString(f).replace("extensions: [{name: postgis}]", "extensions: [pgvector]"));
    assertThat(
            Installer.packages(
                Target.of(InventoryLoader.load(f, true)), ExtensionCatalog.bundled(), D13))
        .contains("postgresql-17-pgvector");
  }

  @Test
  void pgbouncerExporterGoDefaults_connectionStringAndPortForTrixiesExporter() throws Exception {
    Target t = Target.of(InventoryLoaderTest.demo());
    assertThat(Configs.pgbouncerExporterGoDefaults(t))
        .contains(
            "PGBOUNCER_EXPORTER_CONNECTION_STRING='postgres://dbuser_monitor:DBUser.Monitor@"
                + "127.0.0.1:6432/pgbouncer?sslmode=disable'\n")
        .contains("ARGS='--web.listen-address=:9127'\n");
    assertThat(Configs.pgbouncerExporterGoDropIn()).contains("Restart=on-failure");
  }

  @Test
  void urlEncode_spaceIsPercent20AndQuotesAreEncoded() {
    // a '+' in a URL's user information is a plus sign to Go's net/url, not a space
    assertThat(Configs.urlEncode("a b+c'd@e:f/")).isEqualTo("a%20b%2Bc%27d%40e%3Af%2F");
  }

  @Test
  void pgbouncerExporter_passwordIsInA0600EnvironmentFileNotInTheUnit() throws Exception {
    Target t = Target.of(InventoryLoaderTest.demo());
    assertThat(Configs.pgbouncerExporterDropIn(t))
        .contains("EnvironmentFile=" + Configs.PGBOUNCER_EXPORTER_ENV)
        .doesNotContain("DBUser.Monitor")
        .doesNotContain("Environment=PGPASSWORD");
    assertThat(Configs.pgbouncerExporterEnv(t)).isEqualTo("PGPASSWORD=\"DBUser.Monitor\"\n");
    Path f = tmp.resolve("quoted.yml");
    Files.writeString(
        f,
        Files.readString(InventoryCases.DEMO)
            .replace("pg_monitor_password: DBUser.Monitor", "pg_monitor_password: 'a\"b\\c$d'"));
    assertThat(Configs.pgbouncerExporterEnv(Target.of(InventoryLoader.load(f, true))))
        .isEqualTo("PGPASSWORD=\"a\\\"b\\\\c$d\"\n");
  }

  /** Regression: the pool options came out in Map.of's order, which changes from run to run. */
  @Test
  void pgbouncerIni_poolOptionsInTheirFixedOrder() throws Exception {
    Path f = tmp.resolve("pool.yml");
    Files.writeString(
        f,
        Files.readString(InventoryCases.DEMO)
            .replace(
                "{name: meta, owner: dbuser_meta, ",
                "{name: meta, owner: dbuser_meta, pool_auth_user: dbuser_meta, pool_connlimit: 9, pool_reserve: 2,"
                    + " pool_size_min: 1, pool_size: 7, pool_mode: session, "));
    assertThat(Configs.pgbouncerIni(Target.of(InventoryLoader.load(f, true))))
        .contains(
            "meta = host=127.0.0.1 port=5432 dbname=meta pool_mode=session pool_size=7 min_pool_size=1"
                + " reserve_pool=2 max_db_connections=9 auth_user=dbuser_meta\n");
  }

  /** Regression: without all.vars.admin_ip the infra rule named "null/32", not the admin node. */
  @Test
  void pgHba_infraRuleUsesTheAdminNodeWhenAdminIpIsUnset() throws Exception {
    Path f = tmp.resolve("noadmin.yml");
    Files.writeString(
        f, Files.readString(InventoryCases.DEMO).replace("    admin_ip: 10.10.10.10\n", ""));
    String hba = Configs.pgHba(Target.of(InventoryLoader.load(f, true)));
    assertThat(hba).contains("dbuser_monitor     10.10.10.10/32").doesNotContain("null");
  }
}
