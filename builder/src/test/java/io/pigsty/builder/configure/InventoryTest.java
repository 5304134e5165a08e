package io.pigsty.builder.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryTest {
  @TempDir Path tmp;

  static final String GOOD = """
      all:
        children:
          meta: {hosts: {10.10.10.10: {meta_node: true}}}
          pg-meta:
            hosts: {10.10.10.10: {pg_seq: 1, pg_role: primary}}
            vars:
              pg_cluster: pg-meta
              pg_version: 15
              pg_conf: tiny.yml
              node_tune: tiny
              pg_users:
                - {name: dbuser_meta, password: DBUser.Meta, pgbouncer: true, roles: [dbrole_admin]}
              pg_databases:
                - {name: meta, owner: dbuser_meta, schemas: [pigsty], extensions: [{name: postgis}]}
        vars:
          admin_ip: 10.10.10.10
          pg_port: 5432
      """;

  Path write(String text) throws Exception {
    Path f = tmp.resolve("pigsty.yml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void load_readsTheReferenceShape() throws Exception {
    Inventory inv = Inventory.load(write(GOOD));
    Inventory.PgCluster c = inv.clusters().get(0);
    assertThat(c.name()).isEqualTo("pg-meta");
    assertThat(c.pgVersion()).isEqualTo(15);
    assertThat(c.instanceName(c.instances().get(0))).isEqualTo("pg-meta-1");
    assertThat(c.users().get(0).pgbouncer()).isTrue();
    assertThat(c.databases().get(0).extensions()).containsExactly("postgis");
    assertThat(inv.vars().get("pg_port")).isEqualTo(5432);
  }

  @Test
  void load_renderedTemplatesReadBackEqual() throws Exception {
    for (String t : Templates.NAMES) {
      Inventory inv = Templates.render(t, "10.10.10.10", true).inventory();
      Inventory back = Inventory.load(write(inv.toYaml()));
      assertThat(back.toTree()).as(t).isEqualTo(inv.toTree());
      assertThat(back.clusters()).as(t).isEqualTo(inv.clusters());
    }
  }

  @Test
  void load_malformedYamlNamesTheLine() throws Exception {
    Path f = write(GOOD.replace("pg_version: 15", "pg_version: [15"));
    assertThatThrownBy(() -> Inventory.load(f))
        .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.kind()).isEqualTo(NodeException.Kind.INVENTORY))
        .hasMessageContaining("pigsty.yml:").hasMessageContaining("malformed YAML");
  }

  @Test
  void load_missingPgClusterKeyNamesLineAndKey() throws Exception {
    Path f = write(GOOD.replace("        pg_version: 15\n", "        pg_versoin: 15\n"));
    assertThatThrownBy(() -> Inventory.load(f))
        .hasMessageContaining("pigsty.yml:7: all.children.pg-meta.vars.pg_version: missing required key 'pg_version'");
  }

  @Test
  void load_unknownTuningTemplateInPgConfIsUnknownTemplateWithLine() throws Exception {
    Path f = write(GOOD.replace("pg_conf: tiny.yml", "pg_conf: huge.yml"));
    assertThatThrownBy(() -> Inventory.load(f))
        .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.kind()).isEqualTo(NodeException.Kind.UNKNOWN_TEMPLATE))
        .hasMessageContaining("pigsty.yml:9: all.children.pg-meta.vars.pg_conf: unknown tuning template 'huge.yml'");
  }

  @Test
  void load_badRoleAndMissingUserPasswordAndTrustAreRejectedWithKey() throws Exception {
    assertThatThrownBy(() -> Inventory.load(write(GOOD.replace("pg_role: primary", "pg_role: leader"))))
        .hasMessageContaining("pigsty.yml:5: all.children.pg-meta.hosts.10.10.10.10.pg_role");
    assertThatThrownBy(() -> Inventory.load(write(GOOD.replace("password: DBUser.Meta, ", ""))))
        .hasMessageContaining(":12: all.children.pg-meta.vars.pg_users[0].password: missing required key");
    String trust = GOOD.replace("      pg_databases:", "      pg_hba_rules_extra:\n          - {user: all, db: all, addr: world, auth: trust}\n      pg_databases:");
    assertThatThrownBy(() -> Inventory.load(write(trust))).hasMessageContaining("auth: 'trust' is not allowed");
  }

  @Test
  void load_missingMetaGroupAndDuplicateKey() throws Exception {
    assertThatThrownBy(() -> Inventory.load(write(GOOD.replace("    meta: {hosts: {10.10.10.10: {meta_node: true}}}\n", ""))))
        .hasMessageContaining("all.children.meta: missing required group 'meta'");
    assertThatThrownBy(() -> Inventory.load(write(GOOD.replace("    pg_port: 5432", "    pg_port: 5432\n    pg_port: 5433"))))
        .hasMessageContaining(":18: all.vars.pg_port: duplicate key (first at line 17)");
  }
}
