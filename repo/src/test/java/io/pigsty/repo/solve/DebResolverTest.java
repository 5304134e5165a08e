package io.pigsty.repo.solve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.PackageIndex;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DebResolverTest {
  private PackageIndex index;

  @BeforeEach
  void load() throws Exception {
    index = new PackageIndex("amd64");
    index.addPackagesFile(resource("main.stanzas"), "main");
    index.addPackagesFile(resource("updates.stanzas"), "main-updates");
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = DebResolverTest.class.getResourceAsStream("/solve/" + name)) {
      return in.readAllBytes();
    }
  }

  private Resolution resolve(boolean recommends, String... names) throws Exception {
    return new DebResolver(index, recommends)
        .resolve(
            Arrays.stream(names).map(n -> new Request(n, "test")).collect(Collectors.toList()));
  }

  private static List<String> names(Resolution r) {
    return r.packages().stream().map(DebPackage::name).collect(Collectors.toList());
  }

  @Test
  void resolve_followsPreDependsDependsAndRecommends() throws Exception {
    Resolution r = resolve(true, "app");
    assertThat(names(r))
        .contains("app", "init-helper", "libfoo", "app-doc", "libcycle-a", "libcycle-b");
    assertThat(r.why("init-helper")).containsExactly("test", "app", "init-helper");
  }

  @Test
  void resolve_recommendsOffSkipsThem() throws Exception {
    assertThat(names(resolve(false, "app"))).doesNotContain("app-doc").contains("init-helper");
  }

  @Test
  void resolve_unsatisfiableRecommendsIsSkippedLikeApt() throws Exception {
    assertThat(names(resolve(true, "app"))).doesNotContain("missing-recommended");
  }

  @Test
  void resolve_newestCandidateAcrossSuitesAndTargetArchOnly() throws Exception {
    DebPackage libfoo = resolve(true, "app").get("libfoo").orElseThrow();
    assertThat(libfoo.version().toString()).isEqualTo("2.1-1+deb12u1");
    assertThat(libfoo.architecture()).isEqualTo("amd64");
    assertThat(libfoo.origin()).isEqualTo("main-updates");
  }

  @Test
  void resolve_virtualPackageWithTwoProvidersPrefersPriorityThenName() throws Exception {
    List<String> n = names(resolve(true, "app"));
    assertThat(n).contains("mawk").doesNotContain("gawk");
    assertThat(n).contains("exim4-daemon-light").doesNotContain("postfix");
  }

  @Test
  void resolve_virtualPackageWithOneProvider() throws Exception {
    assertThat(names(resolve(true, "only-virtual-user")))
        .containsExactly("only-virtual-user", "sole-provider");
  }

  @Test
  void resolve_versionedProvidesSatisfiesVersionedRelationUnversionedNever() throws Exception {
    List<String> n = names(resolve(true, "versioned-provides-user"));
    assertThat(n).contains("versioned-provider").doesNotContain("unversioned-provider");
  }

  @Test
  void resolve_unversionedProvidesAloneFailsVersionedRelation() throws Exception {
    PackageIndex small = new PackageIndex("amd64");
    small.addPackagesFile(
        ("Package: u\nVersion: 1\nArchitecture: all\nDepends: pyabi (>= 3)\n\n"
                + "Package: p\nVersion: 1\nArchitecture: all\nProvides: pyabi\n")
            .getBytes(),
        "s");
    assertThatThrownBy(() -> new DebResolver(small, true).resolve(List.of(new Request("u", "m"))))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("m -> u -> pyabi (>= 3)");
  }

  @Test
  void resolve_alternativesTakeFirstSatisfiableOrAlreadySelected() throws Exception {
    List<String> n = names(resolve(true, "alt-user"));
    assertThat(n).containsExactly("alt-user", "second-choice");
  }

  @Test
  void resolve_cycleTerminates() throws Exception {
    assertThat(names(resolve(true, "libcycle-b"))).containsExactly("libcycle-a", "libcycle-b");
  }

  @Test
  void resolve_unsatisfiableChainNamesEveryLink() throws Exception {
    assertThatThrownBy(() -> resolve(true, "top"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("test -> top -> mid -> libbar (>= 5)")
        .hasMessageContaining("4.0 (main)");
  }

  @Test
  void resolve_unknownRequestAndUnsatisfiableVersionAreAllReported() throws Exception {
    ResolutionException e =
        Assertions.assertThrows(
            ResolutionException.class,
            () ->
                new DebResolver(index, true)
                    .resolve(
                        List.of(
                            new Request("no-such-package", "pgsql"),
                            new Request("libbar (>= 9)", "node"))));
    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems().get(0).toString())
        .startsWith("pgsql -> no-such-package: no package or Provides named no-such-package");
    assertThat(e.problems().get(1).toString())
        .startsWith("node -> libbar (>= 9): nothing satisfies");
  }

  @Test
  void resolve_anyQualifierNeedsMultiArchAllowed() throws Exception {
    assertThat(names(resolve(true, "any-user"))).contains("python3");
    assertThatThrownBy(() -> resolve(true, "bad-any-user"))
        .hasMessageContaining("perl-nomulti:any");
  }

  @Test
  void requestedBy_listsEveryRequestWhoseClosureHasThePackage() throws Exception {
    Resolution r = resolve(true, "app", "alt-user", "only-virtual-user");
    assertThat(r.requestedBy().get("libfoo")).containsExactly("app");
    assertThat(r.requestedBy().get("sole-provider")).containsExactly("only-virtual-user");
    assertThat(r.requestedBy().get("app")).containsExactly("app");
  }
}
