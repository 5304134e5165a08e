package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

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
      Path conf = write(t + ".yml", Templates.render(t, "10.10.10.10", true).inventory().toYaml());
      FakeNode node = new FakeNode();
      Installer i = installer(conf, node);
      Plan first = i.plan();
      assertThat(first.steps()).as(t).first().isInstanceOf(Step.InstallPackages.class);
      assertThat(first.notes()).as(t).isNotEmpty();
      Installer.Result r = i.apply();
      assertThat(r.changes())
          .as(t)
          .contains(
              "create cluster 15/main (pg-meta-1)",
              "created role dbuser_meta",
              "created database meta",
              "enable nginx",
              "start postgresql@15-main");
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
            "write /etc/postgresql/15/main/conf.d/pigsty.conf (rw-r--r-- postgres:postgres, "
                + ((Step.WriteFile) p.steps().get(0)).content().length
                + " bytes)",
            "restart postgresql@15-main",
            "sql in postgres: " + String.join("; ", ((Step.Sql) p.steps().get(2)).changes()));
    assertThat(((Step.Sql) p.steps().get(2)).changes()).contains("comment on role dbuser_view");
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
    Path hba = Path.of("/etc/postgresql/15/main/pg_hba.conf");
    NodeFiles.State h = node.files.get(hba);
    node.files.put(hba, new NodeFiles.State(h.content(), "rw-r--r--", h.owner(), h.group()));
    node.files.put(Path.of("/etc/nginx/sites-enabled/default"), s);
    assertThat(installer(conf, node).plan().steps())
        .extracting(Step::describe)
        .containsExactly(
            "write " + hba + " (rw-r----- postgres:postgres, " + h.content().length + " bytes)",
            "reload postgresql@15-main",
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
}
