package io.pigsty.builder.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtensionCatalogTest {

  private static final Path REAL = Path.of("../bundles/extensions.yml");
  private static final Path FIXTURE = Path.of("src/test/resources/bundle/extensions.yml");
  private static final Path ARCHIVE = Path.of("src/test/resources/bundle/extensions-archive.yml");

  @TempDir Path tmp;

  @Test
  void load_realCatalog_everyAliasButPgvectorResolvesToPg15DebianPackageOnD12() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(REAL);

    assertThat(catalog.aliases())
        .hasSizeGreaterThanOrEqualTo(21)
        .contains(
            "postgis",
            "pg_repack",
            "wal2json",
            "pg_cron",
            "pgaudit",
            "hypopg",
            "pg_partman",
            "orafce");
    ExtensionCatalog.Extension vector = catalog.find("pgvector").orElseThrow();
    assertThat(catalog.whyUnavailable(vector, "d12", "deb", 15)).contains("not available for d12");
    assertThat(catalog.whyUnavailable(vector, "d13", "deb", 17)).isEmpty();
    List<ExtensionCatalog.Extension> d12 = catalog.available("d12", 15);
    assertThat(d12).hasSizeGreaterThanOrEqualTo(70);
    for (String alias : catalog.aliases()) {
      ExtensionCatalog.Extension ext = catalog.find(alias).orElseThrow();
      if (!d12.contains(ext)) {
        // pgvector, and the entries only trixie has (age ...): unavailable, saying why
        assertThat(catalog.whyUnavailable(ext, "d12", "deb", 15)).as(alias).isPresent();
        continue;
      }
      assertThat(catalog.whyUnavailable(ext, "d12", "deb", 15)).as(alias).isEmpty();
      assertThat(catalog.packages(ext, "d12", "deb", 15))
          .as(alias)
          .singleElement()
          .matches(p -> p.matches("postgresql-(15-.+|pl[a-z0-9]+-15)"), "a PostgreSQL 15 package");
      if (ext.byFamily().containsKey("rpm")) {
        assertThat(catalog.packages(ext, "el9", "rpm", 15))
            .as(alias)
            .allMatch(p -> p.endsWith("_15"), "ends with _15");
      }
    }
  }

  @Test
  void load_realCatalog_hasTheArchiveOfD12AndThePreloadFactsThatAreKnown() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(REAL);

    assertThat(catalog.covers("d12", 15)).isTrue();
    assertThat(catalog.available("d12", 15)).hasSizeGreaterThan(60);
    for (String needs :
        List.of("pg_cron", "pgaudit", "pg_stat_kcache", "pg_qualstats", "pg_wait_sampling")) {
      assertThat(catalog.preloadLibraries("d12", 15, List.of(needs))).as(needs).contains(needs);
    }
    assertThat(catalog.preloadLibraries("d12", 15, List.of("pglogical", "set_user")))
        .containsExactly("pglogical", "set_user");
    assertThat(
            catalog.preloadLibraries(
                "d12",
                15,
                List.of(
                    "wal2json", "postgis", "hypopg", "pg_repack", "orafce", "ip4r", "rum", "hll")))
        .isEmpty();
    // the hand-written rpm names and aliases stay
    assertThat(catalog.find("pg_repack").orElseThrow().byFamily().get("rpm"))
        .containsExactly("pg_repack_$v");
    assertThat(catalog.packages(catalog.find("pldbgapi").orElseThrow(), "d12", "deb", 15))
        .containsExactly("postgresql-15-pldebugger");
  }

  @Test
  void load_realCatalog_wal2jsonIsAnOutputPluginOnBothTargets_postgisIsNot() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(REAL);

    for (String target : List.of("d12-15", "d13-17")) {
      String os = target.split("-")[0];
      int major = Integer.parseInt(target.split("-")[1]);
      assertThat(catalog.covers(os, major)).as(target).isTrue();
      assertThat(catalog.outputPlugins(os, major, List.of("wal2json")))
          .as(target)
          .containsExactly("wal2json");
      assertThat(catalog.outputPlugins(os, major, List.of("postgis", "postgis_topology")))
          .as(target)
          .isEmpty();
      assertThat(catalog.outputPlugins(os, major, List.of("pg_cron", "pgaudit", "pg_repack")))
          .as(target)
          .isEmpty();
      // the whole target: few modules are output plugins, each one its own package's module
      List<ExtensionCatalog.Archived> marked =
          catalog.available(os, major).stream()
              .map(e -> e.archived(os, major).orElseThrow())
              .filter(a -> !a.outputPlugins().isEmpty())
              .toList();
      assertThat(marked)
          .as(target)
          .extracting(ExtensionCatalog.Archived::packageName)
          .contains("postgresql-" + major + "-wal2json")
          .hasSizeLessThan(10);
    }
  }

  @Test
  void bundled_isTheSameCatalogAsBundlesExtensionsYml() throws Exception {
    assertThat(ExtensionCatalog.bundled().toYaml())
        .isEqualTo(ExtensionCatalog.load(REAL).toYaml())
        .isEqualTo(Files.readString(REAL));
  }

  @Test
  void find_unknownAlias_isEmpty() throws Exception {
    assertThat(ExtensionCatalog.load(FIXTURE).find("pg_crom")).isEmpty();
  }

  @Test
  void packages_majorsLimit_rejectsOtherMajors() throws Exception {
    ExtensionCatalog.Extension cron = ExtensionCatalog.load(FIXTURE).find("pg_cron").orElseThrow();

    assertThat(cron.majors()).containsExactly(13, 14, 15, 16, 17);
    ExtensionCatalog catalog = ExtensionCatalog.load(FIXTURE);
    assertThat(catalog.packages(cron, "d12", "deb", 17)).containsExactly("postgresql-17-cron");
    assertThat(catalog.whyUnavailable(cron, "d12", "deb", 12))
        .contains("not available for PostgreSQL 12 (majors: 13, 14, 15, 16, 17)");
    assertThatThrownBy(() -> catalog.packages(cron, "d12", "deb", 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pg_cron");
  }

  @Test
  void packages_osCodeOverride_winsOverFamilyAndNullMeansUnavailable() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(FIXTURE);
    ExtensionCatalog.Extension override = catalog.find("override").orElseThrow();
    ExtensionCatalog.Extension vector = catalog.find("pgvector").orElseThrow();

    assertThat(catalog.packages(override, "t12", "deb", 15))
        .containsExactly("postgresql-15-special");
    assertThat(catalog.packages(override, "d13", "deb", 15))
        .containsExactly("postgresql-15-generic");
    assertThat(catalog.whyUnavailable(override, "el9", "rpm", 15))
        .contains("not available for the rpm family");
    assertThat(catalog.whyUnavailable(vector, "t12", "deb", 15)).contains("not available for t12");
    assertThat(catalog.packages(vector, "d13", "deb", 17))
        .containsExactly("postgresql-17-pgvector");
    assertThat(vector.line()).isEqualTo(4);
  }

  @Test
  void whyUnavailable_coveredTargetWithoutRecord_namesTheArchiveAndThePackage() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(ARCHIVE);
    ExtensionCatalog.Extension gone = catalog.find("gone").orElseThrow();

    assertThat(catalog.covers("t12", 15)).isTrue();
    assertThat(catalog.covers("t12", 16)).isFalse();
    assertThat(catalog.whyUnavailable(gone, "t12", "deb", 15))
        .contains(
            "not in the t12 archive for PostgreSQL 15 (postgresql-15-gone not found when "
                + ARCHIVE
                + " was updated from it)");
    // another major of the same OS has no record anywhere: the template applies
    assertThat(catalog.packages(gone, "t12", "deb", 16)).containsExactly("postgresql-16-gone");
    assertThat(catalog.packages(gone, "el9", "rpm", 15)).containsExactly("gone_15");
    // the override still speaks first
    assertThat(catalog.whyUnavailable(catalog.find("pgvector").orElseThrow(), "t12", "deb", 15))
        .contains("not available for t12");
  }

  @Test
  void available_isEveryEntryWithARecordForTheTarget_inFileOrder() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(ARCHIVE);

    assertThat(catalog.available("t12", 15))
        .extracting(ExtensionCatalog.Extension::alias)
        .containsExactly("pg_cron", "postgis", "wal2json", "pglogical");
    assertThat(catalog.available("t13", 17))
        .extracting(ExtensionCatalog.Extension::alias)
        .containsExactly("pglogical");
    assertThat(catalog.targets()).containsExactly("t12-15", "t13-17");
  }

  @Test
  void providing_findsCreateExtensionNamesOfTheTargetsRecord() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(ARCHIVE);

    assertThat(catalog.providing("postgis_topology", "t12", 15))
        .map(ExtensionCatalog.Extension::alias)
        .contains("postgis");
    assertThat(catalog.providing("pglogical_origin"))
        .map(ExtensionCatalog.Extension::alias)
        .contains("pglogical");
    assertThat(catalog.providing("pg_trgm", "t12", 15)).isEmpty();
  }

  @Test
  void preloadLibraries_inCatalogOrderWithoutDuplicates() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(ARCHIVE);

    assertThat(
            catalog.preloadLibraries(
                "t12",
                15,
                List.of("pglogical_origin", "postgis", "pg_cron", "pglogical", "pg_trgm")))
        .containsExactly("pg_cron", "pglogical");
    assertThat(catalog.preloadLibraries("t13", 17, List.of("pg_cron", "pglogical")))
        .containsExactly("pglogical");
    assertThat(catalog.preloadLibraries("u24", 17, List.of("pg_cron"))).isEmpty();
  }

  @Test
  void outputPlugins_inCatalogOrderWithoutDuplicates_aliasWithoutExtensionNames() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(ARCHIVE);

    // wal2json comes before pglogical in the file; pglogical_origin and pglogical are one entry
    assertThat(
            catalog.outputPlugins(
                "t12",
                15,
                List.of("pglogical_origin", "pg_cron", "pglogical", "wal2json", "pg_trgm", "nope")))
        .containsExactly("wal2json", "pglogical", "pglogical_output");
    // wal2json is an alias whose package gives no CREATE EXTENSION name
    assertThat(catalog.find("wal2json").orElseThrow().allExtensionNames()).isEmpty();
    assertThat(catalog.outputPlugins("t12", 15, List.of("wal2json"))).containsExactly("wal2json");
    assertThat(catalog.outputPlugins("t12", 15, List.of("pg_cron", "postgis"))).isEmpty();
    assertThat(catalog.outputPlugins("t12", 15, List.of())).isEmpty();
    // per target: t13-17 has only pglogical_output, and no wal2json record
    assertThat(catalog.outputPlugins("t13", 17, List.of("wal2json", "pglogical")))
        .containsExactly("pglogical_output");
    assertThat(catalog.outputPlugins("u24", 17, List.of("wal2json"))).isEmpty();
  }

  @Test
  void load_recordWithoutOutputPlugins_readsAsNone_andIsWrittenWithAnEmptyList() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(ARCHIVE);

    assertThat(Files.readString(ARCHIVE))
        .contains(
            "description: \"Run periodic jobs in PostgreSQL\", extensions: [pg_cron],"
                + " preload: [pg_cron]}");
    assertThat(catalog.find("pg_cron").orElseThrow().archived("t12", 15).orElseThrow())
        .extracting(ExtensionCatalog.Archived::outputPlugins)
        .isEqualTo(List.of());
    assertThat(catalog.toYaml())
        .contains("      preload: [pg_cron]\n      output_plugins: []\n")
        .contains(
            "      preload: [pglogical]\n      output_plugins: [pglogical, pglogical_output]\n");
  }

  @Test
  void toYaml_readsBackToTheSameCatalogAndTheSameBytes() throws Exception {
    ExtensionCatalog catalog = ExtensionCatalog.load(ARCHIVE);
    String yaml = catalog.toYaml();
    Path f = Files.writeString(tmp.resolve("extensions.yml"), yaml);

    ExtensionCatalog again = ExtensionCatalog.load(f);
    assertThat(again.toYaml()).isEqualTo(yaml);
    assertThat(again.entries())
        .extracting(ExtensionCatalog.Extension::alias)
        .containsExactly("pg_cron", "postgis", "wal2json", "pglogical", "gone", "pgvector");
    assertThat(again.find("pglogical").orElseThrow().archive())
        .isEqualTo(catalog.find("pglogical").orElseThrow().archive());
    assertThat(again.find("wal2json").orElseThrow().archived("t12", 15).orElseThrow())
        .isEqualTo(catalog.find("wal2json").orElseThrow().archived("t12", 15).orElseThrow())
        .extracting(ExtensionCatalog.Archived::outputPlugins)
        .isEqualTo(List.of("wal2json"));
    assertThat(yaml)
        .contains(
            "  archive:\n    t12-15:\n      package: postgresql-15-cron\n"
                + "      version: \"1.4.2-2+b1\"\n"
                + "      description: \"Run periodic jobs in PostgreSQL\"\n"
                + "      extensions: [pg_cron]\n      preload: [pg_cron]\n"
                + "      output_plugins: []\n")
        .contains("      extensions: []\n      preload: []\n      output_plugins: [wal2json]\n")
        .contains("pgvector:\n  deb: \"postgresql-$v-pgvector\"\n  t12: ~\n");
  }

  @Test
  void toYaml_quotesWhatYamlWouldReadOtherwise() throws Exception {
    ExtensionCatalog.Archived odd =
        new ExtensionCatalog.Archived(
            "t12",
            15,
            "postgresql-15-odd",
            "1.10",
            "say \"hi\": a \\ b",
            List.of("true"),
            List.of(),
            List.of("null", "z", "a"));
    ExtensionCatalog c =
        ExtensionCatalog.of(
            tmp.resolve("x.yml"),
            List.of(
                new ExtensionCatalog.Extension(
                    "odd",
                    java.util.Map.of("deb", List.of("postgresql-$v-odd")),
                    java.util.Map.of(),
                    java.util.Set.of(),
                    List.of(),
                    java.util.Map.of("t12-15", odd),
                    0)));
    Path f = Files.writeString(tmp.resolve("x.yml"), c.toYaml());

    ExtensionCatalog.Archived back =
        ExtensionCatalog.load(f).find("odd").orElseThrow().archived("t12", 15).orElseThrow();
    assertThat(back).isEqualTo(odd);
    assertThat(back.outputPlugins()).containsExactly("a", "null", "z");
  }

  @Test
  void load_badArchiveRecord_namesLineAndKey() throws Exception {
    Path f =
        Files.writeString(
            tmp.resolve("bad.yml"),
            "a:\n  deb: \"postgresql-$v-a\"\n  archive:\n"
                + "    t12-15: {package: postgresql-15-a, version: \"1\", description: d,"
                + " extensions: [a], preload: [\"bad lib\"]}\n");

    assertThatThrownBy(() -> ExtensionCatalog.load(f))
        .isInstanceOf(DefinitionException.class)
        .hasMessage(f + ":4: a.archive.t12-15.preload: 'bad lib' is not a library name");
    Files.writeString(
        f,
        Files.readString(f).replace("[\"bad lib\"]}", "[], output_plugins: [wal2json, \"../x\"]}"));
    assertThatThrownBy(() -> ExtensionCatalog.load(f))
        .isInstanceOf(DefinitionException.class)
        .hasMessage(f + ":4: a.archive.t12-15.output_plugins: '../x' is not a library name");
    Files.writeString(f, Files.readString(f).replace("output_plugins", "output_plugin"));
    assertThatThrownBy(() -> ExtensionCatalog.load(f))
        .isInstanceOf(DefinitionException.class)
        .hasMessageContaining("output_plugin");
    Files.writeString(f, Files.readString(f).replace("t12-15", "t12"));
    assertThatThrownBy(() -> ExtensionCatalog.load(f))
        .isInstanceOf(DefinitionException.class)
        .hasMessageContaining("a.archive.t12: 't12' is not a target such as d12-15");
  }
}
