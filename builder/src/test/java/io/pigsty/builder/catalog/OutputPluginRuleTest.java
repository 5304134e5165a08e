package io.pigsty.builder.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.repo.deb.DebFile;
import io.pigsty.repo.deb.DebFixture;
import io.pigsty.repo.deb.ElfFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output plugin rule: each module below is a tiny ELF object with the imports and exports that
 * matter, packed in a .deb and read the way {@code catalog update} reads one.
 */
class OutputPluginRuleTest {
  @TempDir Path tmp;

  private static final String INIT = "_PG_output_plugin_init";
  private static final String PSPL = "process_shared_preload_libraries_in_progress";

  /** A module: its stem, what it imports, what it exports. */
  private record Module(String stem, List<String> imports, List<String> exports) {}

  private static Module so(String stem, List<String> imports, String... exports) {
    return new Module(stem, imports, List.of(exports));
  }

  /** What {@code catalog update} reads from a package holding these modules. */
  private PackageScan scan(Module... modules) throws Exception {
    Map<String, byte[]> data = new LinkedHashMap<>();
    for (Module m : modules) {
      data.put(
          "usr/lib/postgresql/15/lib/" + m.stem() + ".so", ElfFixture.so(m.imports(), m.exports()));
    }
    byte[] deb =
        DebFixture.deb(
            "Package: postgresql-15-x\nVersion: 1\nArchitecture: amd64\nDescription: x\n",
            Map.of(),
            data);
    Path f = Files.write(tmp.resolve(modules[0].stem() + ".deb"), deb);
    DebFile.Contents c =
        DebFile.readContents(f, PackageScan.modulePaths(15), PackageScan.MAX_MODULE_BYTES);
    return PackageScan.of(c, 15, f.toString());
  }

  @Test
  void outputPlugins_modulesThatExportTheInitFunction() throws Exception {
    assertThat(
            scan(so("wal2json", List.of("palloc", "OutputPluginWrite"), "_PG_init", INIT))
                .outputPlugins())
        .containsExactly("wal2json");
    assertThat(scan(so("decoderbufs", List.of("palloc"), INIT, "Pg_magic_func")).outputPlugins())
        .containsExactly("decoderbufs");
  }

  @Test
  void outputPlugins_notModulesWithoutIt() throws Exception {
    assertThat(scan(so("postgis-3", List.of("palloc"), "_PG_init")).outputPlugins()).isEmpty();
    assertThat(scan(so("empty", List.of())).outputPlugins()).isEmpty();
    // a shim that calls another library's init imports the symbol; the definer is the plugin
    assertThat(scan(so("shim", List.of(INIT, "palloc"), "_PG_init")).outputPlugins()).isEmpty();
    // whole symbol names, not prefixes or look-alikes
    assertThat(
            scan(so("lookalike", List.of(), INIT + "_v2", "PG_output_plugin_init", "_pg_output"))
                .outputPlugins())
        .isEmpty();
  }

  @Test
  void outputPlugins_perModuleOfAPackage_independentOfPreloading() throws Exception {
    PackageScan s =
        scan(
            so("pglogical", List.of(PSPL, "palloc"), "_PG_init", INIT),
            so("pglogical_output", List.of("load_external_function"), INIT),
            so("pglogical_helper", List.of("palloc"), "_PG_init"));

    assertThat(s.modules()).hasSize(3);
    assertThat(s.outputPlugins()).containsExactly("pglogical", "pglogical_output");
    assertThat(s.preload()).containsExactly("pglogical");
  }

  @Test
  void isOutputPlugin_isTheExportedInitFunction() {
    assertThat(OutputPluginRule.isOutputPlugin(Set.of("_PG_init", INIT))).isTrue();
    assertThat(OutputPluginRule.isOutputPlugin(Set.of("_PG_init"))).isFalse();
    assertThat(OutputPluginRule.INIT).isEqualTo("_PG_output_plugin_init");
  }
}
