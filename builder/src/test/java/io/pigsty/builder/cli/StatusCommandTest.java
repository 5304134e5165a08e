package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.install.HealthCheck.Item;
import io.pigsty.builder.install.HealthException;
import io.pigsty.builder.install.StatusReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pigsty status}: options, exit codes; nothing here reaches beyond 127.0.0.0/8. */
class StatusCommandTest {
  static final String DEMO = "src/test/resources/inventory/demo.yml";

  @TempDir Path tmp;

  @Test
  void print_aFailedItemExits42WithTheMessageNamingNodeAndItem() {
    StatusReport r =
        new StatusReport(
            List.of(
                new StatusReport.Node(
                    "10.10.10.12",
                    "pg-test-2",
                    List.of(new Item("unit patroni@15-main.service", false, "inactive")))),
            List.of(new Item("etcd cluster etcd", true, "1/1 member(s) healthy")),
            1);
    StringWriter out = new StringWriter();
    assertThatThrownBy(() -> StatusCommand.print(r, new PrintWriter(out)))
        .isInstanceOf(HealthException.class)
        .hasMessageContaining("10.10.10.12: unit patroni@15-main.service: inactive")
        .satisfies(e -> assertThat(ExitCode.of(e)).isEqualTo(ExitCode.HEALTH));
    assertThat(out.toString())
        .contains("node 10.10.10.12 (pg-test-2):\n  [FAIL] unit patroni@15-main.service: inactive")
        .endsWith("health: 1 of 2 checks failed\n");
  }

  @Test
  void print_allPassedIsExit0() throws Exception {
    StatusReport r =
        new StatusReport(
            List.of(
                new StatusReport.Node(
                    "10.10.10.10", "pg-meta-1", List.of(new Item("unit nginx", true, "active")))),
            List.of(),
            1);
    StringWriter out = new StringWriter();
    assertThat(StatusCommand.print(r, new PrintWriter(out))).isZero();
    assertThat(out.toString()).endsWith("health: all 1 checks passed\n");
  }

  @Test
  void status_nodeThatIsNotInTheInventoryIsAUsageError() {
    MainTest.Run r = MainTest.run("status", "--node", "10.10.10.99", "-c", DEMO);
    assertThat(r.code()).isEqualTo(ExitCode.USAGE.code);
    assertThat(r.err()).contains("--node 10.10.10.99: not a node of " + DEMO);
  }

  @Test
  void status_limitThatSelectsNothingIsAUsageError() {
    MainTest.Run r = MainTest.run("status", "-l", "pg-nosuch", "-c", DEMO);
    assertThat(r.code()).isEqualTo(ExitCode.USAGE.code);
    assertThat(r.err()).contains("-l pg-nosuch: neither a node, a cluster, 'etcd' nor 'meta'");
  }

  @Test
  void status_helpListsNodeLimitAndWait() {
    MainTest.Run r = MainTest.run("status", "--help");
    assertThat(r.out()).contains("--node=IP", "-l, --limit=CLUSTER|IP", "--wait=SECONDS");
  }

  /**
   * The whole command on a two-node inventory of loopback addresses: the admin node 127.0.0.1 is
   * checked here (nothing of it runs on the build machine), 127.0.0.2 cannot be reached over SSH
   * (no admin key, or nothing listening), and neither Patroni cluster has a leader.
   */
  @Test
  void status_multiNodeExits42NamingEveryFailedNodeAndTheCluster() throws Exception {
    Path yml = tmp.resolve("pigsty.yml");
    Files.writeString(
        yml,
        String.join(
            "\n",
            "all:",
            "  children:",
            "    meta: {hosts: {127.0.0.1: {meta_node: true}}}",
            "    pg-meta:",
            "      hosts: {127.0.0.1: {pg_seq: 1, pg_role: primary}}",
            "      vars: {pg_cluster: pg-meta}",
            "    pg-test:",
            "      hosts: {127.0.0.2: {pg_seq: 1, pg_role: primary}}",
            "      vars: {pg_cluster: pg-test}",
            "  vars: {pg_version: 15}",
            ""));
    MainTest.Run r = MainTest.run("status", "-c", yml.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.HEALTH.code);
    assertThat(r.out())
        .startsWith("health of 2 node(s) (")
        .contains("node 127.0.0.1 (pg-meta-1):\n", "node 127.0.0.2 (pg-test-1):\n  [FAIL] ssh: ")
        // pg-meta runs under Patroni too (issue 13)
        .contains("cluster:\n  [FAIL] patroni pg-meta leader: no member answers GET /cluster: ")
        .contains("\n  [FAIL] patroni pg-test leader: no member answers GET /cluster: ")
        .contains("[FAIL] etcd cluster etcd: 0/1 member(s) healthy");
    assertThat(r.err())
        .contains("health check(s) failed on 127.0.0.1, 127.0.0.2, cluster:")
        .contains("\n  127.0.0.1: unit nginx: ")
        .contains("\n  127.0.0.2: ssh: ")
        .contains("\n  cluster: patroni pg-meta leader: ")
        .contains("\n  cluster: patroni pg-test leader: ");
  }
}
