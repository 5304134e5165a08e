package io.pigsty.builder.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code extensions: all} in a bundle definition, over a catalog with archive records. */
class ExtensionsAllTest {
  private static final Path FIXTURES = Path.of("src/test/resources/bundle");

  @TempDir Path tmp;

  @BeforeEach
  void copyFixtures() throws Exception {
    Files.createDirectories(tmp.resolve("keys"));
    Files.copy(FIXTURES.resolve("keys/example.gpg"), tmp.resolve("keys/example.gpg"));
    Files.copy(FIXTURES.resolve("extensions-archive.yml"), tmp.resolve("extensions.yml"));
  }

  private Path definition(String name, int major, String pgsql, String extensions)
      throws Exception {
    return Files.writeString(
        tmp.resolve(name + ".yml"),
        "name: "
            + name
            + "\nversion: \"1\"\ntarget: {os: debian, release: \"12\", codename: bookworm,"
            + " arch: amd64}\npg_major: "
            + major
            + "\nupstreams:\n  - {name: main, suite: bookworm, components: [main],"
            + " keys: [keys/example.gpg]}\npackages:\n  pgsql: ["
            + pgsql
            + "]\nextensions: "
            + extensions
            + "\n");
  }

  @Test
  void all_takesEveryEntryWithARecordForTheTarget_andLeavesModulePackagesToTheModule()
      throws Exception {
    BundleDefinition d =
        BundleDefinition.load(definition("t12", 15, "postgresql-$v, postgresql-$v-cron", "all"));

    assertThat(d.extensions()).containsExactly("pg_cron", "postgis", "wal2json", "pglogical");
    assertThat(d.packages())
        .filteredOn(p -> p.module().equals("extensions"))
        .extracting(PackageRequest::packageName)
        .containsExactly(
            "postgresql-15-postgis-3", "postgresql-15-wal2json", "postgresql-15-pglogical");
    assertThat(d.packages())
        .extracting(PackageRequest::packageName)
        .doesNotHaveDuplicates()
        .doesNotContain("postgresql-15-gone", "postgresql-15-pgvector");
    assertThat(d.packages())
        .filteredOn(p -> p.packageName().equals("postgresql-15-pglogical"))
        .singleElement()
        .extracting(PackageRequest::source)
        .asString()
        .endsWith(": extensions (all: pglogical)");
  }

  @Test
  void all_otherTargetOfTheSameCatalog() throws Exception {
    BundleDefinition d = BundleDefinition.load(definition("t13", 17, "postgresql-$v", "all"));

    assertThat(d.extensions()).containsExactly("pglogical");
    assertThat(d.packages())
        .extracting(PackageRequest::packageName)
        .contains("postgresql-17-pglogical");
  }

  @Test
  void all_targetTheCatalogHasNoRecordFor_saysToRunTheUpdate() throws Exception {
    Path def = definition("t12", 16, "postgresql-$v", "all");

    assertThatThrownBy(() -> BundleDefinition.load(def))
        .isInstanceOf(DefinitionException.class)
        .hasMessage(
            def
                + ":9: extensions: 'all' takes the entries "
                + tmp.resolve("extensions.yml")
                + " has for t12-16, and it has none (it has t12-15, t13-17); run 'pigsty catalog"
                + " update "
                + def
                + "' first");
  }

  @Test
  void extensions_otherWord_isRefused() throws Exception {
    Path def = definition("t12", 15, "postgresql-$v", "everything");

    assertThatThrownBy(() -> BundleDefinition.load(def))
        .isInstanceOf(DefinitionException.class)
        .hasMessage(
            def + ":9: extensions: expected a list of aliases or 'all', found 'everything'");
  }

  @Test
  void loadForCatalog_leavesExtensionsAloneAndNamesTheCatalog() throws Exception {
    Path def = definition("t12", 16, "postgresql-$v", "all");
    Files.delete(tmp.resolve("extensions.yml"));

    BundleDefinition.ForCatalog fc = BundleDefinition.loadForCatalog(def);

    assertThat(fc.catalog()).isEqualTo(tmp.resolve("extensions.yml"));
    assertThat(fc.definition().extensions()).isEmpty();
    assertThat(fc.definition().packages())
        .extracting(PackageRequest::packageName)
        .containsExactly("postgresql-16");
  }

  @Test
  void aliasNotInTheTargetsArchive_isUnavailableWithTheReason() throws Exception {
    Path def = definition("t12", 15, "postgresql-$v", "[pg_cron, gone]");

    assertThatThrownBy(() -> BundleDefinition.load(def))
        .isInstanceOf(DefinitionException.class)
        .hasMessageContaining(
            "extensions[1]: extension 'gone' is not in the t12 archive for PostgreSQL 15"
                + " (postgresql-15-gone not found when");
  }
}
