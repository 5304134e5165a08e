package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.install.HealthCheck.Item;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryLoader;
import io.pigsty.builder.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} of the other nodes over SSH, against a real sshd on 127.0.0.1 ({@link TestSshd}):
 * a script stands in for {@code pigsty status --node} there; 127.0.0.2, where nothing listens, is a
 * node that cannot be reached.
 */
class RemoteStatusTest {
  @TempDir Path tmp;

  @Test
  void run_readsEachNodesItemsFromItsOutputAndNamesTheUnreachableOne() throws Exception {
    Path yml = tmp.resolve("pigsty.yml");
    Files.writeString(
        yml,
        String.join(
            "\n",
            "all:",
            "  children:",
            "    meta: {hosts: {127.0.0.3: {meta_node: true}}}",
            "    pg-meta:",
            "      hosts: {127.0.0.3: {pg_seq: 1, pg_role: primary}}",
            "      vars: {pg_cluster: pg-meta}",
            "    pg-test:",
            "      hosts:",
            "        127.0.0.1: {pg_seq: 1, pg_role: primary}",
            "        127.0.0.2: {pg_seq: 2, pg_role: replica}",
            "      vars: {pg_cluster: pg-test}",
            "  vars: {pg_version: 15}",
            ""));
    Inventory inv = InventoryLoader.load(yml, true);
    Path fake = tmp.resolve("fake-pigsty");
    Files.writeString(
        fake,
        String.join(
            "\n",
            "#!/bin/sh",
            "echo \"health of pg-test-1 on $2 (0.1 s):\"",
            "echo \"  [ OK ] argv: $*\"",
            "echo \"  [ OK ] unit patroni@15-main.service: active\"",
            "echo \"  [FAIL] unit pgbouncer: inactive\"",
            "echo 'health: 1 of 3 checks failed'",
            "echo 'pigsty: 1 health check(s) failed on '$2 >&2",
            "exit 42",
            ""));
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));

    try (TestSshd sshd = TestSshd.start(Files.createDirectories(tmp.resolve("sshd")))) {
      RemoteStatus status =
          new RemoteStatus(
              inv,
              sshd.nodes(tmp.resolve("known_hosts")),
              yml.toString(),
              (host, wait) -> List.of(fake.toString(), "--node", host, "--wait", wait.toString()));
      List<StatusReport.Node> nodes = status.run(List.of("127.0.0.1", "127.0.0.2"), 7);

      assertThat(nodes)
          .extracting(StatusReport.Node::host)
          .containsExactly("127.0.0.1", "127.0.0.2");
      StatusReport.Node one = nodes.get(0);
      assertThat(one.label()).isEqualTo("pg-test-1");
      assertThat(one.items())
          .containsExactly(
              new Item("inventory " + yml, true, "same as pigsty.yml of the admin node"),
              new Item("argv", true, "--node 127.0.0.1 --wait 7"),
              new Item("unit patroni@15-main.service", true, "active"),
              new Item("unit pgbouncer", false, "inactive"));

      StatusReport.Node two = nodes.get(1);
      assertThat(two.label()).isEqualTo("pg-test-2");
      assertThat(two.items())
          .singleElement()
          .satisfies(
              i -> {
                assertThat(i.name()).isEqualTo("ssh");
                assertThat(i.ok()).isFalse();
                assertThat(i.detail())
                    .contains("@127.0.0.2:" + sshd.port())
                    .contains("connection refused");
              });

      StatusReport report = new StatusReport(nodes, List.of(), 1);
      assertThat(report.failureMessage())
          .startsWith("2 health check(s) failed on 127.0.0.1, 127.0.0.2:\n")
          .contains("\n  127.0.0.1: unit pgbouncer: inactive\n")
          .contains("\n  127.0.0.2: ssh: ");
    }
  }

  @Test
  void statusCommand_isStatusNodeWithTheRuntimeAndJarRolloutPutThere() {
    assertThat(RemoteStatus.statusCommand("10.10.10.11", 30))
        .containsExactly(
            "/opt/pigsty/jre/bin/java",
            "-jar",
            "/opt/pigsty/pigsty.jar",
            "status",
            "--node",
            "10.10.10.11",
            "-c",
            "/etc/pigsty/pigsty.yml",
            "--wait",
            "30");
  }
}
