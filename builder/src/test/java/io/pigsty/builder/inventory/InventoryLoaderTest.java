package io.pigsty.builder.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.inventory.Inventory.PgCluster;
import io.pigsty.builder.inventory.Inventory.PgDatabase;
import io.pigsty.builder.inventory.Inventory.PgUser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class InventoryLoaderTest {
  @TempDir Path tmp;

  /**
   * @return the demo inventory, loaded strictly
   */
  public static Inventory demo() throws InventoryException {
    return InventoryLoader.load(InventoryCases.DEMO, true);
  }

  @Test
  void load_demoHasTheAdminClusterUsersAndVars() throws Exception {
    Inventory inv = demo();
    assertThat(inv.adminIp()).isEqualTo("10.10.10.10");
    assertThat(inv.warnings()).isEmpty();
    PgCluster c = inv.clusterOn("10.10.10.10").orElseThrow();
    assertThat(c.instanceName(c.primary())).isEqualTo("pg-meta-1");
    assertThat(c.pgVersion()).isEqualTo(15);
    assertThat(c.pgConf()).isEqualTo("tiny.yml");
    assertThat(c.users()).extracting(PgUser::name).containsExactly("dbuser_meta", "dbuser_view");
    PgUser meta = c.users().get(0);
    assertThat(meta.roles()).containsExactly("dbrole_admin");
    assertThat(meta.pgbouncer()).isTrue();
    assertThat(meta.login()).isTrue();
    assertThat(meta.inherit()).isTrue();
    assertThat(meta.superuser()).isFalse();
    assertThat(meta.connlimit()).isEqualTo(-1);
    PgDatabase db = c.databases().get(0);
    assertThat(db.owner()).isEqualTo("dbuser_meta");
    assertThat(db.template()).isEqualTo("template1");
    assertThat(db.pgbouncer()).isTrue();
    assertThat(db.schemas()).containsExactly("pigsty");
    assertThat(db.extensions()).extracting(Inventory.PgExtension::name).containsExactly("postgis");
    assertThat(c.hbaRules())
        .singleElement()
        .satisfies(r -> assertThat(r.auth()).isEqualTo("scram-sha-256"));
    assertThat(inv.vars().pgbouncerExporterPort()).isEqualTo(9127);
    assertThat(inv.vars().monitorPassword().text()).isEqualTo("DBUser.Monitor");
  }

  @Test
  void load_everyCaseGetsItsVerdict() throws Exception {
    List<InventoryCases.Case> cases = InventoryCases.all();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(30);
    for (InventoryCases.Case k : cases) {
      Path f = k.write(tmp);
      if (k.exit() == 0) {
        Inventory inv = InventoryLoader.load(f, false);
        if (!k.message().isEmpty()) {
          assertThat(inv.warnings())
              .as(k.name())
              .anySatisfy(w -> assertThat(w).contains(k.message()));
        }
        continue;
      }
      assertThatThrownBy(() -> InventoryLoader.load(f, false))
          .as(k.name())
          .isInstanceOfSatisfying(
              InventoryException.class,
              e ->
                  assertThat(e.kind())
                      .isEqualTo(
                          k.exit() == 25
                              ? InventoryException.Kind.UNKNOWN_TEMPLATE
                              : InventoryException.Kind.INVALID))
          .hasMessageStartingWith(f.toString() + ":")
          .hasMessageContaining(k.message());
    }
  }

  @Test
  void load_unknownKeyIsAWarningWithItsLineAndAnErrorWhenStrict() throws Exception {
    InventoryCases.Case k =
        InventoryCases.all().stream()
            .filter(c -> c.name().equals("good-unknown-key-warns.yml"))
            .findFirst()
            .orElseThrow();
    Path f = k.write(tmp);
    assertThat(InventoryLoader.load(f, false).warnings())
        .containsExactly(
            f
                + ":12: "
                + "all.children.pg-meta.vars.patroni_mode: unknown cluster var (not used by this version)");
    assertThatThrownBy(() -> InventoryLoader.load(f, true))
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining(
            f + ":12: all.children.pg-meta.vars.patroni_mode: unknown cluster var");
  }

  @Test
  void load_seedPgMetaKeepsEveryDocumentedAttribute() throws Exception {
    Inventory inv =
        InventoryLoader.load(InventoryCases.DEMO.resolveSibling("seed-pg-meta.yml"), false);
    PgCluster c = inv.cluster("pg-meta").orElseThrow();
    PgUser u = c.users().get(0);
    assertThat(u.password().isMd5()).isTrue();
    assertThat(u.expireInDays()).isEqualTo(3650);
    assertThat(u.expireAt()).isEqualTo("2030-12-31");
    assertThat(c.users().get(3).createrole()).isTrue();
    PgDatabase d = c.databases().get(0);
    assertThat(d.baseline()).isEqualTo("cmdb.sql");
    assertThat(d.extensions().get(0))
        .isEqualTo(new Inventory.PgExtension("adminpack", "pg_catalog", null));
    assertThat(c.hbaRules()).hasSize(3).allSatisfy(r -> assertThat(r.auth()).isEqualTo("md5"));
    assertThat(c.hbaRules().get(0).addr()).isEqualTo("local");
    assertThat(c.hbaRules().get(2).addr()).isEqualTo("10.10.10.10/32");
    assertThat(c.vip().address()).isEqualTo("10.10.10.2");
    assertThat(inv.warnings())
        .hasSize(3)
        .allSatisfy(w -> assertThat(w).contains("unknown cluster var"));
  }

  @Test
  void load_seedPgTestAllowsUsersWithoutPasswordAndTheGlobalVersion() throws Exception {
    Inventory inv =
        InventoryLoader.load(InventoryCases.DEMO.resolveSibling("seed-pg-test.yml"), true);
    PgCluster t = inv.cluster("pg-test").orElseThrow();
    assertThat(t.pgVersion()).isEqualTo(15);
    assertThat(t.users()).singleElement().satisfies(u -> assertThat(u.password()).isNull());
    assertThat(t.databases())
        .singleElement()
        .satisfies(d -> assertThat(d.owner()).isEqualTo("postgres"));
    assertThat(t.instances())
        .extracting(Inventory.PgInstance::role)
        .containsExactly("primary", "replica", "replica");
  }

  @Test
  void password_kindsAreTold() {
    assertThat(new Inventory.Password("md5d3d10d8cad606308bdb180148bf663e1").isMd5()).isTrue();
    assertThat(new Inventory.Password("SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy").isScram())
        .isTrue();
    assertThat(new Inventory.Password("md5notahash").isHashed()).isFalse();
    assertThat(new Inventory.Password("secret").toString()).doesNotContain("secret");
  }
}
