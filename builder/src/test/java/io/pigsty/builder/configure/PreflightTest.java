package io.pigsty.builder.configure;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.repo.deb.PackageIndex;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreflightTest {
  static PackageIndex index(String text) throws Exception {
    PackageIndex i = new PackageIndex("amd64");
    i.addPackagesFile(text.getBytes(StandardCharsets.UTF_8), "test");
    return i;
  }

  static String pkg(String name, String version, String depends) {
    return "Package: "
        + name
        + "\nVersion: "
        + version
        + "\nArchitecture: amd64\n"
        + (depends == null ? "" : "Depends: " + depends + "\n")
        + "\n";
  }

  static PackageIndex installed(String... nameVersion) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < nameVersion.length; i += 2) {
      sb.append("Package: ")
          .append(nameVersion[i])
          .append("\nStatus: install ok installed\nArchitecture: amd64\nVersion: ")
          .append(nameVersion[i + 1])
          .append("\n\n");
    }
    sb.append(
        "Package: gone\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1\n\n");
    return Preflight.installed(sb.toString().getBytes(StandardCharsets.UTF_8), "status", "amd64");
  }

  @Test
  void installed_keepsOnlyInstallOkInstalled() throws Exception {
    PackageIndex i = installed("libc6", "2.36-9");
    assertThat(i.knows("libc6")).isTrue();
    assertThat(i.knows("gone")).isFalse();
  }

  @Test
  void check_olderInstalledLibc6IsUpgradedFromTheBundle() throws Exception {
    PackageIndex bundle =
        index(
            pkg("libc6", "2.36-9+deb12u4", null)
                + pkg("libc6-dev", "2.36-9+deb12u4", "libc6 (= 2.36-9+deb12u4)"));
    Preflight.Result r =
        Preflight.check(List.of("libc6-dev"), bundle, installed("libc6", "2.36-9+deb12u3"));
    assertThat(r.conflicts()).isEmpty();
    assertThat(r.closure()).containsExactlyInAnyOrder("libc6-dev", "libc6");
  }

  @Test
  void check_newerInstalledLibc6AgainstAnEqualsPinIsAConflict() throws Exception {
    PackageIndex bundle =
        index(
            pkg("libc6", "2.36-9+deb12u4", null)
                + pkg("libc6-dev", "2.36-9+deb12u4", "libc6 (= 2.36-9+deb12u4)"));
    Preflight.Result r =
        Preflight.check(List.of("libc6-dev"), bundle, installed("libc6", "2.36-9+deb12u14"));
    assertThat(r.conflicts())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.pkg()).isEqualTo("libc6-dev 2.36-9+deb12u4");
              assertThat(c.relation()).isEqualTo("libc6 (= 2.36-9+deb12u4)");
              assertThat(c.reason())
                  .contains("installed libc6 2.36-9+deb12u14")
                  .contains("will not downgrade");
            });
  }

  @Test
  void check_upperBoundOnAnInstalledPackageNotInTheBundle() throws Exception {
    PackageIndex bundle = index(pkg("tool", "1.0", "libfoo (<< 2.0)"));
    assertThat(Preflight.check(List.of("tool"), bundle, installed("libfoo", "2.1")).conflicts())
        .singleElement()
        .satisfies(c -> assertThat(c.reason()).contains("installed libfoo 2.1, not in the bundle"));
    assertThat(Preflight.check(List.of("tool"), bundle, installed("libfoo", "1.9")).ok()).isTrue();
  }

  @Test
  void check_alternativeSatisfiedByTheBundleIsNoConflict() throws Exception {
    PackageIndex bundle =
        index(pkg("tool", "1.0", "libfoo (<< 2.0) | libbar") + pkg("libbar", "3", null));
    Preflight.Result r = Preflight.check(List.of("tool"), bundle, installed("libfoo", "2.1"));
    assertThat(r.ok()).isTrue();
    assertThat(r.closure()).contains("libbar");
  }

  @Test
  void check_dependencyNeitherInstalledNorBundledIsReported() throws Exception {
    PackageIndex bundle = index(pkg("tool", "1.0", "ghost"));
    assertThat(Preflight.check(List.of("tool"), bundle, installed()).conflicts())
        .singleElement()
        .satisfies(
            c -> assertThat(c.reason()).isEqualTo("ghost is neither installed nor in the bundle"));
  }
}
