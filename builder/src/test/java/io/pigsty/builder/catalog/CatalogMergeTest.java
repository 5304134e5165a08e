package io.pigsty.builder.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.definition.DefinitionException;
import io.pigsty.builder.definition.ExtensionCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How scanned packages become archive records and how they merge into a hand-written catalog. */
class CatalogMergeTest {
  @TempDir Path tmp;

  private static final String HAND =
      """
      # hand-written
      pg_repack: {deb: "postgresql-$v-repack", rpm: "pg_repack_$v", majors: [13, 14, 15, 16, 17]}
      pldbgapi:
        deb: "postgresql-$v-pldebugger"
        rpm: "pldebugger_$v"
        t13: "postgresql-$v-pldebugger-ng"
        archive:
          t13-17: {package: postgresql-17-pldebugger-ng, version: "2", description: d, extensions: [pldbgapi], preload: []}
      pgvector: {deb: "postgresql-$v-pgvector", rpm: "pgvector_$v", t12: ~}
      stale:
        deb: "postgresql-$v-stale"
        archive:
          t12-15: {package: postgresql-15-stale, version: "1", description: d, extensions: [stale], preload: []}
      """;

  private ExtensionCatalog hand() throws Exception {
    return ExtensionCatalog.load(Files.writeString(tmp.resolve("extensions.yml"), HAND));
  }

  private static ExtensionCatalog.Archived rec(String pkg, List<String> ext, List<String> preload) {
    return new ExtensionCatalog.Archived(
        "t12", 15, pkg, "1.0-1", "about " + pkg, ext, preload, List.of());
  }

  private static PackageScan scan(
      String name, String source, Set<String> depends, Set<String> stems, Set<String> modules) {
    return scan(name, source, depends, stems, modules, Set.of());
  }

  private static PackageScan scan(
      String name,
      String source,
      Set<String> depends,
      Set<String> stems,
      Set<String> modules,
      Set<String> outputPlugins) {
    Map<String, Set<String>> m = new TreeMap<>();
    modules.forEach(x -> m.put(x, Set.of()));
    return new PackageScan(
        name, "1.0-1", source, "about " + name, depends, stems, Set.of(), m, outputPlugins);
  }

  @Test
  void isCandidate_extensionPackagesAndTheServersLanguagesOnly() {
    assertThat(CatalogUpdate.isCandidate("postgresql-15-cron", 15)).isTrue();
    assertThat(CatalogUpdate.isCandidate("postgresql-plpython3-15", 15)).isTrue();
    assertThat(CatalogUpdate.isCandidate("postgresql-16-cron", 15)).isFalse();
    assertThat(CatalogUpdate.isCandidate("postgresql-15", 15)).isFalse();
    assertThat(CatalogUpdate.isCandidate("postgresql-client-15", 15)).isFalse();
    assertThat(CatalogUpdate.isCandidate("postgresql-15-cron-dbgsym", 15)).isFalse();
    assertThat(CatalogUpdate.isCandidate("postgresql-plperl-16", 15)).isFalse();
  }

  @Test
  void suffixAndTemplate_putTheMajorBack() {
    assertThat(CatalogUpdate.suffix("postgresql-15-pg-stat-kcache", 15))
        .isEqualTo("pg_stat_kcache");
    assertThat(CatalogUpdate.suffix("postgresql-plperl-15", 15)).isEqualTo("plperl");
    assertThat(CatalogUpdate.template("postgresql-15-pg-stat-kcache", 15))
        .isEqualTo("postgresql-$v-pg-stat-kcache");
    assertThat(CatalogUpdate.template("postgresql-plperl-15", 15))
        .isEqualTo("postgresql-plperl-$v");
  }

