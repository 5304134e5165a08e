package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogCommandTest {
  private static final String FIXTURE = "src/test/resources/bundle/extensions-archive.yml";

  private static List<String> lines(String s) {
    return Arrays.asList(s.split("\n"));
  }

  @Test
  void list_oneRowPerRecord_thenEntriesWithoutOne() {
    MainTest.Run r = MainTest.run("catalog", "list", "--catalog", FIXTURE);

    assertThat(r.code()).isZero();
    List<String> out = lines(r.out());
    assertThat(out.get(0).split("\\s+"))
        .containsExactly(
            "ALIAS", "TARGET", "PACKAGE", "VERSION", "PRELOAD", "OUTPUT_PLUGINS", "EXTENSIONS");
    assertThat(out.subList(1, out.size()))
        .extracting(l -> String.join(" ", l.split("\\s+")))
        .containsExactly(
            "pg_cron t12-15 postgresql-15-cron 1.4.2-2+b1 pg_cron - pg_cron",
            "postgis t12-15 postgresql-15-postgis-3 3.3.2+dfsg-1+b1 - -"
                + " postgis,postgis_raster,postgis_topology",
            "wal2json t12-15 postgresql-15-wal2json 2.5-2 - wal2json -",
            "pglogical t12-15 postgresql-15-pglogical 2.4.2-1 pglogical pglogical,pglogical_output"
                + " pglogical,pglogical_origin",
            "pglogical t13-17 postgresql-17-pglogical 2.4.5-1 pglogical pglogical_output"
                + " pglogical,pglogical_origin",
            "gone - postgresql-$v-gone - - - -",
            "pgvector - postgresql-$v-pgvector - - - -");
    assertThat(r.err())
        .contains("7 rows, 3 with preload libraries, 3 with output plugins (" + FIXTURE + ")");
  }

  @Test
  void list_target_onlyItsRecords_orTheTemplatesWhereNoEntryHasOne() {
    MainTest.Run t13 = MainTest.run("catalog", "list", "--catalog", FIXTURE, "--os", "t13");
    assertThat(lines(t13.out())).hasSize(2);
    assertThat(t13.out()).contains("postgresql-17-pglogical");

    MainTest.Run u24 =
        MainTest.run("catalog", "list", "--catalog", FIXTURE, "--os", "u24", "--major", "17");
    assertThat(lines(u24.out()))
        .extracting(l -> l.split("\\s+")[0] + " " + l.split("\\s+")[2])
        .containsExactly(
            "ALIAS PACKAGE",
            "pg_cron postgresql-17-cron",
            "postgis postgresql-17-postgis-3",
            "wal2json postgresql-17-wal2json",
            "pglogical postgresql-17-pglogical",
            "gone postgresql-17-gone",
            "pgvector postgresql-17-pgvector");
  }

  @Test
  void list_theJarsCatalog_hasD12WithPreloadLibraries() {
    MainTest.Run r = MainTest.run("catalog", "list", "--os", "d12", "--major", "15");

    assertThat(r.code()).isZero();
    assertThat(lines(r.out())).hasSizeGreaterThan(60);
    assertThat(r.out())
        .containsPattern("(?m)^pg_cron +d12-15 +postgresql-15-cron +\\S+ +pg_cron +- +pg_cron$")
        .containsPattern("(?m)^wal2json +d12-15 +postgresql-15-wal2json +\\S+ +- +wal2json +-$");
    assertThat(r.err()).contains("the jar's catalog");
  }

  @Test
  void show_byCreateExtensionName_printsTheEntryAndItsRecords() {
    MainTest.Run r = MainTest.run("catalog", "show", "pglogical_origin", "--catalog", FIXTURE);

    assertThat(r.code()).isZero();
    assertThat(lines(r.out()))
        .extracting(l -> String.join(" ", l.strip().split("\\s+")))
        .containsExactly(
            "alias pglogical",
            "deb postgresql-$v-pglogical",
            "t12-15 postgresql-15-pglogical 2.4.2-1",
            "description Logical Replication Extension for PostgreSQL",
            "extensions pglogical,pglogical_origin",
            "preload pglogical",
            "output_plugins pglogical,pglogical_output",
            "t13-17 postgresql-17-pglogical 2.4.5-1",
            "description Logical Replication Extension for PostgreSQL",
            "extensions pglogical,pglogical_origin",
            "preload pglogical",
            "output_plugins pglogical_output");
  }

  @Test
  void show_anAliasWithoutExtensionNames_showsItsOutputPlugin() {
    MainTest.Run r = MainTest.run("catalog", "show", "wal2json", "--catalog", FIXTURE);

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .containsPattern("(?m)^  extensions +-$")
        .containsPattern("(?m)^  preload +-$")
        .containsPattern("(?m)^  output_plugins +wal2json$");
  }

  @Test
  void show_overrideAndHandWrittenKeys() {
    MainTest.Run r = MainTest.run("catalog", "show", "pgvector", "--catalog", FIXTURE);

    assertThat(r.out()).containsPattern("(?m)^t12 +~ \\(not available\\)$");
  }

  @Test
  void show_unknownName_exitsTwoNamingItAndTheClosest() {
    MainTest.Run r = MainTest.run("catalog", "show", "pg_crom", "--catalog", FIXTURE);

    assertThat(r.code()).isEqualTo(ExitCode.USAGE.code);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .contains(
            "pigsty: no extension 'pg_crom' in "
                + FIXTURE
                + " (did you mean 'pg_cron'?); 'pigsty catalog list' prints every entry");
  }

  @Test
  void catalog_withoutSubcommand_isAUsageError() {
    MainTest.Run r = MainTest.run("catalog");

    assertThat(r.code()).isEqualTo(ExitCode.USAGE.code);
    assertThat(r.err()).contains("missing subcommand (update, list, show)");
  }

  @Test
  void update_rpmDefinition_exitsThreeNamingTheFile() {
    MainTest.Run r =
        MainTest.run(
            "catalog",
            "update",
            "src/test/resources/bundle/good-el.yml",
            "--cache",
            "target/catalog-cache-unused");

    assertThat(r.code()).isEqualTo(ExitCode.DEFINITION.code);
    assertThat(r.err())
        .contains(
            "src/test/resources/bundle/good-el.yml: target.os: catalog update reads Debian archives");
  }
}
