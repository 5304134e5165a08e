package io.pigsty.builder.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.bundle.ContentCache;
import io.pigsty.builder.bundle.Mirrors;
import io.pigsty.builder.bundle.deb.FakeArchive;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.definition.DefinitionException;
import io.pigsty.builder.definition.ExtensionCatalog;
import io.pigsty.builder.definition.PackageRequest;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.builder.fetch.ProgressListener;
import io.pigsty.repo.Digests;
import io.pigsty.repo.deb.DebFixture;
import io.pigsty.repo.deb.ElfFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code catalog update} end to end against a signed archive on 127.0.0.1 whose packages carry
 * control files and modules: records, preload, output plugins, companions, preserved hand-written
 * keys (and a record written before output_plugins existed), a second target beside the first, and
 * a second run that changes no byte.
 */
class CatalogUpdateTest {
  @TempDir Path tmp;
  FakeArchive archive;
  Path catalog;
  final ByteArrayOutputStream log = new ByteArrayOutputStream();

  static final String HAND =
      """
      # hand-written, with an rpm name and a major list to keep
      pg_cron: {deb: "postgresql-$v-cron", rpm: "pg_cron_$v", majors: [13, 14, 15, 16, 17]}
      orafce:
        deb: "postgresql-$v-orafce"
        rpm: "orafce_$v"
        archive:
          t11-13: {package: postgresql-13-orafce, version: "3.9-1", description: "kept", extensions: [orafce], preload: []}
      vector: {deb: "postgresql-$v-pgvector", rpm: "pgvector_$v", t12: ~}
      """;

  private static FakeArchive.Raw pkg(
      String name,
      String version,
      String extra,
      Map<String, String> scripts,
      Map<String, byte[]> data) {
    String control =
        "Package: "
            + name
            + "\nVersion: "
            + version
            + "\nArchitecture: amd64\nMaintainer: Test <t@example.org>\n"
            + extra
            + "Description: "
            + name
            + " for tests\n second line of the description\n";
    return new FakeArchive.Raw(name, version, control, DebFixture.deb(control, scripts, data));
  }

