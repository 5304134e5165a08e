package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.install.HealthCheck.Item;
import io.pigsty.builder.install.StatusReport.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report of {@code pigsty status}: merge, text, failures, and reading a node's output back. */
class StatusReportTest {
  static final Item OK_UNIT = new Item("unit pgbouncer", true, "active");
  static final Item BAD_UNIT = new Item("unit patroni@15-main.service", false, "inactive");

  static StatusReport fourNodes() {
    return new StatusReport(
        List.of(
            new Node("10.10.10.10", "pg-meta-1", List.of(OK_UNIT)),
            new Node("10.10.10.11", "pg-test-1", List.of(OK_UNIT)),
            new Node("10.10.10.12", "pg-test-2", List.of(OK_UNIT, BAD_UNIT)),
            new Node(
                "10.10.10.13",
                "pg-test-3",
                List.of(
                    new Item(
                        "ssh",
                        false,
                        "root@10.10.10.13:22: connection refused (is sshd running on port 22?)")))),
        List.of(
            new Item("patroni pg-test leader", true, "pg-test-1 on 10.10.10.11"),
            new Item("etcd cluster etcd", true, "1/1 member(s) healthy")),
        12.34);
  }

  @Test
  void render_multiNode_aSectionPerNodeThenTheClusterThenTheCount() {
    assertThat(fourNodes().render())
        .isEqualTo(
            String.join(
                "\n",
                "health of 4 node(s) (12.3 s):",
                "node 10.10.10.10 (pg-meta-1):",
                "  [ OK ] unit pgbouncer: active",
                "node 10.10.10.11 (pg-test-1):",
                "  [ OK ] unit pgbouncer: active",
                "node 10.10.10.12 (pg-test-2):",
                "  [ OK ] unit pgbouncer: active",
                "  [FAIL] unit patroni@15-main.service: inactive",
                "node 10.10.10.13 (pg-test-3):",
                "  [FAIL] ssh: root@10.10.10.13:22: connection refused (is sshd running on port"
                    + " 22?)",
                "cluster:",
                "  [ OK ] patroni pg-test leader: pg-test-1 on 10.10.10.11",
                "  [ OK ] etcd cluster etcd: 1/1 member(s) healthy",
                "health: 2 of 7 checks failed",
                ""));
  }

  @Test
  void failureMessage_namesEveryFailedNodeAndItem() {
    StatusReport r = fourNodes();
    assertThat(r.ok()).isFalse();
    assertThat(r.failures())
        .containsExactly(
            "10.10.10.12: unit patroni@15-main.service: inactive",
            "10.10.10.13: ssh: root@10.10.10.13:22: connection refused (is sshd running on port"
                + " 22?)");
    assertThat(r.failureMessage())
        .startsWith("2 health check(s) failed on 10.10.10.12, 10.10.10.13:\n")
        .contains("\n  10.10.10.12: unit patroni@15-main.service: inactive");
  }

  @Test
  void failureMessage_namesTheClusterForAClusterItem() {
    StatusReport r =
        new StatusReport(
            List.of(new Node("10.10.10.10", "pg-meta-1", List.of(OK_UNIT))),
            List.of(new Item("patroni pg-test leader", false, "no leader (no member)")),
            1);
    assertThat(r.failureMessage())
        .isEqualTo(
            "1 health check(s) failed on cluster:\n"
                + "  cluster: patroni pg-test leader: no leader (no member)");
  }

  @Test
  void render_singleNodeKeepsTheOneNodeHeaderAndAllPassedLine() {
    StatusReport r =
        StatusReport.single(
            "10.10.10.10", "pg-meta-1", new HealthCheck.Report(List.of(OK_UNIT), 0.25));
    assertThat(r.ok()).isTrue();
    assertThat(r.failureMessage()).isEmpty();
    assertThat(r.render())
        .isEqualTo(
            "health of pg-meta-1 on 10.10.10.10 (0.3 s):\n"
                + "  [ OK ] unit pgbouncer: active\n"
                + "health: all 1 checks passed\n");
  }

