package io.pigsty.builder.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pigsty.repo.sign.TrustedKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BundleDefinitionTest {

  private static final Path D12 = Path.of("../bundles/d12.yml");
  private static final Path D13 = Path.of("../bundles/d13.yml");
  private static final Path FIXTURES = Path.of("src/test/resources/bundle");

  private static final List<String> REQUIRED_EXTENSIONS =
      List.of(
          "postgis",
          "pg_repack",
          "wal2json",
          "pg_cron",
          "pgaudit",
          "hypopg",
          "pg_partman",
          "orafce");

  @Test
  void load_realD12_hasTargetAndAtLeastFortyPackages() throws Exception {
    BundleDefinition d = BundleDefinition.load(D12);

    assertThat(d.name()).isEqualTo("d12");
    assertThat(d.version()).isEqualTo("4.0.0");
    assertThat(d.target()).isEqualTo(new Target("debian", "12", "bookworm", "amd64"));
    assertThat(d.osFamily()).isEqualTo("deb");
    assertThat(d.pgMajor()).isEqualTo(15);
    assertThat(d.recommends()).isTrue();
    assertThat(d.baseSystem()).isTrue();
    assertThat(d.packages()).hasSizeGreaterThanOrEqualTo(40);
    assertThat(d.bundleFileName()).isEqualTo("pigsty-pkg-4.0.0.d12.amd64.tgz");
    assertThat(d.packages())
        .extracting(PackageRequest::spec)
        .contains(
            "postgresql-15", "postgresql-client-15", "patroni", "nginx", "etcd-server", "bash")
        .doesNotHaveDuplicates()
        .noneMatch(s -> s.contains("$"));
    assertThat(d.packages())
        .extracting(PackageRequest::module)
        .containsOnly("node", "infra", "pgsql", "extensions");
  }

  @Test
  void load_realD12_expandsAllEightRequiredExtensionsToPg15Packages() throws Exception {
    BundleDefinition d = BundleDefinition.load(D12);

    assertThat(d.extensions()).containsAll(REQUIRED_EXTENSIONS);
    List<PackageRequest> ext =
        d.packages().stream().filter(p -> p.module().equals("extensions")).toList();
    assertThat(ext)
        .extracting(PackageRequest::spec)
        .containsExactly(
            "postgresql-15-postgis-3",
            "postgresql-15-repack",
            "postgresql-15-wal2json",
            "postgresql-15-cron",
            "postgresql-15-pgaudit",
            "postgresql-15-hypopg",
            "postgresql-15-partman",
            "postgresql-15-orafce");
    for (int i = 0; i < REQUIRED_EXTENSIONS.size(); i++) {
      assertThat(ext.get(i).source())
          .matches(
              "\\.\\./bundles/d12\\.yml:\\d+: extensions\\["
                  + i
                  + "\\] \\("
                  + REQUIRED_EXTENSIONS.get(i)
                  + "\\)");
    }
  }

  @Test
  void load_realD12_upstreamKeysAreTheCopiedBookwormKeyrings() throws Exception {
    BundleDefinition d = BundleDefinition.load(D12);

    assertThat(d.upstreams())
        .extracting(Upstream::name)
        .containsExactly("bookworm", "bookworm-updates", "bookworm-security");
    assertThat(d.upstreams())
        .allSatisfy(
            u -> {
              assertThat(u.components()).containsExactly("main");
              assertThat(u.url()).isEmpty();
              assertThat(u.line()).isPositive();
              assertThat(u.keys())
                  .isNotEmpty()
                  .allSatisfy(
                      k -> {
                        assertThat(k).isAbsolute();
                        assertThat(Files.isRegularFile(k)).isTrue();
                        assertThat(k.getParent().getFileName()).hasToString("keys");
                      });
            });
    assertThat(d.upstreams().get(2).keys())
        .extracting(k -> k.getFileName().toString())
        .containsExactly("debian-archive-bookworm-security-automatic.gpg");
    assertThat(d.baseDir()).isEqualTo(Path.of("../bundles").toAbsolutePath().normalize());
  }

  @Test
  void load_realD13_trixieWithPg17AndD12sPackageList() throws Exception {
    BundleDefinition d = BundleDefinition.load(D13);
    BundleDefinition d12 = BundleDefinition.load(D12);

    assertThat(d.name()).isEqualTo("d13");
    assertThat(d.target()).isEqualTo(new Target("debian", "13", "trixie", "amd64"));
    assertThat(d.pgMajor()).isEqualTo(17);
    assertThat(d.baseSystem()).isTrue();
    assertThat(d.bundleFileName()).isEqualTo("pigsty-pkg-4.0.0.d13.amd64.tgz");
    // the same requests as d12 with PostgreSQL 17 for 15 (bundles/os.yml: no renamed package)
    assertThat(d.packages())
        .extracting(PackageRequest::spec)
        .containsExactlyElementsOf(
            d12.packages().stream().map(p -> p.spec().replace("-15", "-17")).toList())
        .contains("postgresql-17", "postgresql-17-postgis-3", "python3-etcd", "etcd-server")
        .noneMatch(s -> s.contains("15"));
  }

  @Test
  void load_realD13_upstreamsAreTrixieSignedByTheTrixieKeysOnly() throws Exception {
    BundleDefinition d = BundleDefinition.load(D13);

    assertThat(d.upstreams())
        .extracting(Upstream::suite)
        .containsExactly("trixie", "trixie-updates", "trixie-security");
    assertThat(d.upstreams()).allSatisfy(u -> assertThat(u.url()).isEmpty());
    // primary key fingerprints as bundles/keys/README.md records them
    assertThat(TrustedKeys.load(d.upstreams().get(0).keys()).fingerprints())
        .containsExactly(
            "04B54C3CDCA79751B16BC6B5225629DF75B188BD", "41587F7DB8C774BCCF131416762F67A0B2C39DE4");
    assertThat(TrustedKeys.load(d.upstreams().get(1).keys()).fingerprints())
        .containsExactly("04B54C3CDCA79751B16BC6B5225629DF75B188BD");
    assertThat(TrustedKeys.load(d.upstreams().get(2).keys()).fingerprints())
        .containsExactly("5E04A1E3223A19A20706E20F9904613D4CCE68C6");
  }

  @Test
  void load_realD12_sourceNamesFileLineAndKeyPath() throws Exception {
    BundleDefinition d = BundleDefinition.load(D12);
    List<String> lines = Files.readAllLines(D12);

    PackageRequest pg =
        d.packages().stream()
            .filter(p -> p.spec().equals("postgresql-15"))
            .findFirst()
            .orElseThrow();
    assertThat(pg.module()).isEqualTo("pgsql");
    assertThat(pg.source()).matches("\\.\\./bundles/d12\\.yml:\\d+: packages\\.pgsql\\[0\\]");
    int line = Integer.parseInt(pg.source().split(":")[1]);
    assertThat(lines.get(line - 1)).contains("postgresql-$v");
  }

  @Test
  void load_versionWrittenAsPlainNumber_keepsItsText() throws Exception {
    BundleDefinition d = BundleDefinition.load(FIXTURES.resolve("good.yml"));

    assertThat(d.version()).isEqualTo("1.10");
    assertThat(d.target().release()).isEqualTo("12");
    assertThat(d.bundleFileName()).isEqualTo("pigsty-pkg-1.10.t12.arm64.tgz");
  }

  @Test
  void load_goodFixture_readsOptionalKeysAndOverrides() throws Exception {
    BundleDefinition d = BundleDefinition.load(FIXTURES.resolve("good.yml"));

    assertThat(d.recommends()).isFalse();
    assertThat(d.baseSystem()).as("base_system defaults to false").isFalse();
    assertThat(d.pgMajor()).isEqualTo(16);
    assertThat(d.upstreams().get(0).url()).contains(URI.create("http://mirror.example/debian"));
    assertThat(d.upstreams().get(0).components()).containsExactly("main", "contrib");
    assertThat(d.upstreams().get(0).line()).isEqualTo(7);
    assertThat(d.upstreams().get(1).line()).isEqualTo(12);
    assertThat(d.packages())
        .extracting(PackageRequest::spec)
        .containsExactly(
            "bash",
            "curl (>= 7.88)",
            "postgresql-16",
            "pgbouncer",
            "postgresql-16-postgis-3", // family entry
            "postgresql-16-pair",
            "postgresql-16-pair-scripts", // list value
            "postgresql-16-special"); // t12 override wins
    assertThat(d.packages().get(1).packageName()).isEqualTo("curl");
    assertThat(d.packages().get(1).source())
        .isEqualTo(FIXTURES.resolve("good.yml") + ":14: packages.node[1]");
    assertThat(d.packages().get(6).source())
        .isEqualTo(FIXTURES.resolve("good.yml") + ":18: extensions[1] (pair)");
  }

  @Test
  void load_rpmTarget_expandsPgdgNamesAndAllowsNoComponents() throws Exception {
    BundleDefinition d = BundleDefinition.load(FIXTURES.resolve("good-el.yml"));

    assertThat(d.osFamily()).isEqualTo("rpm");
    assertThat(d.target().codename()).isEmpty();
    assertThat(d.upstreams().get(0).components()).isEmpty();
    assertThat(d.upstreams().get(0).url()).contains(URI.create("http://mirror.example/el9"));
    assertThat(d.packages())
        .extracting(PackageRequest::spec)
        .containsExactly(
            "postgresql15-server", "pgbouncer", "postgis34_15", "pg_cron_15", "pair_15");
    assertThat(d.bundleFileName()).isEqualTo("pigsty-pkg-2.0.el9.x86_64.tgz");
  }

  @Test
  void load_baseOfBadFixtures_isValid() throws Exception {
    // every bad/*.yml fixture is this file with one change; it must load cleanly itself
    BundleDefinition d = BundleDefinition.load(FIXTURES.resolve("bad/valid-base.yml"));

    assertThat(d.packages())
        .extracting(PackageRequest::spec)
        .containsExactly(
            "bash",
            "curl",
            "postgresql-15",
            "pgbouncer",
            "postgresql-15-postgis-3",
            "postgresql-15-cron");
  }

  @Test
  void load_missingDefinitionFile_throwsIOException() {
    assertThatThrownBy(() -> BundleDefinition.load(FIXTURES.resolve("bad/no-such.yml")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("no-such.yml");
  }

  @Test
  void load_catalogWithTypo_reportsCatalogFileLineAndKey() {
    DefinitionException e =
        catchThrowableOfType(
            DefinitionException.class,
            () -> BundleDefinition.load(FIXTURES.resolve("bad/catalog-typo.yml")));

    assertThat(e.file()).isEqualTo(FIXTURES.resolve("bad/extensions-typo.yml"));
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.keyPath()).isEqualTo("postgis.dbe");
    assertThat(e.reason()).startsWith("unknown key 'dbe' (did you mean 'deb'?)");
  }

  @Test
  void constructor_rejectsVersionUnfitForFileName() {
    Target t = new Target("debian", "12", "bookworm", "amd64");
    Upstream u =
        new Upstream(
            "main", "bookworm", List.of("main"), List.of(Path.of("k.gpg")), Optional.empty(), 0);
    List<PackageRequest> p = List.of(new PackageRequest("node", "bash", "test"));

    assertThatThrownBy(
            () ->
                new BundleDefinition(
                    Path.of("x.yml"), "d12", "1.0/evil", t, 15, true, List.of(u), p, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.0/evil");
    assertThat(
            new BundleDefinition(
                    Path.of("x.yml"), "d12", "1.0", t, 15, true, List.of(u), p, List.of())
                .bundleFileName())
        .isEqualTo("pigsty-pkg-1.0.d12.amd64.tgz");
  }

  @Test
  void constructor_rejectsSamePackageTwice() {
    Target t = new Target("debian", "12", "bookworm", "amd64");
    Upstream u =
        new Upstream(
            "main", "bookworm", List.of("main"), List.of(Path.of("k.gpg")), Optional.empty(), 0);
    List<PackageRequest> p =
        List.of(
            new PackageRequest("node", "bash", "a"),
            new PackageRequest("infra", "bash (>= 5)", "b"));

    assertThatThrownBy(
            () ->
                new BundleDefinition(
                    Path.of("x.yml"), "d12", "1.0", t, 15, true, List.of(u), p, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void target_rejectsRpmArchOnDebianAndMapsFamilies() {
    assertThatThrownBy(() -> new Target("debian", "12", "bookworm", "x86_64"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amd64, arm64");
    assertThat(new Target("rocky", "9", "", "aarch64").osFamily()).isEqualTo("rpm");
    assertThat(new Target("ubuntu", "22.04", "jammy", "arm64").osFamily()).isEqualTo("deb");
    assertThat(Target.familyOf("arch")).isEmpty();
  }

  @Test
  void exception_messageIsFileLineKeyPathReason() {
    DefinitionException e =
        new DefinitionException(Path.of("bundles/d12.yml"), 14, "packages.pgsql[3]", "bad");
    assertThat(e).hasMessage("bundles/d12.yml:14: packages.pgsql[3]: bad");
    assertThat(new DefinitionException(Path.of("a.yml"), 0, "", "empty"))
        .hasMessage("a.yml: empty");
  }

  @ParameterizedTest
  @CsvSource({
    "el9, 9, pgdg17, RPM-GPG-KEY-Rocky-9, postgresql17-server",
    "el8, 8, pgdg16, RPM-GPG-KEY-Rocky-8, postgresql16-server"
  })
  void elDefinitionsLoadWithVendorKeysAndPgdgRepomdChecks(
      String name, String release, String pgdg, String key, String server) throws Exception {
    BundleDefinition d = BundleDefinition.load(Path.of("../bundles/" + name + ".yml"));
    assertThat(d.osFamily()).isEqualTo("rpm");
    assertThat(d.target().release()).isEqualTo(release);
    assertThat(d.bundleFileName()).isEqualTo("pigsty-pkg-4.0.0." + name + ".x86_64.tgz");
    assertThat(d.upstreams()).allMatch(Upstream::gpgcheck).allMatch(u -> u.url().isEmpty());
    Upstream baseos = d.upstreams().get(0);
    assertThat(baseos.keys())
        .singleElement()
        .satisfies(k -> assertThat(k.getFileName().toString()).isEqualTo(key));
    assertThat(baseos.repoGpgcheck()).isFalse();
    assertThat(d.upstreams())
        .filteredOn(u -> u.suite().equals(pgdg))
        .singleElement()
        .satisfies(u -> assertThat(u.repoGpgcheck()).isTrue());
    assertThat(d.packages())
        .extracting(PackageRequest::packageName)
        .contains(server, "pgbouncer", "patroni");
    // every shipped key file is a public key that loads
    for (Upstream u : d.upstreams()) {
      assertThat(TrustedKeys.load(u.keys()).fingerprints()).isNotEmpty();
    }
  }
}