  @Test
  void records_foldCompanionsAndSkipWhatIsNoExtension() throws Exception {
    Map<String, String> skipped = new TreeMap<>();
    List<ExtensionCatalog.Archived> r =
        CatalogUpdate.records(
            List.of(
                scan(
                    "postgresql-15-postgis-3",
                    "postgis",
                    Set.of("postgresql-15-postgis-3-scripts", "libc6"),
                    Set.of(),
                    Set.of("postgis-3")),
                scan(
                    "postgresql-15-postgis-3-scripts",
                    "postgis",
                    Set.of(),
                    Set.of("postgis", "postgis_topology"),
                    Set.of()),
                // depends on pgq3, but another source: its own entry
                scan(
                    "postgresql-15-pgq-node",
                    "pgq-node",
                    Set.of("postgresql-15-pgq3"),
                    Set.of("pgq_node"),
                    Set.of()),
                scan("postgresql-15-pgq3", "pgq", Set.of(), Set.of("pgq"), Set.of("pgq_lowlevel")),
                scan("postgresql-15-pg-catcheck", "pg-catcheck", Set.of(), Set.of(), Set.of()),
                scan(
                    "postgresql-15-wal2json",
                    "wal2json",
                    Set.of(),
                    Set.of(),
                    Set.of("wal2json"),
                    Set.of("wal2json"))),
            "t12",
            15,
            skipped);

    assertThat(r)
        .extracting(ExtensionCatalog.Archived::packageName)
        .containsExactly(
            "postgresql-15-pgq-node",
            "postgresql-15-pgq3",
            "postgresql-15-postgis-3",
            "postgresql-15-wal2json");
    assertThat(r.get(2).extensions()).containsExactly("postgis", "postgis_topology");
    assertThat(r.get(3).extensions()).isEmpty();
    assertThat(r.get(3).outputPlugins()).containsExactly("wal2json");
    assertThat(r.get(2).outputPlugins()).isEmpty();
    assertThat(skipped)
        .containsOnlyKeys("postgresql-15-postgis-3-scripts", "postgresql-15-pg-catcheck");
    assertThat(skipped.get("postgresql-15-postgis-3-scripts"))
        .isEqualTo("companion of postgresql-15-postgis-3 (same source, no module)");
  }

