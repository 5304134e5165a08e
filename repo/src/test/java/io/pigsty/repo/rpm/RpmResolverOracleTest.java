package io.pigsty.repo.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Oracle: for each package list, the set dnf would install from the cs9 fixtures (BaseOS 2022 +
 * AppStream 2025) into an empty installroot is contained in our closure; where dnf fails, we fail
 * too and name a requirement dnf names. dnf must be installed (CI installs it).
 */
class RpmResolverOracleTest {

  static List<RpmRepository> repos;
  static DnfOracle dnf;

  @BeforeAll
  static void load() throws Exception {
    assertThat(DnfOracle.present()).as("dnf must be installed (apt-get install -y dnf)").isTrue();
    Path baseos = ElFixtures.repo("cs9-baseos-2022");
    Path appstream = ElFixtures.repo("cs9-appstream-2025");
    repos =
        List.of(RpmRepository.load("baseos", baseos), RpmRepository.load("appstream", appstream));
    Map<String, Path> m = new LinkedHashMap<>();
    m.put("baseos", baseos);
    m.put("appstream", appstream);
    Path work = Files.createDirectories(Path.of("target", "dnf-oracle").toAbsolutePath());
    dnf = new DnfOracle(work, m, "x86_64");
  }

  static Stream<Arguments> lists() {
    return Stream.of(
            List.of("tmux"),
            List.of("httpd"),
            List.of("nginx"),
            List.of("python3"),
            List.of("postgresql"),
            List.of("git"),
            List.of("vim-enhanced"),
            List.of("curl"),
            List.of("wget"),
            List.of("rsync"),
            List.of("openssh-clients"),
            List.of("perl"),
            List.of("gcc"),
            List.of("make"),
            List.of("zsh"),
            List.of("jq"),
            List.of("lsof", "strace", "tar"),
            List.of("bzip2", "unzip", "sudo"),
            List.of("chrony"),
            List.of("haproxy"),
            List.of("postgresql-server"),
            List.of("redis"),
            List.of("nfs-utils"),
            List.of("python3-psycopg2"),
            List.of("/usr/bin/sh"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lists")
  void closure_containsWhatDnfInstalls(List<String> request) throws Exception {
    DnfOracle.Result oracle = dnf.install(request, false);
    RpmResolver resolver = new RpmResolver(repos, RpmResolver.Options.defaults());
    if (!oracle.resolved()) {
      assertThat(oracle.nothingProvides())
          .as("dnf failed without 'nothing provides':\n" + oracle.output())
          .isNotEmpty();
      try {
        RpmResolver.Resolution r = resolver.resolve(request);
        fail(
            "dnf fails ("
                + oracle.nothingProvides()
                + ") but we resolved "
                + r.packages().size()
                + " packages");
      } catch (ResolutionException e) {
        Set<String> ours = new LinkedHashSet<>();
        e.problems().forEach(p -> ours.add(p.requirement().replace(" 0:", " ")));
        assertThat(ours).as(e.getMessage()).containsAnyElementsOf(oracle.nothingProvides());
        assertThat(e.getMessage()).contains(request.get(0));
      }
      return;
    }
    assertThat(oracle.install()).as("dnf output:\n" + oracle.output()).isNotEmpty();
    RpmResolver.Resolution r = resolver.resolve(request);
    Set<String> missing = new LinkedHashSet<>(oracle.install());
    missing.removeAll(r.nameArches());
    assertThat(missing)
        .as("dnf installs these but our closure lacks them; ours: " + r.nameArches())
        .isEmpty();
    // every package dnf installs is explained by a chain starting at a request
    for (String na : oracle.install()) {
      List<String> why = r.why(na);
      assertThat(why).as(na).isNotEmpty();
      assertThat(why.get(0)).endsWith("(requested)");
    }
  }
}
