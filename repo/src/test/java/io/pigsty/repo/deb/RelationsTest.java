package io.pigsty.repo.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelationsTest {
  @Test
  void parse_groupsAlternativesVersionsAndQualifiers() throws Exception {
    List<List<Dependency>> g =
        Relations.parse(
            "libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0,python3:any ,  perl:native (<< 5.37~)",
            "t");
    assertThat(g).hasSize(4);
    assertThat(g.get(0).get(0))
        .isEqualTo(new Dependency("libc6", null, RelationOp.GE, DebVersion.parse("2.34")));
    assertThat(g.get(1)).extracting(Dependency::name).containsExactly("debconf", "debconf-2.0");
    assertThat(g.get(2).get(0).archQualifier()).isEqualTo("any");
    assertThat(g.get(3).get(0).op()).isEqualTo(RelationOp.LT);
    assertThat(g.get(3).get(0).toString()).isEqualTo("perl:native (<< 5.37~)");
  }

  @Test
  void parse_obsoleteOperatorsMeanOrEqual() throws Exception {
    assertThat(Relations.parseAtom("a (< 1)", "t").op()).isEqualTo(RelationOp.LE);
    assertThat(Relations.parseAtom("a (> 1)", "t").op()).isEqualTo(RelationOp.GE);
  }

  @Test
  void parse_foldedFieldAndArchRestrictionsAndProfiles() throws Exception {
    List<List<Dependency>> g =
        Relations.parse("a [amd64],\n b <!nocheck>, c (>= 1) [!i386] <stage1>", "t");
    assertThat(g).extracting(l -> l.get(0).toString()).containsExactly("a", "b", "c (>= 1)");
  }

  @Test
  void parse_rejectsMalformedAtomNamingContext() {
    assertThatThrownBy(() -> Relations.parse("foo (>= ", "pkg Depends"))
        .isInstanceOf(MetadataException.class)
        .hasMessageStartingWith("pkg Depends:");
    assertThatThrownBy(() -> Relations.parse("Foo_Bar", "pkg Depends"))
        .hasMessageContaining("invalid package name 'Foo_Bar'");
  }

  @Test
  void accepts_versionOperators() throws Exception {
    Dependency d = Relations.parseAtom("x (>> 1.0)", "t");
    assertThat(d.accepts(DebVersion.parse("1.0"))).isFalse();
    assertThat(d.accepts(DebVersion.parse("1.0+b1"))).isTrue();
    assertThat(Relations.parseAtom("x (= 1:2)", "t").accepts(DebVersion.parse("2"))).isFalse();
  }
}
