package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallCommandTest {
  @TempDir Path tmp;

  @Test
  void install_malformedInventoryExitsWithInventoryCodeAndLine() throws Exception {
    Path conf = tmp.resolve("pigsty.yml");
    Files.writeString(
        conf, "all:\n  children:\n    meta: {hosts: {10.10.10.10: {meta_node: true}}\n");
    MainTest.Run r = MainTest.run("install", "-c", conf.toString());
    assertThat(r.code()).isEqualTo(ExitCode.INVENTORY.code).isEqualTo(29);
    assertThat(r.err()).contains("pigsty.yml:").contains("malformed YAML");
  }

  @Test
  void status_missingClusterExitsWithInventoryCodeNamingTheKey() throws Exception {
    Path conf = tmp.resolve("pigsty.yml");
    Files.writeString(
        conf, "all:\n  children:\n    meta: {hosts: {10.10.10.10: {meta_node: true}}}\n");
    MainTest.Run r = MainTest.run("status", "-c", conf.toString());
    assertThat(r.code()).isEqualTo(ExitCode.INVENTORY.code);
    assertThat(r.err()).contains("pigsty.yml:3: all.children: no PostgreSQL cluster");
  }

  @Test
  void install_packagesPrintsTheAptListOfTheDemoInventory() {
    MainTest.Run r =
        MainTest.run("install", "--packages", "-c", "src/test/resources/inventory/demo.yml");
    assertThat(r.code()).isZero();
    assertThat(r.out().split("\n"))
        .contains(
            "postgresql-15",
            "pgbouncer",
            "postgresql-15-postgis-3",
            "prometheus-pgbouncer-exporter");
  }

  @Test
  void help_listsInstallStatusAndTheirExitCodes() {
    MainTest.Run r = MainTest.run("--help");
    assertThat(r.out())
        .contains(
            "install",
            "status",
            "29   bad pigsty.yml, from any command",
            "41   install: a step failed",
            "42   install/status: health check failed");
  }

  @Test
  void install_pgVersionTheLocalRepoLacksExits36BeforeAnyStep() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("manifest.json"), "{\"definition\": {\"pg_major\": 15}}");
    Path conf = tmp.resolve("pigsty.yml");
    Files.writeString(
        conf,
        Files.readString(Path.of("src/test/resources/inventory/demo.yml"))
            .replace("pg_version: 15", "pg_version: 16")
            .replace("repo_dir: /www/pigsty", "repo_dir: " + repo));
    for (String mode : new String[] {"--strict", "--dry-run"}) {
      MainTest.Run r = MainTest.run("install", mode, "-c", conf.toString());
      assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.PG_MAJOR.code).isEqualTo(36);
      assertThat(r.err())
          .contains(
              "pigsty.yml:9: all.children.pg-meta.vars.pg_version: 16, but the bundle carries"
                  + " PostgreSQL 15 only ("
                  + repo.resolve("manifest.json")
                  + ")");
      // stopped before the first line of the install (and of its plan)
      assertThat(r.out()).doesNotContain("install pg-meta");
    }
  }
}
