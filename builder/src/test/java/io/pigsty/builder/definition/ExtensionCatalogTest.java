package io.pigsty.builder.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExtensionCatalogTest {

  private static final Path REAL = Path.of("../bundles/extensions.yml");
  private static final Path FIXTURE = Path.of("src/test/resources/bundle/extensions.yml");

  @Test
  void load_realCatalog_everyAliasButPgvectorResolvesToPg15DebianPackageOnD12() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(REAL);

    assertThat(catalog.aliases())
        .hasSizeGreaterThanOrEqualTo(16)
        .contains(
            "postgis",
            "pg_repack",
            "wal2json",
            "pg_cron",
            "pgaudit",
            "hypopg",
            "pg_partman",
            "orafce");
    for (String alias : catalog.aliases()) {
      ExtensionCatalog.Extension ext = catalog.find(alias).orElseThrow();
      if (alias.equals("pgvector")) {
        assertThat(ext.whyUnavailable("d12", "deb", 15)).contains("not available for d12");
        continue;
      }
      assertThat(ext.whyUnavailable("d12", "deb", 15)).as(alias).isEmpty();
      assertThat(ext.packages("d12", "deb", 15))
          .as(alias)
          .isNotEmpty()
          .allMatch(p -> p.startsWith("postgresql-15-"), "starts with postgresql-15-");
      assertThat(ext.packages("el9", "rpm", 15))
          .as(alias)
          .allMatch(p -> p.endsWith("_15"), "ends with _15");
    }
  }

  @Test
  void find_unknownAlias_isEmpty() throws Exception {
    assertThat(ExtensionCatalog.load(FIXTURE).find("pg_crom")).isEmpty();
  }

  @Test
  void packages_majorsLimit_rejectsOtherMajors() throws Exception {
    ExtensionCatalog.Extension cron = ExtensionCatalog.load(FIXTURE).find("pg_cron").orElseThrow();

    assertThat(cron.majors()).containsExactly(13, 14, 15, 16, 17);
    assertThat(cron.packages("d12", "deb", 17)).containsExactly("postgresql-17-cron");
    assertThat(cron.whyUnavailable("d12", "deb", 12))
        .contains("not available for PostgreSQL 12 (majors: 13, 14, 15, 16, 17)");
    assertThatThrownBy(() -> cron.packages("d12", "deb", 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pg_cron");
  }

  @Test
  void packages_osCodeOverride_winsOverFamilyAndNullMeansUnavailable() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(FIXTURE);
    ExtensionCatalog.Extension override = catalog.find("override").orElseThrow();
    ExtensionCatalog.Extension vector = catalog.find("pgvector").orElseThrow();

    assertThat(override.packages("t12", "deb", 15)).containsExactly("postgresql-15-special");
    assertThat(override.packages("d13", "deb", 15)).containsExactly("postgresql-15-generic");
    assertThat(override.whyUnavailable("el9", "rpm", 15))
        .contains("not available for the rpm family");
    assertThat(vector.whyUnavailable("t12", "deb", 15)).contains("not available for t12");
    assertThat(vector.packages("d13", "deb", 17)).containsExactly("postgresql-17-pgvector");
    assertThat(vector.line()).isEqualTo(4);
  }
}
