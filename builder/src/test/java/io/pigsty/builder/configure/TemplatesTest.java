package io.pigsty.builder.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryLoader;
import io.pigsty.builder.inventory.InventoryTree;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {
  static final long GIB = 1L << 30;

  @Test
  void choose_smallNodesGetTinyLargerGetOltp() throws Exception {
    assertThat(Templates.choose(null, 2, 16 * GIB)).isEqualTo("tiny"); // few CPUs
    assertThat(Templates.choose(null, 8, 4 * GIB)).isEqualTo("tiny"); // little memory
    assertThat(Templates.choose(null, 1, GIB)).isEqualTo("tiny");
    assertThat(Templates.choose(null, 4, 8 * GIB)).isEqualTo("oltp");
    assertThat(Templates.choose(null, 8, 7_900_000_000L))
        .isEqualTo("oltp"); // MemTotal of an 8 GB box
    assertThat(Templates.choose(null, 3, 64 * GIB)).isEqualTo("tiny");
    assertThat(Templates.choose(null, 16, 6 * GIB)).isEqualTo("tiny");
  }

  @Test
  void choose_modeWinsOverSize() throws Exception {
    assertThat(Templates.choose("oltp", 1, GIB)).isEqualTo("oltp");
    assertThat(Templates.choose("demo4", 64, 256 * GIB)).isEqualTo("demo4");
  }

  @Test
  void choose_unknownTemplateIsItsOwnKind() {
    assertThatThrownBy(() -> Templates.choose("olap-xl", 4, 8 * GIB))
        .isInstanceOfSatisfying(
            NodeException.class,
            e -> assertThat(e.kind()).isEqualTo(NodeException.Kind.UNKNOWN_TEMPLATE))
        .hasMessageContaining("olap-xl")
        .hasMessageContaining("demo, demo4, tiny, oltp");
  }

  @Test
  void render_demo4PutsPgTestOnTheNextThreeAddressesOfTheNodes24() throws Exception {
    InventoryTree inv = Templates.render("demo4", "192.168.5.20", 15, false).inventory();
    Inventory typed = InventoryLoader.parse(inv.toYaml(), Path.of("pigsty.yml"), true);
    assertThat(typed.metaHosts()).containsExactly("192.168.5.20");
    assertThat(typed.adminIp()).isEqualTo("192.168.5.20");
    Inventory.PgCluster test = typed.cluster("pg-test").orElseThrow();
    assertThat(test.instances())
        .extracting(Inventory.PgInstance::ip)
        .containsExactly("192.168.5.21", "192.168.5.22", "192.168.5.23");
    assertThat(test.instances())
        .extracting(Inventory.PgInstance::role)
        .containsExactly("primary", "replica", "offline");
    assertThat(test.vip().address()).isEqualTo("192.168.5.3");
    assertThat(test.vip().cidrmask()).isEqualTo(24);
    assertThat(typed.etcd().members())
        .extracting(Inventory.EtcdMember::ip)
        .containsExactly("192.168.5.20");
    assertThat(typed.etcd().name(typed.etcd().members().get(0))).isEqualTo("etcd-1");
    assertThat(typed.nodes())
        .containsExactly("192.168.5.20", "192.168.5.21", "192.168.5.22", "192.168.5.23");
    String yaml = inv.toYaml();
    assertThat(yaml).doesNotContain("$").doesNotContain("10.10.10.");
  }

  @Test
  void render_demo4AtTheSandboxAddressGivesTheSandboxLayout() throws Exception {
    InventoryTree inv = Templates.render("demo4", "10.10.10.10", 15, false).inventory();
    assertThat(inv.group("pg-test").orElseThrow().hosts().keySet())
        .containsExactly("10.10.10.11", "10.10.10.12", "10.10.10.13");
  }

  @Test
  void render_demo4NearTheEndOfThe24IsAnIpError() {
    assertThatThrownBy(() -> Templates.render("demo4", "10.1.2.253", 15, false))
        .isInstanceOfSatisfying(
            NodeException.class, e -> assertThat(e.kind()).isEqualTo(NodeException.Kind.IP))
        .hasMessageContaining("10.1.2.255");
  }

  @Test
  void render_everyHostOfEveryTemplateIsARealAddress() throws Exception {
    for (String t : Templates.NAMES) {
      InventoryTree inv = Templates.render(t, "172.16.3.40", 15, false).inventory();
      for (InventoryTree.Group g : inv.groups()) {
        assertThat(g.hosts().keySet())
            .allSatisfy(h -> assertThat(h).matches("172\\.16\\.3\\.4[0-3]"));
      }
      assertThat(inv.toYaml()).as(t).doesNotContain("$");
    }
  }

  @Test
  void generate_replacesEveryDefaultPasswordWithADistinctRandomOne() throws Exception {
    InventoryTree plain = Templates.render("demo4", "10.10.10.10", 15, false).inventory();
    List<String> defaults = passwords(plain);
    assertThat(defaults)
        .contains(
            "DBUser.Meta",
            "DBUser.Viewer",
            "DBUser.DBA",
            "DBUser.Monitor",
            "DBUser.Replicator",
            "test");
    Templates.Rendered r = Templates.randomPasswords("demo4", plain, new SecureRandom());
    List<String> now = passwords(r.inventory());
    assertThat(now).hasSameSizeAs(defaults);
    assertThat(now).noneMatch(defaults::contains);
    assertThat(now)
        .allSatisfy(p -> assertThat(p).hasSizeGreaterThanOrEqualTo(20).matches("[A-Za-z0-9]+"));
    assertThat(new HashSet<>(now)).hasSameSizeAs(now);
    assertThat(r.passwords().values()).containsExactlyInAnyOrderElementsOf(now);
    assertThat(r.passwords())
        .containsKeys(
            "all.vars.pg_admin_password",
            "pg-meta.pg_users[dbuser_meta].password",
            "pg-test.pg_users[test].password");
    assertThat(r.inventory().toYaml()).doesNotContain("DBUser.");
  }

  /**
   * Every value of a key ending in _password, and every pg_users password, found by walking the
   * tree.
   */
  @SuppressWarnings("unchecked")
  static List<String> passwords(InventoryTree inv) {
    List<String> out = new ArrayList<>();
    walk(inv.toTree(), false, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void walk(Object o, boolean user, List<String> out) {
    if (o instanceof Map<?, ?> m) {
      m.forEach(
          (k, v) -> {
            if (v instanceof String s
                && (k.toString().endsWith("_password") || (user && k.equals("password")))) {
              out.add(s);
            } else {
              walk(v, k.equals("pg_users"), out);
            }
          });
    } else if (o instanceof List<?> l) {
      l.forEach(x -> walk(x, user, out));
    }
  }
}
