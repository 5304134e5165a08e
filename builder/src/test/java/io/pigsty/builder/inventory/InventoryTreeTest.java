package io.pigsty.builder.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.configure.Templates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryTreeTest {
  @TempDir Path tmp;

  @Test
  void toYaml_renderedTemplatesReadBackEqualAndLoadStrictly() throws Exception {
    for (String t : Templates.NAMES) {
      InventoryTree inv = Templates.render(t, "10.10.10.10", 15, true).inventory();
      String yaml = inv.toYaml();
      assertThat(InventoryTree.parse(yaml, "pigsty.yml").toTree()).as(t).isEqualTo(inv.toTree());
      Path f = tmp.resolve(t + ".yml");
      Files.writeString(f, yaml);
      Inventory typed = InventoryLoader.load(f, true);
      assertThat(typed.warnings()).as(t).isEmpty();
      assertThat(typed.adminIp()).isEqualTo("10.10.10.10");
    }
  }

  @Test
  void parse_duplicateKeyAndMalformedYamlNameTheLine() {
    assertThatThrownBy(
            () -> InventoryTree.parse("all:\n  vars: {a: 1, a: 2}\n  children: {}\n", "x.yml"))
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining("x.yml:2: all.vars.a: duplicate key");
    assertThatThrownBy(() -> InventoryTree.parse("all: [\n", "x.yml"))
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining("malformed YAML");
  }
}