  @Test
  void line_keepsEveryItemOnOneLine() {
    assertThat(StatusReport.line(new Item("SELECT 1", false, "psql: error\n  is it running?\n")))
        .isEqualTo("[FAIL] SELECT 1: psql: error | is it running?");
  }

  @Test
  void parseItems_readsBackWhatRenderWrote() {
    StatusReport r = fourNodes();
    List<Item> all =
        r.nodes().stream()
            .flatMap(n -> n.items().stream())
            .collect(java.util.stream.Collectors.toList());
    all.addAll(r.cluster());
    assertThat(StatusReport.parseItems(r.render())).isEqualTo(all);
  }

  @Test
  void fromOutput_aNodeThatFailedReportsItsItems() throws Exception {
    String out = Files.readString(Path.of("src/test/resources/install/status-node.txt"));
    Item inventory = new Item("inventory /etc/pigsty/pigsty.yml", true, "same");
    Node n =
        StatusReport.fromOutput(
            "10.10.10.12", "pg-test-2", List.of(inventory), 42, out, "pigsty: 3 health check(s)");
    assertThat(n.items()).hasSize(8);
    assertThat(n.items().get(0)).isEqualTo(inventory);
    assertThat(n.items())
        .filteredOn(i -> !i.ok())
        .extracting(Item::name)
        .containsExactly(
            "unit pgbouncer", "port 6432 (pgbouncer)", "SELECT 1 via pgbouncer :6432 as test");
    assertThat(n.items().get(4))
        .isEqualTo(
            new Item("port 6432 (pgbouncer)", false, "10.10.10.12:6432: Connection refused"));
    assertThat(n.items().get(7))
        .isEqualTo(new Item("patroni /health :8008", true, "running, replica"));
  }

  @Test
  void fromOutput_aHealthyNodeAddsNothing() {
    Node n =
        StatusReport.fromOutput(
            "10.10.10.11",
            "pg-test-1",
            List.of(),
            0,
            "health of pg-test-1 on 10.10.10.11 (0.9 s):\n  [ OK ] unit haproxy: active\n"
                + "health: all 1 checks passed\n",
            "");
    assertThat(n.ok()).isTrue();
    assertThat(n.items()).containsExactly(new Item("unit haproxy", true, "active"));
  }

  @Test
  void fromOutput_noPigstyOnTheNodeIsAFailedItemWithAHint() {
    Node n =
        StatusReport.fromOutput(
            "10.10.10.13",
            "pg-test-3",
            List.of(),
            127,
            "",
            "sh: 1: /opt/pigsty/jre/bin/java: not found\n");
    assertThat(n.ok()).isFalse();
    assertThat(n.items())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.name()).isEqualTo("pigsty status --node");
              assertThat(i.detail())
                  .isEqualTo(
                      "exit 127: sh: 1: /opt/pigsty/jre/bin/java: not found (no pigsty on the node"
                          + " yet: make install -l 10.10.10.13 puts it there)");
            });
  }

  @Test
  void fromOutput_anOldJarOrABadInventoryIsAFailedItemWithItsFirstErrorLine() {
    Node old =
        StatusReport.fromOutput(
            "10.10.10.13",
            "pg-test-3",
            List.of(),
            2,
            "",
            "pigsty: Unknown option: '--node'\nTry 'pigsty status --help'.\n");
    assertThat(old.items().get(0).detail())
        .startsWith("exit 2: pigsty: Unknown option: '--node' (its pigsty.jar may predate");
    Node bad =
        StatusReport.fromOutput(
            "10.10.10.13",
            "pg-test-3",
            List.of(),
            29,
            "",
            "pigsty: /etc/pigsty/pigsty.yml:3: all.children: no PostgreSQL cluster\n");
    assertThat(bad.items().get(0).detail())
        .isEqualTo(
            "exit 29: pigsty: /etc/pigsty/pigsty.yml:3: all.children: no PostgreSQL cluster");
  }

  @Test
  void fromOutput_exit42WithoutAFailedItemStillFails() {
    Node n =
        StatusReport.fromOutput(
            "10.10.10.11", "pg-test-1", List.of(), 42, "  [ OK ] unit haproxy: active\n", "");
    assertThat(n.ok()).isFalse();
    assertThat(n.items()).hasSize(2);
  }
}
