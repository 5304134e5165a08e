package io.pigsty.builder.bundle.deb;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.repo.deb.PackageIndex;
import io.pigsty.repo.solve.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The base set on a two-suite stanza fixture ({@code bundle/base-system/*.Packages}). */
class BaseSystemTest {
  private static final Path DIR = Path.of("src/test/resources/bundle/base-system");
  private PackageIndex index;

  @BeforeEach
  void load() throws Exception {
    index = new PackageIndex("amd64");
    index.addPackagesFile(Files.readAllBytes(DIR.resolve("bookworm.Packages")), "bookworm");
    index.addPackagesFile(
        Files.readAllBytes(DIR.resolve("bookworm-security.Packages")), "bookworm-security");
  }

  private static List<String> names(List<Request> reqs) {
    return reqs.stream().map(Request::spec).toList();
  }

  @Test
  void requests_essentialThenRequiredThenImportantThenExtras() {
    List<Request> reqs = BaseSystem.requests(index, Set.of());

    // essential (sorted), required, important, then the extras the index has and the priority
    // groups did not already bring: openssh-server and usr-is-merged (Priority optional here)
    assertThat(names(reqs))
        .containsExactly(
            "base-files",
            "init-system-helpers",
            "apt",
            "mawk",
            "cron",
            "libfoo1",
            "systemd",
            "openssh-server",
            "usr-is-merged");
    assertThat(reqs).extracting(Request::origin).containsOnly(BaseSystem.ORIGIN);
  }

  @Test
  void requests_leaveOutStandardOptionalAndOtherArchitectures() {
    List<String> names = names(BaseSystem.requests(index, Set.of()));

    assertThat(names)
        .doesNotContain("nano", "usrmerge", "tasksel-data"); // standard; optional; arm64 only
  }

  @Test
  void requests_countAPackageWhenAnyVersionQualifies() {
    // libfoo1 is important in bookworm but optional in its newer security version
    assertThat(index.versions("libfoo1").get(0).priorityRank()).isEqualTo(3);

    assertThat(names(BaseSystem.requests(index, Set.of()))).contains("libfoo1");
  }

  @Test
  void requests_skipNamesTheDefinitionRequestsAndExtrasTheIndexLacks() {
    PackageIndex small = new PackageIndex("amd64");
    small.add(index.versions("mawk").get(0));

    assertThat(names(BaseSystem.requests(index, Set.of("systemd", "apt"))))
        .doesNotContain("systemd", "apt")
        .contains("mawk", "openssh-server");
    assertThat(names(BaseSystem.requests(small, Set.of()))).containsExactly("mawk");
  }
}
