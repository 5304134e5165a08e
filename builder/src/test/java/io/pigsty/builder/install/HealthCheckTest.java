package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        assertThat(HealthCheck.parseTargets("{\"status\":\"error\"}", "u")).singleElement()
                .satisfies(i -> assertThat(i.ok()).isFalse());
        assertThat(HealthCheck.parseTargets("{\"status\":\"success\",\"data\":{\"activeTargets\":[]}}", "u"))
                .singleElement().satisfies(i -> assertThat(i.detail()).contains("no active target"));
        assertThat(HealthCheck.parseTargets("not json", "u")).singleElement()
                .satisfies(i -> assertThat(i.ok()).isFalse());
    }

    @Test
    void report_failuresListsOnlyFailedItems() {
        HealthCheck.Report r = new HealthCheck.Report(List.of(new HealthCheck.Item("a", true, "x"),
                new HealthCheck.Item("b", false, "y")), 0.1);
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).extracting(HealthCheck.Item::name).containsExactly("b");
    }

    @Test
    void unitsAndPorts_coverEveryServiceOfTheMetaNode() throws Exception {
        Inventory inv = InventoryLoaderTest.demo();
        assertThat(HealthCheck.units(inv)).contains("postgresql@15-main", "pgbouncer", "nginx", "prometheus",
                "prometheus-alertmanager", "prometheus-node-exporter", "prometheus-postgres-exporter",
                "prometheus-pgbouncer-exporter");
        assertThat(HealthCheck.ports(inv)).containsKeys(80, 9090, 9093, 9100, 5432, 6432, 9187, 9127);
    }
}
