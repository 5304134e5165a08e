package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.configure.Templates;
import io.pigsty.builder.definition.OsTable;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryLoader;
import io.pigsty.builder.inventory.InventoryLoaderTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthCheckTest {
  static final OsTable.Os D12 = ConfigsTest.D12;

  @TempDir Path tmp;

  @Test
  void parseTargets_onlyUpTargetsPassAndErrorsAreKept() throws Exception {
    String json = Files.readString(Path.of("src/test/resources/install/targets.json"));
    List<HealthCheck.Item> items = HealthCheck.parseTargets(json, "t.json");
    assertThat(items).hasSize(3);
    assertThat(items).extracting(HealthCheck.Item::ok).containsExactly(true, false, false);
    assertThat(items.get(1).name()).isEqualTo("target pgsql http://10.10.10.10:9187/metrics");
    assertThat(items.get(1).detail()).startsWith("down: ").contains("connection refused");
    assertThat(items.get(2).detail()).isEqualTo("unknown");
  }

  @Test
  void parseTargets_errorAnswerOrNoTargetFails() {
    assertThat(HealthCheck.parseTargets("{\"status\":\"error\"}", "u"))
        .singleElement()
        .satisfies(i -> assertThat(i.ok()).isFalse());
    assertThat(
            HealthCheck.parseTargets(
                "{\"status\":\"success\",\"data\":{\"activeTargets\":[]}}", "u"))
        .singleElement()
        .satisfies(i -> assertThat(i.detail()).contains("no active target"));
    assertThat(HealthCheck.parseTargets("not json", "u"))
        .singleElement()
        .satisfies(i -> assertThat(i.ok()).isFalse());
  }

  @Test
  void report_failuresListsOnlyFailedItems() {
    HealthCheck.Report r =
        new HealthCheck.Report(
            List.of(new HealthCheck.Item("a", true, "x"), new HealthCheck.Item("b", false, "y")),
            0.1);
    assertThat(r.ok()).isFalse();
    assertThat(r.failures()).extracting(HealthCheck.Item::name).containsExactly("b");
  }

  @Test
  void unitsAndPorts_coverEveryServiceOfTheMetaNode() throws Exception {
    Target inv = Target.of(InventoryLoaderTest.demo());
    assertThat(HealthCheck.units(inv, D12))
        .doesNotContain("postgresql@15-main", "vip-manager@15-main.service")
        .contains(
            "etcd",
            "patroni@15-main.service",
            "haproxy",
            "pgbouncer",
            "nginx",
            "prometheus",
            "prometheus-alertmanager",
            "prometheus-node-exporter",
            "prometheus-postgres-exporter",
            "prometheus-pgbouncer-exporter");
    assertThat(HealthCheck.ports(inv))
        .containsKeys(
            80, 9090, 9093, 9100, 5432, 6432, 9187, 9127, 8008, 5433, 5434, 5436, 5438, 9101, 2379);
  }

  @Test
  void units_ofATrixieNodeAreNamedByItsRowForPg17() throws Exception {
    Path f = tmp.resolve("pigsty.yml");
    Files.writeString(f, Templates.render("demo", "10.10.10.10", 17, true).inventory().toYaml());
    assertThat(HealthCheck.units(Target.of(InventoryLoader.load(f, true)), ConfigsTest.D13))
        .contains("patroni@17-main.service", "vip-manager@17-main.service", "etcd")
        .noneMatch(u -> u.contains("15"));
  }

  @Test
  void units_theDemoTemplatesVipAddsVipManager() throws Exception {
    Path f = tmp.resolve("pigsty.yml");
    Files.writeString(f, Templates.render("demo", "10.10.10.10", 15, true).inventory().toYaml());
    assertThat(HealthCheck.units(Target.of(InventoryLoader.load(f, true)), D12))
        .contains("vip-manager@15-main.service");
  }

  /** demo4 (admin 10.10.10.10 with etcd-1, pg-test on .11-.13), plus .14 as a bare etcd member. */
  Inventory demo4() throws Exception {
    String y = Templates.render("demo4", "10.10.10.10", 15, true).inventory().toYaml();
    String from = "etcd: {hosts: {10.10.10.10: {etcd_seq: 1}}";
    assertThat(y).contains(from);
    Path f = tmp.resolve("pigsty.yml");
    Files.writeString(
        f,
        y.replace(from, "etcd: {hosts: {10.10.10.10: {etcd_seq: 1}, 10.10.10.14: {etcd_seq: 2}}"));
    return InventoryLoader.load(f, true);
  }

  @Test
  void unitsAndPorts_ofTheAdminNodeOfAMultiNodeInventoryAddItsEtcdMember() throws Exception {
    Inventory inv = demo4();
    assertThat(HealthCheck.units(inv, "10.10.10.10", D12))
        .containsExactly(
            "etcd",
            "patroni@15-main.service",
            "pgbouncer",
            "prometheus-postgres-exporter",
            "prometheus-pgbouncer-exporter",
            "prometheus-node-exporter",
            "haproxy",
            "vip-manager@15-main.service",
            "prometheus-alertmanager",
            "prometheus",
            "nginx");
    assertThat(HealthCheck.units(Target.of(inv), D12))
        .isEqualTo(HealthCheck.units(inv, "10.10.10.10", D12));
    assertThat(HealthCheck.ports(inv, "10.10.10.10").keySet())
        .containsExactly(
            80, 9090, 9093, 9100, 5432, 6432, 9187, 9127, 8008, 5433, 5434, 5436, 5438, 9101, 2379,
            2380);
    assertThat(HealthCheck.label(inv, "10.10.10.10")).isEqualTo("pg-meta-1");
  }

  @Test
  void unitsAndPorts_ofAPatroniNodeArePatroniHaproxyAndTheVipButNoInfra() throws Exception {
    Inventory inv = demo4();
    for (String ip : List.of("10.10.10.11", "10.10.10.12", "10.10.10.13")) {
      assertThat(HealthCheck.units(inv, ip, D12))
          .as(ip)
          .containsExactly(
              "patroni@15-main.service",
              "pgbouncer",
              "prometheus-postgres-exporter",
              "prometheus-pgbouncer-exporter",
              "prometheus-node-exporter",
              "haproxy",
              "vip-manager@15-main.service");
      assertThat(HealthCheck.ports(inv, ip))
          .as(ip)
          .containsOnlyKeys(9100, 5432, 6432, 9187, 9127, 8008, 5433, 5434, 5436, 5438, 9101)
          .containsEntry(8008, "patroni")
          .containsEntry(9101, "haproxy stats");
    }
    assertThat(HealthCheck.label(inv, "10.10.10.12")).isEqualTo("pg-test-2");
  }

  @Test
  void unitsAndPorts_ofANodeWithoutInstanceAreItsEtcdMemberAndNodeExporter() throws Exception {
    Inventory inv = demo4();
    assertThat(HealthCheck.units(inv, "10.10.10.14", D12))
        .containsExactly("etcd", "prometheus-node-exporter");
    assertThat(HealthCheck.ports(inv, "10.10.10.14").keySet()).containsExactly(9100, 2379, 2380);
    assertThat(HealthCheck.label(inv, "10.10.10.14")).isEqualTo("etcd-2");
  }

  @Test
  void constructor_refusesAnAddressThatIsNoNode() throws Exception {
    Inventory inv = demo4();
    assertThatThrownBy(() -> new HealthCheck(inv, "10.10.10.99", D12, c -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10.10.10.99 is not a node of");
  }

  @Test
  void patroniState_readsStateAndRoleOfTheHealthAnswer() {
    String body =
        "{\"state\": \"running\", \"role\": \"replica\", \"server_version\": 150010,"
            + " \"patroni\": {\"version\": \"3.0.2\", \"scope\": \"pg-test\"}}";
    assertThat(HealthCheck.patroniState(200, body)).isEqualTo("running, replica");
    assertThat(HealthCheck.patroniState(503, "{\"state\": \"stopped\", \"role\": \"replica\"}"))
        .isEqualTo("HTTP 503: stopped, replica");
    assertThat(HealthCheck.patroniState(502, "<html>")).isEqualTo("HTTP 502: ?, ?");
  }

  @Test
  void etcdUnhealthy_onlyTrueWith200IsHealthy() {
    assertThat(HealthCheck.etcdUnhealthy(200, "{\"health\":\"true\",\"reason\":\"\"}")).isEmpty();
    assertThat(
            HealthCheck.etcdUnhealthy(503, "{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}"))
        .hasValue("HTTP 503: health false (RAFT NO LEADER)");
    assertThat(HealthCheck.etcdUnhealthy(404, "404 page not found"))
        .hasValue("HTTP 404: not an etcd health answer");
  }

  /** Regression: the JDK's HTTP client reported a refused connection as "null". */
  @Test
  void reason_takesTheFirstMessageAlongTheCauses() {
    assertThat(
            HealthCheck.reason(
                new java.net.ConnectException() {
                  {
                    initCause(new java.net.ConnectException("Connection refused"));
                  }
                }))
        .isEqualTo("Connection refused");
    assertThat(HealthCheck.reason(new java.io.IOException())).isEqualTo("IOException");
  }

  /**
   * Regression (make test, demo4): on a replica the pgbouncer exporter restarts until its login
   * arrives from the leader, and systemd says {@code activating} meanwhile.
   */
  @Test
  void unit_waitsWhileActivatingButNotWhenFailed() throws Exception {
    java.util.Deque<String> states =
        new java.util.ArrayDeque<>(List.of("activating", "activating", "active"));
    io.pigsty.builder.exec.CommandRunner shell =
        c ->
            new io.pigsty.builder.exec.CommandResult(
                c, 0, states.size() > 1 ? states.poll() : states.peek(), "");
    HealthCheck.Item once = HealthCheck.unit(shell, "x.service", System.nanoTime());
    assertThat(once.ok()).isFalse();
    assertThat(once.detail()).isEqualTo("activating");
    HealthCheck.Item waited =
        HealthCheck.unit(shell, "x.service", System.nanoTime() + 10_000_000_000L);
    assertThat(waited.ok()).as(waited.detail()).isTrue();

    long t0 = System.nanoTime();
    HealthCheck.Item failed =
        HealthCheck.unit(
            c -> new io.pigsty.builder.exec.CommandResult(c, 3, "failed", ""),
            "y.service",
            System.nanoTime() + 10_000_000_000L);
    assertThat(failed.ok()).isFalse();
    assertThat(failed.detail()).isEqualTo("failed");
    assertThat(System.nanoTime() - t0).as("a failed unit is final").isLessThan(5_000_000_000L);
  }

  /**
   * Regression: the appliance's Prometheus, restarted by make install, replays its WAL before it
   * listens.
   */
  @Test
  void port_waitsForAServiceThatListensLate() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    assertThat(HealthCheck.port("127.0.0.1", port, "late", System.nanoTime()).ok())
        .as("nobody listens yet")
        .isFalse();

    CountDownLatch done = new CountDownLatch(1);
    int p = port;
    Thread late =
        new Thread(
            () -> {
              try (ServerSocket s = new ServerSocket()) {
                Thread.sleep(1500);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
                done.await(20, TimeUnit.SECONDS);
              } catch (Exception e) {
                // the assertion below fails then
              }
            });
    late.start();
    try {
      HealthCheck.Item item =
          HealthCheck.port("127.0.0.1", port, "late", System.nanoTime() + 15_000_000_000L);
      assertThat(item.ok()).as(item.detail()).isTrue();
      assertThat(item.name()).isEqualTo("port " + port + " (late)");
    } finally {
      done.countDown();
      late.join();
    }
  }
}
