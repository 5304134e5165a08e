package io.pigsty.repo.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RpmResolverTest {

  static RpmRepository mini() throws Exception {
    return RpmRepository.load("mini", resource("/rpm/mini"));
  }

  static Path resource(String name) throws URISyntaxException {
    return Path.of(RpmResolverTest.class.getResource(name).toURI());
  }

  static RpmResolver.Resolution resolve(RpmResolver.Options o, String... req) throws Exception {
    return new RpmResolver(List.of(mini()), o).resolve(List.of(req));
  }

  @Test
  void resolve_newestEvrPerNameArchAndVersionedRequirement() throws Exception {
    RpmResolver.Resolution r = resolve(RpmResolver.Options.defaults(), "app");
    assertThat(r.packages())
        .extracting(RpmPackage::nevra)
        .contains("app-2.0-1.x86_64", "libfoo-2.1-1.x86_64")
        .doesNotContain("app-1.0-1.x86_64", "libfoo-1.5-1.x86_64");
  }

  @Test
  void resolve_targetArchPlusNoarchWithoutI686() throws Exception {
    RpmResolver.Resolution r = resolve(RpmResolver.Options.defaults(), "app");
    assertThat(r.nameArches()).doesNotContain("app.i686", "libfoo.i686").contains("tool.noarch");
    assertThatThrownBy(() -> resolve(RpmResolver.Options.defaults(), "app.i686"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("app.i686");
  }

  @Test
  void resolve_i686OnlyWhenAsked() throws Exception {
    RpmResolver.Options multilib = new RpmResolver.Options("x86_64", true, false, Set.of());
    RpmResolver.Resolution r = resolve(multilib, "app.i686");
    assertThat(r.nameArches()).containsExactlyInAnyOrder("app.i686", "libfoo.x86_64");
    // a plain name still prefers the native arch
    assertThat(resolve(multilib, "app").nameArches())
        .contains("app.x86_64")
        .doesNotContain("app.i686");
  }

  @Test
  void resolve_fileProvidesFromPrimaryThenFilelists() throws Exception {
    RpmResolver.Resolution r = resolve(RpmResolver.Options.defaults(), "app");
    assertThat(r.why("bash")).last().asString().contains("(for /usr/bin/sh)");
    assertThat(r.why("tool")).last().asString().contains("(for /opt/tool/run)");
  }

  @Test
  void resolve_requestByPathOrCapability() throws Exception {
    assertThat(resolve(RpmResolver.Options.defaults(), "/usr/bin/sh").nameArches())
        .containsExactly("bash.x86_64");
    assertThat(resolve(RpmResolver.Options.defaults(), "/opt/tool/run").nameArches())
        .containsExactly("tool.noarch");
  }

  @Test
  void resolve_weakDepsOnlyWithSwitch() throws Exception {
    assertThat(resolve(RpmResolver.Options.defaults(), "app", "langpacks-de").nameArches())
        .doesNotContain("app-doc.noarch", "app-lang-de.noarch");
    RpmResolver.Resolution weak =
        resolve(RpmResolver.Options.defaults().withWeakDeps(true), "app", "langpacks-de");
    assertThat(weak.nameArches()).contains("app-doc.noarch", "app-lang-de.noarch");
    assertThat(
            weak.reasons()
                .get(
                    weak.packages().stream()
                        .filter(p -> p.name().equals("app-lang-de"))
                        .findFirst()
                        .orElseThrow())
                .weak())
        .isTrue();
    // the Supplements condition needs both app and langpacks-de
    assertThat(resolve(RpmResolver.Options.defaults().withWeakDeps(true), "app").nameArches())
        .doesNotContain("app-lang-de.noarch");
  }

  @Test
  void resolve_richRequirementsAndConditionals() throws Exception {
    RpmResolver.Resolution r = resolve(RpmResolver.Options.defaults(), "richy");
    // (libfoo >= 2 and (tool or bash)) takes libfoo 2.1 and the first satisfiable of tool/bash;
    // (app-doc if langpacks-de else bash) takes bash since langpacks-de is absent
    assertThat(r.nameArches())
        .contains("libfoo.x86_64", "tool.noarch", "bash.x86_64")
        .doesNotContain("app-doc.noarch");
    RpmResolver.Resolution withLang =
        resolve(RpmResolver.Options.defaults(), "richy", "langpacks-de");
    assertThat(withLang.nameArches()).contains("app-doc.noarch");
    assertThat(withLang.why("app-doc"))
        .containsExactly(
            "richy (requested)",
            "richy-1-1.x86_64",
            "app-doc-2.0-1.noarch (for (app-doc if langpacks-de else bash))");
  }

  @Test
  void resolve_withNeedsOnePackageProvidingBoth() throws Exception {
    RpmResolver.Resolution r = resolve(RpmResolver.Options.defaults(), "plugin");
    assertThat(r.packages()).extracting(RpmPackage::nevra).contains("app-2.0-1.x86_64");
  }

  @Test
  void resolve_whyChainFromRequest() throws Exception {
    RpmResolver.Resolution r = resolve(RpmResolver.Options.defaults(), "app");
    assertThat(r.why("libfoo.x86_64"))
        .containsExactly(
            "app (requested)", "app-2.0-1.x86_64", "libfoo-2.1-1.x86_64 (for libfoo >= 0:2.0)");
    assertThat(r.why("nonexistent")).isEmpty();
    assertThat(r.repos().values()).allMatch(repo -> repo.id().equals("mini"));
  }

  @Test
  void resolve_failureNamesChainAndRequirement() throws Exception {
    assertThatThrownBy(
            () -> resolve(RpmResolver.Options.defaults(), "needs-missing", "no-such-package"))
        .isInstanceOfSatisfying(
            ResolutionException.class,
            e -> {
              assertThat(e.problems()).hasSize(2);
              assertThat(e.problems().get(0).requirement()).isEqualTo("no-such-package");
              assertThat(e.problems().get(1).requirement()).isEqualTo("libbar.so.1 >= 0:3");
              assertThat(e.problems().get(1).chain())
                  .containsExactly("needs-missing (requested)", "needs-missing-1-1.x86_64");
              assertThat(e.getMessage())
                  .contains(
                      "needs-missing (requested) -> needs-missing-1-1.x86_64 requires libbar.so.1 >= 0:3");
            });
  }

  @Test
  void resolve_postgresqlServerOn2022BaseosFailsOnOpenldap() throws Exception {
    List<RpmRepository> repos =
        List.of(
            RpmRepository.load("baseos", ElFixtures.repo("cs9-baseos-2022")),
            RpmRepository.load("appstream", ElFixtures.repo("cs9-appstream-2025")));
    assertThatThrownBy(
            () ->
                new RpmResolver(repos, RpmResolver.Options.defaults())
                    .resolve(List.of("postgresql-server")))
        .isInstanceOfSatisfying(
            ResolutionException.class,
            e -> {
              assertThat(e.problems())
                  .extracting(ResolutionException.Problem::requirement)
                  .contains("libldap.so.2(OPENLDAP_2.200)(64bit)");
              assertThat(e.problems().get(0).chain().get(0))
                  .isEqualTo("postgresql-server (requested)");
            });
  }
}