  @Test
  void scan_anOutputPluginThatIsNotAModule_isRefused() {
    assertThatThrownBy(
            () ->
                scan(
                    "postgresql-15-x",
                    "x",
                    Set.of(),
                    Set.of(),
                    Set.of("x"),
                    Set.of("x", "elsewhere")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("postgresql-15-x: output plugins [elsewhere] are not among its modules [x]");
  }

  @Test
  void records_aControlFileNamePostgresqlWouldRefuse_isAMetadataErrorNamingThePackage() {
    assertThatThrownBy(
            () ->
                CatalogUpdate.records(
                    List.of(
                        scan(
                            "postgresql-15-odd",
                            "odd",
                            Set.of(),
                            Set.of("bad name", "ok"),
                            Set.of())),
                    "t12",
                    15,
                    new TreeMap<>()))
        .isInstanceOf(io.pigsty.repo.deb.MetadataException.class)
        .hasMessageStartingWith("postgresql-15-odd 1.0-1: ");
  }

  @Test
  void merge_keepsHandWrittenKeysAndOtherTargets_dropsStaleRecords_addsNewEntriesInAliasOrder()
      throws Exception {
    ExtensionCatalog old = hand();
    List<ExtensionCatalog.Archived> found =
        List.of(
            rec("postgresql-15-repack", List.of("pg_repack"), List.of()),
            rec("postgresql-15-pldebugger", List.of("pldbgapi"), List.of("plugin_debugger")),
            rec("postgresql-15-pointcloud", List.of("pointcloud", "pointcloud_postgis"), List.of()),
            rec("postgresql-15-cron", List.of("pg_cron"), List.of("pg_cron")),
            rec("postgresql-15-bgw-replstatus", List.of(), List.of("bgw_replstatus")));

    ExtensionCatalog m = CatalogUpdate.merge(old, "t12", 15, found);

    assertThat(m.entries())
        .extracting(ExtensionCatalog.Extension::alias)
        .containsExactly(
            "pg_repack",
            "pldbgapi",
            "pgvector",
            "stale",
            "bgw_replstatus",
            "pg_cron",
            "pointcloud");
    ExtensionCatalog.Extension repack = m.find("pg_repack").orElseThrow();
    assertThat(repack.byFamily()).containsEntry("rpm", List.of("pg_repack_$v"));
    assertThat(repack.majors()).containsExactly(13, 14, 15, 16, 17);
    ExtensionCatalog.Extension dbg = m.find("pldbgapi").orElseThrow();
    assertThat(dbg.byOsCode()).containsEntry("t13", List.of("postgresql-$v-pldebugger-ng"));
    assertThat(dbg.archive()).containsOnlyKeys("t12-15", "t13-17");
    assertThat(m.find("stale").orElseThrow().archive()).isEmpty();
    assertThat(m.whyUnavailable(m.find("stale").orElseThrow(), "t12", "deb", 15))
        .hasValueSatisfying(w -> assertThat(w).startsWith("not in the t12 archive"));
    assertThat(m.find("pointcloud").orElseThrow().byFamily())
        .isEqualTo(Map.of("deb", List.of("postgresql-$v-pointcloud")));
    assertThat(m.preloadLibraries("t12", 15, List.of("pldbgapi", "pg_cron", "bgw_replstatus")))
        .containsExactly("plugin_debugger", "bgw_replstatus", "pg_cron");
  }

  @Test
  void merge_twice_givesTheSameText() throws Exception {
    List<ExtensionCatalog.Archived> found =
        List.of(
            rec("postgresql-15-cron", List.of("pg_cron"), List.of("pg_cron")),
            rec("postgresql-15-repack", List.of("pg_repack"), List.of()));
    ExtensionCatalog once = CatalogUpdate.merge(hand(), "t12", 15, found);
    Path f = Files.writeString(tmp.resolve("once.yml"), once.toYaml());

    ExtensionCatalog twice = CatalogUpdate.merge(ExtensionCatalog.load(f), "t12", 15, found);

    assertThat(twice.toYaml()).isEqualTo(once.toYaml());
  }

  @Test
  void merge_aliasTaken_fallsBackToTheSuffix_thenRefusesNamingTheEntry() throws Exception {
    List<ExtensionCatalog.Archived> found = new ArrayList<>();
    // provides exactly 'pg_repack', which is the alias of postgresql-15-repack's entry
    found.add(rec("postgresql-15-repack-ng", List.of("pg_repack"), List.of()));

    assertThat(CatalogUpdate.merge(hand(), "t12", 15, found).aliases()).contains("repack_ng");

    // the entry pgvector is not available on t12 (~), so its template does not claim the package,
    // and both 'pgvector' (the extension) and 'pgvector' (the suffix) are taken
    assertThatThrownBy(
            () ->
                CatalogUpdate.merge(
                    hand(),
                    "t12",
                    15,
                    List.of(
                        rec("postgresql-15-a-b", List.of("pgvector"), List.of()),
                        rec("postgresql-15-pgvector", List.of("pgvector"), List.of()))))
        .isInstanceOf(DefinitionException.class)
        .hasMessageContaining(
            "pgvector: the alias for postgresql-15-pgvector ('pgvector', or"
                + " 'pgvector') is taken by another entry; add an entry for it by hand (deb:"
                + " \"postgresql-$v-pgvector\")");
  }

  @Test
  void write_unchangedTextLeavesTheFile_changedTextReplacesItKeepingItsMode() throws Exception {
    Path f = tmp.resolve("extensions.yml");
    assertThat(CatalogUpdate.write(f, "a: {deb: x}\n")).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-r--r--");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-r--"));
    var before = Files.getLastModifiedTime(f);
    Thread.sleep(20);

    assertThat(CatalogUpdate.write(f, "a: {deb: x}\n")).isFalse();
    assertThat(Files.getLastModifiedTime(f)).isEqualTo(before);
    assertThat(CatalogUpdate.write(f, "b: {deb: y}\n")).isTrue();
    assertThat(Files.readString(f)).isEqualTo("b: {deb: y}\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-rw-r--");
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("extensions.yml");
    }
  }
}
