package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.configure.Templates;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node other than the admin node, planned and applied on a fake node (demo4's 10.10.10.11). */
class NodeInstallerTest {
  @TempDir Path tmp;
  final List<String> log = new ArrayList<>();

  /** demo4 with 10.10.10.14 as a second etcd member that holds no PostgreSQL instance. */
  Inventory plainNode() throws Exception {
    Path f = tmp.resolve("plain.yml");
    String y = Templates.render("demo4", "10.10.10.10", 15, true).inventory().toYaml();
    Files.writeString(f, y);
    String from = "etcd: {hosts: {10.10.10.10: {etcd_seq: 1}}";
    assertThat(y).contains(from);
    Files.writeString(
        f,
        y.replace(from, "etcd: {hosts: {10.10.10.10: {etcd_seq: 1}, 10.10.10.14: {etcd_seq: 2}}"));
    Inventory inv = InventoryLoader.load(f, true);
    assertThat(inv.nodes()).contains("10.10.10.14");
    return inv;
  }

  Inventory demo4() throws Exception {
    Path f = tmp.resolve("pigsty.yml");
    Files.writeString(f, Templates.render("demo4", "10.10.10.10", 15, true).inventory().toYaml());
    return InventoryLoader.load(f, true);
  }

  FakeNode withKey() {
    FakeNode node = new FakeNode();
    node.write(NodeInstaller.KEY, new byte[] {1}, "rw-r--r--", "root", "root");
    return node;
  }

  @Test
  void firstApplyMakesTheAdminRepoTheOnlySourceThenThePlanIsEmpty() throws Exception {
    Path root = tmp.resolve("node");
    Files.createDirectories(root.resolve("etc/apt/sources.list.d"));
    Files.writeString(
        root.resolve("etc/apt/sources.list"), "deb http://deb.invalid/ bookworm main\n");
    Files.writeString(root.resolve("etc/apt/sources.list.d/other.sources"), "Types: deb\n");
    FakeNode node = withKey();
    NodeInstaller n =
        new NodeInstaller(plainNode(), "10.10.10.14", root, node, node, log::add, 4L << 30, 2);

    Plan first = n.plan();
    List<String> want =
        List.of(
            "create /etc/apt/sources.list.d/pigsty.sources",
            "move apt source(s) aside: "
                + root.resolve("etc/apt/sources.list")
                + " "
                + root.resolve("etc/apt/sources.list.d/other.sources"),
            "apt-get update (http://10.10.10.10/pigsty/ is the only source)",
            "install 1 package(s): prometheus-node-exporter",
            "create /etc/default/prometheus-node-exporter",
            "enable prometheus-node-exporter",
            "start prometheus-node-exporter");
    assertThat(first.steps()).hasSize(want.size());
    for (int i = 0; i < want.size(); i++) {
      assertThat(first.steps().get(i).describe()).startsWith(want.get(i));
    }

    Installer.Result r = n.apply();
    assertThat(r.changes()).hasSize(7);
    assertThat(new String(node.files.get(NodeInstaller.SOURCE).content(), StandardCharsets.UTF_8))
        .contains("URIs: http://10.10.10.10/pigsty/\n")
        .contains("Suites: ./\n")
        .contains("Signed-By: /etc/pigsty/pigsty.gpg\n")
        .doesNotContain("trusted");
    assertThat(root.resolve("etc/apt/sources.list")).doesNotExist();
    assertThat(root.resolve("etc/apt/pigsty-backup/sources.list")).exists();
    assertThat(node.commands).contains("apt-get update -q -o Dpkg::Use-Pty=0");
    assertThat(node.commands)
        .anyMatch(
            c ->
                c.startsWith("apt-get install -y -q --no-install-recommends ")
                    && c.endsWith(" prometheus-node-exporter"));

    assertThat(n.plan().steps()).as(n.plan().render()).isEmpty();
    assertThat(n.apply().changes()).isEmpty();
  }

  @Test
  void aPgTestPrimaryGetsPatroniHaproxyAndTheVipThenAnEmptyPlan() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("n11"));
    FakeNode node = withKey();
    NodeInstaller n =
        new NodeInstaller(demo4(), "10.10.10.11", root, node, node, log::add, 4L << 30, 2);
    assertThat(n.packages())
        .contains("postgresql-15", "patroni", "haproxy", "vip-manager", "pgbouncer")
        .doesNotContain("nginx", "prometheus", "etcd-server");
    Installer.Result r = n.apply();
    assertThat(r.changes())
        .anyMatch(c -> c.startsWith("create /etc/postgresql-common/createcluster.d/pigsty.conf"))
        .anyMatch(c -> c.startsWith("create /etc/patroni/15-main.yml"))
        .contains("enable patroni@15-main.service", "start patroni@15-main.service")
        .anyMatch(c -> c.startsWith("create /etc/haproxy/haproxy.cfg"))
        .anyMatch(c -> c.startsWith("create /etc/patroni/15-main.vip"))
        .contains("start vip-manager@15-main.service", "created database test")
        .noneMatch(c -> c.contains("nginx") || c.contains("pg_createcluster"));
    NodeFiles.State yml = node.files.get(Path.of("/etc/patroni/15-main.yml"));
    assertThat(yml.mode()).isEqualTo("rw-------");
    assertThat(yml.owner()).isEqualTo("postgres");
    String y = new String(yml.content(), StandardCharsets.UTF_8);
    assertThat(y).contains("scope: 'pg-test'", "name: 'pg-test-1'", "'10.10.10.10:2379'");
    // pg-test has a VIP: bookworm's vip-manager reads etcd's v2 keys only (docs/ha.md)
    assertThat(y).contains("\netcd:\n");
    assertThat(n.plan().steps()).as(n.plan().render()).isEmpty();

    node.inRecovery = true;
    Plan replica = n.plan();
    assertThat(replica.steps()).isEmpty();
    assertThat(replica.notes()).contains("sql: pg-test-1 is a replica; the leader runs it");
  }

  @Test
  void anOfflineMemberIsPlannedWithPigstysTagsWithoutContactingAnyOtherNode() throws Exception {
    FakeNode node = withKey();
    NodeInstaller n =
        new NodeInstaller(
            demo4(),
            "10.10.10.13",
            Files.createDirectories(tmp.resolve("n13")),
            node,
            node,
            log::add,
            4L << 30,
            2);
    Plan p = n.plan();
    assertThat(p.steps()).extracting(Step::describe).contains("start patroni@15-main.service");
    Step.WriteFile yml =
        p.steps().stream()
            .filter(s -> s instanceof Step.WriteFile w && w.path().endsWith("15-main.yml"))
            .map(s -> (Step.WriteFile) s)
            .findFirst()
            .orElseThrow();
    assertThat(new String(yml.content(), StandardCharsets.UTF_8))
        .contains("name: 'pg-test-3'", "nofailover: true", "noloadbalance: true");
    assertThat(node.commands).noneMatch(c -> c.contains("10.10.10.11"));
  }

  @Test
  void aChangedPortIsPlannedAsAFileAndARestart() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("node2"));
    FakeNode node = withKey();
    Inventory inv = plainNode();
    new NodeInstaller(inv, "10.10.10.14", root, node, node, log::add, 4L << 30, 2).apply();
    Path f = tmp.resolve("plain.yml");
    Files.writeString(
        f, Files.readString(f).replace("node_exporter_port: 9100", "node_exporter_port: 9111"));
    NodeInstaller n =
        new NodeInstaller(
            InventoryLoader.load(f, true), "10.10.10.14", root, node, node, log::add, 4L << 30, 2);
    assertThat(n.plan().steps())
        .extracting(Step::describe)
        .containsExactly(n.plan().steps().get(0).describe(), "restart prometheus-node-exporter");
    assertThat(n.plan().steps().get(0).describe())
        .startsWith("write /etc/default/prometheus-node-exporter");
  }

  @Test
  void withoutTheBundleKeyNothingIsPlanned() throws Exception {
    FakeNode node = new FakeNode();
    NodeInstaller n =
        new NodeInstaller(demo4(), "10.10.10.11", tmp, node, node, log::add, 4L << 30, 2);
    assertThatThrownBy(n::plan)
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("/etc/pigsty/pigsty.gpg is missing");
  }

  @Test
  void theAdminNodeAndStrangersAreRefused() throws Exception {
    FakeNode node = withKey();
    Inventory inv = demo4();
    assertThatThrownBy(
            () -> new NodeInstaller(inv, "10.10.10.10", tmp, node, node, log::add, 4L << 30, 2))
        .hasMessageContaining("is the admin node");
    assertThatThrownBy(
            () -> new NodeInstaller(inv, "10.10.10.99", tmp, node, node, log::add, 4L << 30, 2))
        .hasMessageContaining("is not a node of");
  }

  @Test
  void theRepoUrlCarriesANonDefaultNginxPort() throws Exception {
    Path f = tmp.resolve("pigsty.yml");
    demo4();
    Files.writeString(f, Files.readString(f).replace("nginx_port: 80", "nginx_port: 8080"));
    assertThat(NodeInstaller.repoUrl(InventoryLoader.load(f, true)).toString())
        .isEqualTo("http://10.10.10.10:8080/pigsty/");
  }
}
