package io.pigsty.builder.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.definition.OsTable.File;
import io.pigsty.builder.definition.OsTable.Os;
import io.pigsty.builder.definition.OsTable.Package;
import io.pigsty.builder.definition.OsTable.PgbouncerExporter;
import io.pigsty.builder.definition.OsTable.Unit;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OsTableTest {

  private static final Path REAL = Path.of("../bundles/os.yml");

  @Test
  void load_realTable_bookwormAndTrixieRows() throws Exception {
    OsTable t = OsTable.load(REAL);

    assertThat(t.rows()).extracting(Os::code).containsExactly("d12", "d13");
    assertThat(t.releases()).containsExactly("debian 12", "debian 13");
    Os d12 = t.find("d12").orElseThrow();
    Os d13 = t.find("d13").orElseThrow();
    assertThat(d12.codename()).isEqualTo("bookworm");
    assertThat(d13.codename()).isEqualTo("trixie");
    assertThat(d12.pgMajor()).isEqualTo(15);
    assertThat(d13.pgMajor()).isEqualTo(17);
    // bookworm ships the Python exporter 1.7, trixie prometheus-community's Go one
    assertThat(d12.pgbouncerExporter()).isEqualTo(PgbouncerExporter.PYTHON);
    assertThat(d13.pgbouncerExporter()).isEqualTo(PgbouncerExporter.GO);
    assertThat(d12.file(File.PGBOUNCER_EXPORTER_CONFIG, 15))
        .isEqualTo(Path.of("/etc/prometheus-pgbouncer-exporter.conf"));
    assertThat(d13.file(File.PGBOUNCER_EXPORTER_CONFIG, 17))
        .isEqualTo(Path.of("/etc/default/prometheus-pgbouncer-exporter"));
  }

  @Test
  void row_placeholderIsTheInventorysMajor() throws Exception {
    Os d13 = OsTable.load(REAL).find("d13").orElseThrow();

    assertThat(d13.pkg(Package.POSTGRES, 17)).isEqualTo("postgresql-17");
    assertThat(d13.pkg(Package.POSTGRES_CLIENT, 16)).isEqualTo("postgresql-client-16");
    assertThat(d13.pkg(Package.PATRONI_ETCD, 17)).isEqualTo("python3-etcd");
    assertThat(d13.unit(Unit.PATRONI, 17)).isEqualTo("patroni@17-main.service");
    assertThat(d13.unit(Unit.POSTGRES, 17)).isEqualTo("postgresql@17-main");
    assertThat(d13.unit(Unit.VIP_MANAGER, 17)).isEqualTo("vip-manager@17-main.service");
    assertThat(d13.file(File.PG_CONF_DIR, 17)).isEqualTo(Path.of("/etc/postgresql/17/main"));
    assertThat(d13.file(File.PG_DATA, 17)).isEqualTo(Path.of("/var/lib/postgresql/17/main"));
    assertThat(d13.file(File.PATRONI_CONFIG, 17)).isEqualTo(Path.of("/etc/patroni/17-main.yml"));
  }

  @Test
  void bundled_isTheRepositorysTable() throws Exception {
    assertThat(OsTable.bundled().rows()).isEqualTo(OsTable.load(REAL).rows());
  }

  /** Every Debian bundle definition names a row, and agrees with it. */
  @Test
  void everyDebianBundleDefinition_matchesItsRow() throws Exception {
    OsTable t = OsTable.load(REAL);
    List<Path> defs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("../bundles"), "d*.yml")) {
      ds.forEach(defs::add);
    }
    assertThat(defs).hasSizeGreaterThanOrEqualTo(2);
    for (Path f : defs) {
      BundleDefinition d = BundleDefinition.load(f);
      Os os = t.find(d.name()).orElseThrow(() -> new AssertionError(f + ": no row " + d.name()));
      assertThat(d.target().os()).as(f + " os").isEqualTo(os.id());
      assertThat(d.target().release()).as(f + " release").isEqualTo(os.versionId());
      assertThat(d.target().codename()).as(f + " codename").isEqualTo(os.codename());
      assertThat(d.pgMajor()).as(f + " pg_major").isEqualTo(os.pgMajor());
      assertThat(d.upstreams())
          .as(f + " suites")
          .allSatisfy(u -> assertThat(u.suite()).startsWith(os.codename()));
      // what the installer installs is requested by the bundle
      List<String> requested = d.packages().stream().map(PackageRequest::packageName).toList();
      for (Package p : Package.values()) {
        assertThat(requested).as(f + " " + p).contains(os.pkg(p, d.pgMajor()));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
    "debian, 12, d12",
    "debian, 13, d13",
    "debian, 11, ",
    "debian, 14, ",
    "ubuntu, 12, ",
    "rocky, 9.3, ",
    ", , "
  })
  void forRelease_findsOnlyListedReleases(String id, String versionId, String code)
      throws Exception {
    assertThat(OsTable.load(REAL).forRelease(id, versionId).map(Os::code))
        .isEqualTo(java.util.Optional.ofNullable(code));
  }

  // ---- bad tables: file, line, key path and reason ------------------------------------------

  private static Path variant(Path dir, String from, String to) throws IOException {
    String text = Files.readString(REAL);
    assertThat(text).contains(from);
    Path f = dir.resolve("os.yml");
    Files.writeString(
        f,
        text.replaceFirst(
            java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
    return f;
  }

  private static int lineOf(Path f, String text) throws IOException {
    List<String> lines = Files.readAllLines(f);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " not in " + f);
  }

  @Test
  void load_missingRole_namesTheRowSectionAndRole(@TempDir Path dir) throws Exception {
    Path f = variant(dir, "    patroni: patroni@$v-main.service\n", "");

    assertThatThrownBy(() -> OsTable.load(f))
        .isInstanceOf(DefinitionException.class)
        .hasMessageMatching(
            ".*os\\.yml:\\d+: d12\\.units\\.patroni: missing required key 'patroni'");
  }

  @Test
  void load_unknownRole_suggestsTheNearestOne(@TempDir Path dir) throws Exception {
    Path f = variant(dir, "    haproxy: haproxy\n", "    haproxy: haproxy\n    haproxi: haproxy\n");

    assertThatThrownBy(() -> OsTable.load(f))
        .isInstanceOf(DefinitionException.class)
        .hasMessageContaining("d12.packages.haproxi: unknown key 'haproxi'")
        .hasMessageContaining("did you mean 'haproxy'?");
  }

  @Test
  void load_unknownExporterKind_isRefused(@TempDir Path dir) throws Exception {
    Path f = variant(dir, "pgbouncer_exporter: go ", "pgbouncer_exporter: rust ");

    assertThatThrownBy(() -> OsTable.load(f))
        .isInstanceOf(DefinitionException.class)
        .hasMessage(
            f
                + ":"
                + lineOf(f, "pgbouncer_exporter: rust")
                + ": d13.pgbouncer_exporter: 'rust' is not one of python, go");
  }

  @Test
  void load_releaseOfAnotherCode_isRefused(@TempDir Path dir) throws Exception {
    Path f = variant(dir, "version_id: \"13\"", "version_id: \"12\"");

    assertThatThrownBy(() -> OsTable.load(f))
        .isInstanceOf(DefinitionException.class)
        .hasMessageContaining("d13.version_id: os-release debian 12 has the os code d12, not d13");
  }

  @Test
  void load_relativePathOrOtherPlaceholder_isRefused(@TempDir Path dir) throws Exception {
    Path rel = variant(dir, "etcd_env: /etc/default/etcd", "etcd_env: etc/default/etcd");
    assertThatThrownBy(() -> OsTable.load(rel))
        .hasMessageContaining("d12.paths.etcd_env: 'etc/default/etcd' is not an absolute path");

    Path other = variant(dir, "postgres: postgresql-$v\n", "postgres: postgresql-$major\n");
    assertThatThrownBy(() -> OsTable.load(other))
        .hasMessageContaining(
            "d12.packages.postgres: 'postgresql-$major' is not a Debian package name (only the"
                + " placeholder $v is replaced)");
  }

  @Test
  void load_numberForAName_isRefused(@TempDir Path dir) throws Exception {
    Path f = variant(dir, "codename: trixie", "codename: 13");

    assertThatThrownBy(() -> OsTable.load(f))
        .hasMessageContaining("d13.codename: expected a string, found a number (13)");
  }
}