  private static Map<String, byte[]> files(int major, String... pairs) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      String kind = pairs[i];
      String stem = pairs[i + 1];
      if (kind.equals("control")) {
        m.put(
            "usr/share/postgresql/" + major + "/extension/" + stem + ".control", "x\n".getBytes());
      } else if (kind.equals("bin")) {
        m.put("usr/bin/" + stem, "#!/bin/sh\n".getBytes());
      } else {
        List<String> imports = kind.isEmpty() ? List.of("palloc") : List.of(kind.split(","));
        m.put(
            "usr/lib/postgresql/" + major + "/lib/" + stem + ".so",
            ElfFixture.so(imports, List.of("_PG_init")));
      }
    }
    return m;
  }

  @BeforeEach
  void start() throws Exception {
    List<FakeArchive.Raw> pkgs = new ArrayList<>();
    String pspl = "process_shared_preload_libraries_in_progress,RegisterBackgroundWorker";
    pkgs.add(
        pkg(
            "postgresql-15-cron",
            "1.4.2-2",
            "",
            Map.of(),
            files(15, "control", "pg_cron", pspl, "pg_cron")));
    pkgs.add(
        pkg(
            "postgresql-17-cron",
            "1.6.5-1",
            "",
            Map.of(),
            files(17, "control", "pg_cron", pspl, "pg_cron")));
    pkgs.add(
        pkg(
            "postgresql-15-orafce",
            "4.1.1-1",
            "",
            Map.of(),
            files(15, "control", "orafce", "RequestAddinShmemSpace,shmem_request_hook", "orafce")));
    pkgs.add(
        pkg(
            "postgresql-15-postgis-3",
            "3.3.2-1",
            "Source: postgis (3.3.2-1)\nDepends: postgresql-15, postgresql-15-postgis-3-scripts\n",
            Map.of(),
            files(15, "", "postgis-3")));
    pkgs.add(
        pkg(
            "postgresql-15-postgis-3-scripts",
            "3.3.2-1",
            "Source: postgis\n",
            Map.of("postinst", PackageScanTest.POSTGIS_POSTINST),
            files(15, "control", "postgis-3", "control", "postgis_topology-3")));
    // an output plugin without a .control file: exports _PG_output_plugin_init, imports palloc
    pkgs.add(
        pkg(
            "postgresql-15-wal2json",
            "2.5-2",
            "",
            Map.of(),
            Map.of(
                "usr/lib/postgresql/15/lib/wal2json.so",
                ElfFixture.so(
                    List.of("palloc", "OutputPluginPrepareWrite"),
                    List.of("_PG_init", OutputPluginRule.INIT)))));
    pkgs.add(
        pkg("postgresql-15-pg-catcheck", "1.3.0-1", "", Map.of(), files(15, "bin", "pg_catcheck")));
    pkgs.add(
        pkg(
            "postgresql-plpython3-15",
            "15.13-0+deb12u1",
            "Source: postgresql-15\n",
            Map.of(),
            files(15, "control", "plpython3u", "control", "jsonb_plpython3u", "", "plpython3")));
    pkgs.add(
        pkg("postgresql-15", "15.13-0+deb12u1", "", Map.of(), files(15, "control", "pg_trgm")));
    pkgs.add(pkg("libfoo1", "1.0-1", "", Map.of(), Map.of()));
    archive = FakeArchive.of(tmp, "testsuite", pkgs);
    Files.createDirectories(tmp.resolve("def/keys"));
    Files.copy(archive.keyFile, tmp.resolve("def/keys/archive.gpg"));
    catalog = Files.writeString(tmp.resolve("def/extensions.yml"), HAND);
  }

  @AfterEach
  void stop() {
    archive.close();
  }

  private Path definition(String name, int major, String extensions) throws Exception {
    Path def = tmp.resolve("def/" + name + ".yml");
    Files.writeString(
        def,
        "name: "
            + name
            + "\nversion: \"1.0\"\n"
            + "target: {os: debian, release: \"12\", codename: bookworm, arch: amd64}\n"
            + "pg_major: "
            + major
            + "\nupstreams:\n"
            + "  - {name: testsuite, suite: testsuite, components: [main], keys: [keys/archive.gpg],"
            + " url: \""
            + archive.url()
            + "\"}\n"
            + "packages:\n  pgsql: [postgresql-$v, postgresql-plpython3-$v]\n"
            + (extensions == null ? "" : "extensions: " + extensions + "\n"));
    return def;
  }

  private CatalogUpdate.Result update(Path def) throws Exception {
    try (Downloader d =
        Downloader.builder()
            .cacheDir(tmp.resolve("cache"))
            .connectTimeout(Duration.ofSeconds(5))
            .build()) {
      return new CatalogUpdate(
              d,
              new ContentCache(tmp.resolve("cache")),
              new Mirrors(List.of(), null),
              new PrintStream(log, true, StandardCharsets.UTF_8),
              ProgressListener.NONE)
          .update(def);
    }
  }

  @Test
  void update_writesRecordsKeepsHandWrittenKeys_andASecondRunChangesNoByte() throws Exception {
    // 'extensions: all' cannot be expanded before the first update; update reads the rest
    Path def = definition("t12", 15, "all");

    CatalogUpdate.Result r = update(def);

    assertThat(r.changed()).isTrue();
    assertThat(r.target()).isEqualTo("t12-15");
    assertThat(r.candidates()).isEqualTo(7); // not postgresql-17-cron, postgresql-15, libfoo1
    assertThat(r.skipped())
        .containsOnlyKeys("postgresql-15-pg-catcheck", "postgresql-15-postgis-3-scripts");
    assertThat(r.added()).containsExactly("plpython3", "postgis_3", "wal2json");
    assertThat(r.preload()).containsExactly("pg_cron");
    assertThat(r.outputPlugins()).containsExactly("wal2json");
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("output   postgresql-15-wal2json: wal2json (exports _PG_output_plugin_init)");
    ExtensionCatalog c = ExtensionCatalog.load(catalog);
    ExtensionCatalog.Extension cron = c.find("pg_cron").orElseThrow();
    assertThat(cron.byFamily()).containsEntry("rpm", List.of("pg_cron_$v"));
    assertThat(cron.majors()).containsExactly(13, 14, 15, 16, 17);
    ExtensionCatalog.Archived a = cron.archived("t12", 15).orElseThrow();
    assertThat(a.packageName()).isEqualTo("postgresql-15-cron");
    assertThat(a.version()).isEqualTo("1.4.2-2");
    assertThat(a.description()).isEqualTo("postgresql-15-cron for tests");
    assertThat(a.extensions()).containsExactly("pg_cron");
    assertThat(a.preload()).containsExactly("pg_cron");
    assertThat(a.outputPlugins()).isEmpty();
    ExtensionCatalog.Archived w = c.find("wal2json").orElseThrow().archived("t12", 15).get();
    assertThat(w.extensions()).isEmpty();
    assertThat(w.preload()).isEmpty();
    assertThat(w.outputPlugins()).containsExactly("wal2json");
    assertThat(c.outputPlugins("t12", 15, List.of("pg_cron", "wal2json", "postgis")))
        .containsExactly("wal2json");
    assertThat(c.find("orafce").orElseThrow().archive()).containsOnlyKeys("t11-13", "t12-15");
    assertThat(c.find("postgis_3").orElseThrow().archived("t12", 15).orElseThrow().extensions())
        .containsExactly("postgis", "postgis_topology");
    assertThat(c.find("vector").orElseThrow().archive()).isEmpty();
    assertThat(c.preloadLibraries("t12", 15, List.of("postgis", "orafce", "plpython3u", "pg_cron")))
        .containsExactly("pg_cron");
    assertThat(Files.readString(catalog))
        .startsWith("# The extension catalog")
        .doesNotContain("an rpm name and a major list to keep")
        // the kept record of another target, read without output_plugins, is written with it
        .contains(
            "    t11-13:\n      package: postgresql-13-orafce\n      version: \"3.9-1\"\n"
                + "      description: \"kept\"\n      extensions: [orafce]\n      preload: []\n"
                + "      output_plugins: []\n");

    String first = Digests.sha256Hex(catalog);
    int debs = archive.debRequests();
    CatalogUpdate.Result again = update(def);
    assertThat(again.changed()).isFalse();
    assertThat(Digests.sha256Hex(catalog)).isEqualTo(first);
    assertThat(archive.debRequests()).as("the second run reads the cache").isEqualTo(debs);

    // now the definition expands: every entry with a t12-15 record, the modules' packages left
    BundleDefinition d = BundleDefinition.load(def);
    assertThat(d.extensions())
        .containsExactly("pg_cron", "orafce", "plpython3", "postgis_3", "wal2json");
    assertThat(d.packages())
        .filteredOn(p -> p.module().equals("extensions"))
        .extracting(PackageRequest::packageName)
        .containsExactly(
            "postgresql-15-cron",
            "postgresql-15-orafce",
            "postgresql-15-postgis-3",
            "postgresql-15-wal2json");
  }

  @Test
  void update_secondTarget_addsItsRecordsBesideTheFirst() throws Exception {
    update(definition("t12", 15, null));
    String afterFirst = Files.readString(catalog);

    CatalogUpdate.Result r = update(definition("t13", 17, "[pg_cron]"));

    assertThat(r.target()).isEqualTo("t13-17");
    assertThat(r.candidates()).isEqualTo(1);
    ExtensionCatalog c = ExtensionCatalog.load(catalog);
    assertThat(c.targets()).containsExactly("t11-13", "t12-15", "t13-17");
    assertThat(c.find("pg_cron").orElseThrow().archive().keySet())
        .containsExactly("t12-15", "t13-17");
    assertThat(c.find("pg_cron").orElseThrow().archived("t13", 17).orElseThrow().version())
        .isEqualTo("1.6.5-1");
    // every t12-15 record is still there, word for word
    for (ExtensionCatalog.Extension e : ExtensionCatalog.load(catalog).entries()) {
      assertThat(e.archived("t12", 15))
          .isEqualTo(
              ExtensionCatalog.load(Files.writeString(tmp.resolve("first.yml"), afterFirst))
                  .find(e.alias())
                  .flatMap(x -> x.archived("t12", 15)));
    }
    assertThat(c.whyUnavailable(c.find("orafce").orElseThrow(), "t13", "deb", 17))
        .hasValueSatisfying(w -> assertThat(w).contains("postgresql-17-orafce not found"));
  }

  @Test
  void update_rpmDefinition_isRefusedBeforeAnyDownload() throws Exception {
    Path def = tmp.resolve("def/el9.yml");
    Files.writeString(
        def,
        "name: el9\nversion: \"1.0\"\ntarget: {os: el, release: \"9\", arch: x86_64}\npg_major: 15\n"
            + "upstreams:\n  - {name: baseos, suite: baseos, keys: [keys/archive.gpg], url: \""
            + archive.url()
            + "\"}\npackages:\n  pgsql: [postgresql15-server]\n");

    assertThatThrownBy(() -> update(def))
        .isInstanceOf(DefinitionException.class)
        .hasMessageContaining("catalog update reads Debian archives");
    assertThat(archive.debRequests()).isZero();
    assertThat(Files.readString(catalog)).isEqualTo(HAND);
  }
}
