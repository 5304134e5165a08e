package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

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

class HealthCheckTest {

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
    assertThat(HealthCheck.units(inv))
        .contains(
            "postgresql@15-main",
            "pgbouncer",
            "nginx",
            "prometheus",
            "prometheus-alertmanager",
            "prometheus-node-exporter",
            "prometheus-postgres-exporter",
            "prometheus-pgbouncer-exporter");
    assertThat(HealthCheck.ports(inv)).containsKeys(80, 9090, 9093, 9100, 5432, 6432, 9187, 9127);
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
