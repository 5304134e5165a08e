package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.inventory.Inventory.PgDatabase;
import io.pigsty.builder.inventory.InventoryCases;
import io.pigsty.builder.inventory.InventoryLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisioningTest {
  @TempDir Path tmp;

  /** An extension named with '-' (contrib's uuid-ossp) reaches SQL quoted, created with CASCADE. */
  @Test
  void insideDatabase_quotesAnExtensionNameWithADash() throws Exception {
    Path f = tmp.resolve("pigsty.yml");
    Files.writeString(
        f,
        Files.readString(InventoryCases.DEMO)
            .replace(
                "extensions: [{name: postgis}]",
                "extensions: [{name: postgis}, uuid-ossp, {name: earthdistance, schema: app}]"));
    PgDatabase meta =
        InventoryLoader.load(f, true).clusters().get(0).databases().stream()
            .filter(d -> d.name().equals("meta"))
            .findFirst()
            .orElseThrow();
    String sql = Provisioning.insideDatabase(meta);
    assertThat(sql)
        .contains("EXECUTE 'CREATE EXTENSION \"uuid-ossp\" CASCADE'")
        .contains("EXECUTE 'CREATE EXTENSION \"earthdistance\" SCHEMA \"app\" CASCADE'")
        .contains("WHERE extname = 'uuid-ossp'");
  }
}
