package io.pigsty.builder.bundle.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.bundle.rpm.RpmBundleBuilderTest;
import io.pigsty.repo.Digests;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.sign.BundleKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class RepoIndexerTest {
  @TempDir Path tmp;

  private static byte[] deb(String name, String version) throws Exception {
    return FakeArchive.deb(
        "Package: "
            + name
            + "\nVersion: "
            + version
            + "\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: "
            + name
            + "\n");
  }

  @Test
  void index_writesPackagesReleaseAndInReleaseThatGpgvAccepts() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve("sub"));
    byte[] a = deb("alpha", "1.0-1");
    Files.write(repo.resolve("alpha_1.0-1_all.deb"), a);
    Files.write(repo.resolve("sub/beta_2_all.deb"), deb("beta", "2"));
    BundleKey key = BundleKey.loadOrCreate(tmp.resolve("key"), "test");
    int n = RepoIndexer.index(repo, key, Instant.now().plusSeconds(5));
    assertThat(n).isEqualTo(2);
    String packages = Files.readString(repo.resolve("Packages"));
    assertThat(packages)
        .contains(
            "Package: alpha\n",
            "Filename: ./alpha_1.0-1_all.deb\n",
            "Size: " + a.length + "\n",
            "SHA256: " + Digests.sha256Hex(a) + "\n",
            "Filename: ./sub/beta_2_all.deb\n");
    assertThat(Files.readString(repo.resolve("Release")))
        .contains(Digests.sha256Hex(repo.resolve("Packages.gz")));
    Process gpgv =
        new ProcessBuilder(
                "gpgv",
                "--keyring",
                repo.resolve("pigsty.gpg").toString(),
                repo.resolve("InRelease").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(gpgv.getInputStream().readAllBytes());
    assertThat(gpgv.waitFor()).as(out).isZero();
    assertThat(out).contains("Good signature");
  }

  @Test
  void index_truncatedDebFailsNamingItAndWritesNothing() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo);
    Files.write(repo.resolve("good_1_all.deb"), deb("good", "1"));
    byte[] bad = deb("bad", "1");
    Files.write(repo.resolve("bad_1_all.deb"), Arrays.copyOf(bad, 70));
    BundleKey key = BundleKey.loadOrCreate(tmp.resolve("key"), "test");
    assertThatThrownBy(() -> RepoIndexer.index(repo, key, Instant.now().plusSeconds(5)))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("bad_1_all.deb");
    try (var s = Files.list(repo)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("good_1_all.deb", "bad_1_all.deb");
    }
  }

  /**
   * The shared EL fixtures (real repodata and RPMs, see SOURCES.md there): environment {@code
   * PIGSTY_FIXTURES_EL} (the Makefile sets it), else {@code ../shared/fixtures/el} beside the
   * checkout (where CI has its copy of shared/). Missing fixtures fail the test with the path that
   * was expected; they are never skipped.
   */
  public static Path elFixtures() {
    String env = System.getenv("PIGSTY_FIXTURES_EL");
    if (env != null && !env.isBlank()) {
      Path given = Path.of(env).toAbsolutePath();
      if (!Files.isDirectory(given.resolve("rpms"))) {
        throw new IllegalStateException(
            "EL fixtures not found: PIGSTY_FIXTURES_EL is "
                + given
                + ", which has no rpms/ directory");
      }
      return given;
    }
    Path checkout = null;
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("pom.xml"))
          && Files.isDirectory(d.resolve("repo"))
          && Files.isDirectory(d.resolve("builder"))) {
        checkout = d;
        break;
      }
    }
    Path expected =
        checkout == null ? null : checkout.resolveSibling("shared").resolve("fixtures/el");
    if (expected != null && Files.isDirectory(expected.resolve("rpms"))) {
      return expected;
    }
    throw new IllegalStateException(
        "EL fixtures not found: expected them at "
            + (expected == null
                ? "../shared/fixtures/el beside the checkout (no checkout found above "
                    + Path.of("").toAbsolutePath()
                    + ")"
                : expected + " (../shared/fixtures/el beside the checkout)")
            + ". They are real EL repodata and RPMs (provenance in their SOURCES.md), kept outside the repository:"
            + " put a copy of the project's shared/ folder beside the clone, as CI does,"
            + " or set PIGSTY_FIXTURES_EL to a copy of fixtures/el");
  }

  @Test
  void index_rpmDirectoryIsOneDnfInstallsAClosedSetFromWithRepoGpgcheck() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("closed"));
    for (String r :
        new String[] {
          "kmod-zfs-devel-2.1.5-1.el9.x86_64.rpm",
          "bzip2-static-1.0.8-18.el9.x86_64.rpm",
          "empty-0-0.x86_64.rpm"
        }) {
      Files.copy(elFixtures().resolve("rpms").resolve(r), repo.resolve(r));
    }
    RepoIndexer.index(
        repo,
        BundleKey.loadOrCreate(tmp.resolve("key"), "test"),
        Instant.now().plusSeconds(5),
        true);
    Path reposd = Files.createDirectories(tmp.resolve("reposd"));
    Files.writeString(
        reposd.resolve("local.repo"),
        "[local]\nname=local\nbaseurl=file://"
            + repo
            + "\nrepo_gpgcheck=1\ngpgcheck=0\ngpgkey=file://"
            + repo.resolve("RPM-GPG-KEY-pigsty")
            + "\n");
    Path root = Files.createDirectories(tmp.resolve("root"));
    String out =
        RpmBundleBuilderTest.run(
            List.of(
                "dnf",
                "-y",
                "--installroot=" + root,
                "--setopt=reposdir=" + reposd,
                "--setopt=cachedir=" + tmp.resolve("dnfcache"),
                "--releasever=9",
                "--forcearch=x86_64",
                "--setopt=tsflags=nodocs,noscripts",
                "install",
                "kmod-zfs-devel",
                "bzip2-static",
                "empty"));
    assertThat(out).contains("Complete!");
    assertThat(
            RpmBundleBuilderTest.run(
                List.of("rpm", "--root=" + root, "-q", "kmod-zfs-devel", "bzip2-static", "empty")))
        .contains(
            "kmod-zfs-devel-2.1.5-1.el9.x86_64",
            "bzip2-static-1.0.8-18.el9.x86_64",
            "empty-0-0.x86_64");
  }

  @Test
  void index_listsAGivenModulesYamlWhichDnfReads() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("mod"));
    Files.copy(
        elFixtures().resolve("rpms/empty-0-0.x86_64.rpm"), repo.resolve("empty-0-0.x86_64.rpm"));
    // the real cs9 AppStream modules.yaml, xz-compressed as published
    Path modules;
    try (var s = Files.list(elFixtures().resolve("cs9-appstream-2025/repodata"))) {
      modules = s.filter(p -> p.toString().endsWith("-modules.yaml.xz")).findFirst().orElseThrow();
    }
    RepoIndexer.index(
        repo,
        BundleKey.loadOrCreate(tmp.resolve("key"), "test"),
        Instant.now().plusSeconds(5),
        false,
        modules);
    assertThat(Files.readString(repo.resolve("repodata/repomd.xml")))
        .contains("<data type=\"modules\">");
    Path reposd = Files.createDirectories(tmp.resolve("reposd-mod"));
    Files.writeString(
        reposd.resolve("local.repo"),
        "[local]\nname=local\nbaseurl=file://" + repo + "\ngpgcheck=0\n");
    String out =
        RpmBundleBuilderTest.run(
            List.of(
                "dnf",
                "--installroot=" + Files.createDirectories(tmp.resolve("root-mod")),
                "--setopt=reposdir=" + reposd,
                "--setopt=cachedir=" + tmp.resolve("dnfcache-mod"),
                "--releasever=9",
                "--forcearch=x86_64",
                "module",
                "list"));
    assertThat(out).contains("nginx").contains("postgresql");

    Path debs = Files.createDirectories(tmp.resolve("debs-mod"));
    Files.write(
        debs.resolve("x_1_all.deb"),
        FakeArchive.deb("Package: x\nVersion: 1\nArchitecture: all\n"));
    assertThatThrownBy(
            () ->
                RepoIndexer.index(
                    debs,
                    BundleKey.loadOrCreate(tmp.resolve("key"), "test"),
                    Instant.now().plusSeconds(5),
                    false,
                    modules))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("applies to RPM repositories");
  }

  @Test
  void index_writesWorldReadableFilesForAptAndDnfUsers() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("modes"));
    Files.copy(
        elFixtures().resolve("rpms/bzip2-static-1.0.8-18.el9.x86_64.rpm"), repo.resolve("b.rpm"));
    RepoIndexer.index(
        repo,
        BundleKey.loadOrCreate(tmp.resolve("key"), "test"),
        Instant.now().plusSeconds(5),
        false);
    try (var s = Files.walk(repo)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().equals("b.rpm")) {
          continue;
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
            .as(p.toString())
            .matches(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--");
      }
    }
  }

  @Test
  void index_rpmDirectoryGetsRepodataWithRepomdSignatureGpgvAccepts() throws Exception {
    Path repo = tmp.resolve("el");
    Files.createDirectories(repo);
    for (String r :
        new String[] {"bzip2-1.0.8-18.el9.x86_64.rpm", "bzip2-libs-1.0.8-18.el9.x86_64.rpm"}) {
      Files.copy(elFixtures().resolve("rpms").resolve(r), repo.resolve(r));
    }
    BundleKey key = BundleKey.loadOrCreate(tmp.resolve("key"), "test");
    assertThat(RepoIndexer.index(repo, key, Instant.now().plusSeconds(5), true)).isEqualTo(2);
    assertThat(Files.readString(repo.resolve("repodata/repomd.xml")))
        .contains("-primary.xml.zst\"");
    assertThat(Files.readString(repo.resolve("RPM-GPG-KEY-pigsty")))
        .startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----");
    Process gpgv =
        new ProcessBuilder(
                "gpgv",
                "--keyring",
                repo.resolve("pigsty.gpg").toString(),
                repo.resolve("repodata/repomd.xml.asc").toString(),
                repo.resolve("repodata/repomd.xml").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(gpgv.getInputStream().readAllBytes());
    assertThat(gpgv.waitFor()).as(out).isZero();
    assertThat(out).contains("Good signature");
  }

  @Test
  void index_refusesMixedDebAndRpm() throws Exception {
    Path repo = tmp.resolve("mixed");
    Files.createDirectories(repo);
    Files.write(repo.resolve("a_1_all.deb"), deb("a", "1"));
    Files.copy(
        elFixtures().resolve("rpms/bzip2-libs-1.0.8-18.el9.x86_64.rpm"), repo.resolve("b.rpm"));
    BundleKey key = BundleKey.loadOrCreate(tmp.resolve("key"), "test");
    assertThatThrownBy(() -> RepoIndexer.index(repo, key, Instant.now().plusSeconds(5), false))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("both .deb and .rpm");
  }
}
