package io.pigsty.repo.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RichDepTest {

  /**
   * A toy world: package "name-version" strings, each providing its name at its version plus
   * extras.
   */
  static final class World implements RichDep.Lookup<String> {
    final Map<String, List<String>> extraProvides;
    final Set<String> selected = new HashSet<>();
    final List<String> all;

    World(List<String> all, Map<String, List<String>> extraProvides) {
      this.all = all;
      this.extraProvides = extraProvides;
    }

    @Override
    public Collection<String> providers(RpmDep dep) {
      List<String> out = new ArrayList<>();
      for (String p : all) {
        String name = p.substring(0, p.lastIndexOf('-'));
        String ver = p.substring(p.lastIndexOf('-') + 1);
        RpmDep self = new RpmDep(name, RpmDep.Flags.EQ, new Evr("0", ver, "1"), false);
        boolean match = name.equals(dep.name()) && dep.overlaps(self);
        match |= extraProvides.getOrDefault(p, List.of()).contains(dep.name());
        if (match) {
          out.add(p);
        }
      }
      return out;
    }

    @Override
    public boolean selected(String pkg) {
      return selected.contains(pkg);
    }

    @Override
    public String best(Collection<String> candidates) {
      return candidates.iterator().next();
    }
  }

  @Test
  void parse_nestedWithVersionedAtoms() throws Exception {
    RichDep d =
        RichDep.parse("(foo >= 1.2-3 and (bar or baz < 2:4) and libc.so.6(GLIBC_2.34)(64bit))");
    assertThat(d).isInstanceOf(RichDep.And.class);
    RichDep.And and = (RichDep.And) d;
    assertThat(and.operands()).hasSize(3);
    assertThat(and.operands().get(0))
        .isEqualTo(
            new RichDep.Atom(new RpmDep("foo", RpmDep.Flags.GE, new Evr(null, "1.2", "3"), false)));
    assertThat(and.operands().get(1)).isInstanceOf(RichDep.Or.class);
    assertThat(((RichDep.Or) and.operands().get(1)).operands().get(1))
        .isEqualTo(
            new RichDep.Atom(new RpmDep("baz", RpmDep.Flags.LT, new Evr("2", "4", null), false)));
    assertThat(and.operands().get(2))
        .isEqualTo(new RichDep.Atom(RpmDep.of("libc.so.6(GLIBC_2.34)(64bit)")));
    assertThat(d.atoms())
        .extracting(RpmDep::name)
        .containsExactly("foo", "bar", "baz", "libc.so.6(GLIBC_2.34)(64bit)");
  }

  @Test
  void parse_ifElseUnlessWithWithout() throws Exception {
    assertThat(RichDep.parse("(a if b else c)"))
        .isEqualTo(new RichDep.If(atom("a"), atom("b"), atom("c")));
    assertThat(RichDep.parse("(a if b)")).isEqualTo(new RichDep.If(atom("a"), atom("b"), null));
    assertThat(RichDep.parse("(a unless b else c)"))
        .isEqualTo(new RichDep.Unless(atom("a"), atom("b"), atom("c")));
    assertThat(RichDep.parse("(a with b with c)"))
        .isEqualTo(new RichDep.With(List.of(atom("a"), atom("b"), atom("c"))));
    assertThat(RichDep.parse("(a without b)")).isEqualTo(new RichDep.Without(atom("a"), atom("b")));
    assertThat(RichDep.parse("((a))")).isEqualTo(atom("a"));
  }

  @Test
  void parse_syntaxErrorsNameTheText() {
    for (String bad :
        List.of(
            "(a and b or c)",
            "(a and)",
            "(a if b else)",
            "(a frob b)",
            "(a and b",
            "(a if b c)",
            "(and a)",
            "(a >< 1)")) {
      assertThatThrownBy(() -> RichDep.parse(bad))
          .as(bad)
          .isInstanceOf(RpmMetadataException.class)
          .hasMessageContaining(bad);
    }
  }

  @Test
  void parse_everyRichDependencyOfAppstreamRoundTrips() throws Exception {
    Path repo = ElFixtures.repo("cs9-appstream-2025");
    Repomd md = Repomd.read(repo.resolve("repodata/repomd.xml"));
    List<String> rich = new ArrayList<>();
    PrimaryReader.read(
        repo.resolve(md.find("primary").orElseThrow().href()),
        p -> {
          for (List<RpmDep> l :
              List.of(
                  p.requires(),
                  p.recommends(),
                  p.suggests(),
                  p.supplements(),
                  p.enhances(),
                  p.conflicts())) {
            l.stream().filter(RpmDep::isRich).forEach(d -> rich.add(d.name()));
          }
        });
    assertThat(rich).hasSize(1395);
    for (String r : rich) {
      RichDep d = RichDep.parse(r);
      // our rendering parses back to the same tree ("(NetworkManager)" is a plain atom)
      String shown = d instanceof RichDep.Atom ? "(" + d + ")" : d.toString();
      assertThat(RichDep.parse(shown)).as(r).isEqualTo(d);
      assertThat(d.atoms()).as(r).isNotEmpty().noneMatch(RpmDep::isRich);
    }
  }

  @Test
  void choose_orTakesFirstSatisfiableAndNothingWhenSatisfied() throws Exception {
    World w = new World(List.of("b-1", "c-1"), Map.of());
    assertThat(RichDep.parse("(a or b or c)").choose(w)).containsExactly("b-1");
    w.selected.add("c-1");
    assertThat(RichDep.parse("(a or b or c)").choose(w)).isEmpty();
    assertThat(RichDep.parse("(a or x)").choose(w)).isNull();
  }

  @Test
  void choose_andNeedsAllVersionsChecked() throws Exception {
    World w = new World(List.of("a-1", "a-2", "b-1"), Map.of());
    assertThat(RichDep.parse("(a >= 2 and b)").choose(w)).containsExactlyInAnyOrder("a-2", "b-1");
    assertThat(RichDep.parse("(a > 2 and b)").choose(w)).isNull();
  }

  @Test
  void choose_ifFollowsCondition() throws Exception {
    World w = new World(List.of("a-1", "b-1", "c-1"), Map.of());
    RichDep d = RichDep.parse("(a if b else c)");
    assertThat(d.satisfied(w)).isFalse();
    assertThat(d.choose(w)).containsExactly("c-1");
    w.selected.add("b-1");
    assertThat(d.choose(w)).containsExactly("a-1");
    assertThat(RichDep.parse("(a if x)").choose(w)).isEmpty();
    assertThat(RichDep.parse("(a if x)").satisfied(w)).isTrue();
  }

  @Test
  void choose_unlessIsTheOppositeCondition() throws Exception {
    World w = new World(List.of("a-1", "b-1", "c-1"), Map.of());
    RichDep d = RichDep.parse("(a unless b else c)");
    assertThat(d.choose(w)).containsExactly("a-1");
    w.selected.add("b-1");
    assertThat(d.choose(w)).containsExactly("c-1");
    assertThat(RichDep.parse("(a unless b)").choose(w)).isEmpty();
  }

  @Test
  void choose_withNeedsOnePackageProvidingBoth() throws Exception {
    World w =
        new World(List.of("p-1", "q-1"), Map.of("p-1", List.of("x"), "q-1", List.of("x", "y")));
    assertThat(RichDep.parse("(x with y)").choose(w)).containsExactly("q-1");
    assertThat(RichDep.parse("(x without y)").choose(w)).containsExactly("p-1");
    assertThat(RichDep.parse("(x with z)").choose(w)).isNull();
  }

  static RichDep atom(String n) {
    return new RichDep.Atom(RpmDep.of(n));
  }
}
