package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryCases;
import io.pigsty.builder.inventory.InventoryLoader;
import io.pigsty.builder.inventory.PgMajorException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** install's check of pg_version against the local repository, before any step. */
class RepoMajorsTest {
  @TempDir Path tmp;

  Inventory demo(int pgVersion) throws Exception {
    Path f = tmp.resolve("pigsty.yml");
    Files.writeString(
        f,
        Files.readString(InventoryCases.DEMO)
            .replace("pg_version: 15", "pg_version: " + pgVersion));
    return InventoryLoader.load(f, true);
  }

  static FakeNode withManifest(String json) {
    FakeNode node = new FakeNode();
    node.files.put(
        Path.of("/www/pigsty/manifest.json"),
        new NodeFiles.State(json.getBytes(StandardCharsets.UTF_8), "rw-r--r--", "root", "root"));
    return node;
  }

  @Test
  void check_pgVersion16AgainstAPg15RepoIsRefusedBeforeAnyCommand() throws Exception {
    FakeNode node = withManifest("{\"definition\": {\"pg_major\": 15}}");
    Inventory inv = demo(16);
    PgMajorException e =
        Assertions.assertThrows(PgMajorException.class, () -> RepoMajors.check(inv, node, node));
    assertThat(e.exitCode()).isEqualTo(36);
    assertThat(e)
        .hasMessageContaining(
            "pigsty.yml:9: all.children.pg-meta.vars.pg_version: 16, but the bundle carries"
                + " PostgreSQL 15 only (/www/pigsty/manifest.json)")
        .hasMessageContaining("Unable to locate package postgresql-16");
    assertThat(node.commands).isEmpty();
  }

  @Test
  void check_aMajorTheRepoCarriesPasses() throws Exception {
    FakeNode node = withManifest("{\"definition\": {\"pg_major\": 17, \"pg_majors\": [17, 16]}}");
    assertThatCode(() -> RepoMajors.check(demo(16), node, node)).doesNotThrowAnyException();
    assertThat(node.commands).isEmpty();
  }

  @Test
  void check_withoutAManifestAsksApt() throws Exception {
    FakeNode node = new FakeNode();
    node.aptKnows.add("postgresql-15");
    assertThatCode(() -> RepoMajors.check(demo(15), node, node)).doesNotThrowAnyException();
    Inventory sixteen = demo(16);
    PgMajorException e =
        Assertions.assertThrows(
            PgMajorException.class, () -> RepoMajors.check(sixteen, node, node));
    assertThat(e)
        .hasMessageContaining("pigsty.yml:9: all.children.pg-meta.vars.pg_version: 16")
        .hasMessageContaining("apt knows no postgresql-16");
  }
}
