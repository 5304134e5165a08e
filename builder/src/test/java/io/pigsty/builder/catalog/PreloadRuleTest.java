package io.pigsty.builder.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.repo.deb.DebFile;
import io.pigsty.repo.deb.DebFixture;
import io.pigsty.repo.deb.ElfFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preload rule against what is known of bookworm's packages: each module below is a tiny ELF
 * object importing the symbols that matter of what {@code nm -D --undefined-only} lists for the
 * real module in Debian 12 (plus palloc, which every module imports), packed in a .deb and read the
 * way {@code catalog update} reads one.
 */
class PreloadRuleTest {
  @TempDir Path tmp;

  private static final String PSPL = "process_shared_preload_libraries_in_progress";
  private static final String BGW = "RegisterBackgroundWorker";
  private static final String DBGW = "RegisterDynamicBackgroundWorker";
  private static final String LWL = "RequestNamedLWLockTranche";
  private static final String SHM = "RequestAddinShmemSpace";
  private static final String SRH = "shmem_request_hook";
  private static final String SSH = "shmem_startup_hook";

  /** The preload list {@code catalog update} derives for a package with one module. */
  private Set<String> preload(String lib, String... imports) throws Exception {
    List<String> in = new ArrayList<>(List.of(imports));
    in.add("palloc");
    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put(
        "usr/lib/postgresql/15/lib/" + lib + ".so",
        ElfFixture.so(in, List.of("_PG_init", "Pg_magic_func")));
    data.put("usr/share/postgresql/15/extension/" + lib + ".control", "comment = 'x'\n".getBytes());
    byte[] deb =
        DebFixture.deb(
            "Package: postgresql-15-x\nVersion: 1\nArchitecture: amd64\nDescription: x\n",
            Map.of(),
            data);
    Path f = Files.write(tmp.resolve(lib + ".deb"), deb);
    DebFile.Contents c =
        DebFile.readContents(f, PackageScan.modulePaths(15), PackageScan.MAX_MODULE_BYTES);
    return PackageScan.of(c, 15, f.toString()).preload();
  }

  @Test
  void required_modulesThatCheckOrNeedPreloading() throws Exception {
    assertThat(preload("pg_cron", BGW, DBGW, PSPL)).containsExactly("pg_cron");
    assertThat(preload("pgaudit", PSPL)).containsExactly("pgaudit");
    assertThat(preload("pg_stat_kcache", SHM, LWL, PSPL, SRH, SSH))
        .containsExactly("pg_stat_kcache");
    assertThat(preload("pg_qualstats", SHM, LWL, PSPL, SRH, SSH)).containsExactly("pg_qualstats");
    assertThat(preload("pg_wait_sampling", BGW, SHM, PSPL, SRH, SSH))
        .containsExactly("pg_wait_sampling");
    assertThat(preload("pglogical", BGW, DBGW, SHM, LWL, PSPL, SRH, SSH))
        .containsExactly("pglogical");
    // no PSPL, but named LWLocks exist only for preloaded libraries
    assertThat(preload("pgauditlogtofile", SHM, LWL, SRH, SSH)).containsExactly("pgauditlogtofile");
    // a static background worker alone is enough
    assertThat(preload("bgw_replstatus", BGW)).containsExactly("bgw_replstatus");
  }

  @Test
  void notRequired_modulesThatWorkLoadedOnDemand() throws Exception {
    assertThat(preload("wal2json")).isEmpty(); // an output plugin
    assertThat(preload("postgis-3")).isEmpty();
    assertThat(preload("hypopg")).isEmpty();
    assertThat(preload("pg_repack")).isEmpty();
    // shared memory when preloaded, a fallback without: RequestAddinShmemSpace alone does not count
    assertThat(preload("orafce", SHM, SRH)).isEmpty();
    assertThat(preload("ip4r")).isEmpty();
    assertThat(preload("rum")).isEmpty();
    assertThat(preload("hll")).isEmpty();
    // a worker started later does not count
    assertThat(preload("pg_fact_loader", DBGW)).isEmpty();
  }

  @Test
  void overrides_winOverTheSymbols_eachWithAReason() throws Exception {
    assertThat(preload("set_user")).containsExactly("set_user");
    assertThat(preload("plpgsql_check", SHM, LWL, PSPL, SRH, SSH)).isEmpty();
    assertThat(preload("pg_snakeoil", PSPL)).isEmpty();
    assertThat(preload("pglogical_ticker", BGW, DBGW, PSPL)).isEmpty();
    assertThat(preload("pg_partman_bgw", BGW, DBGW, PSPL)).isEmpty();
    assertThat(PreloadRule.OVERRIDES.values()).allMatch(o -> o.reason().length() > 40);
    // without the override, set_user's imports say "no"
    assertThat(PreloadRule.signals(Set.of("palloc", "ProcessUtility_hook"))).isEmpty();
  }

  @Test
  void signals_areWholeSymbolNames() {
    assertThat(PreloadRule.signals(Set.of(DBGW, SHM, SRH, "palloc"))).isEmpty();
    assertThat(PreloadRule.signals(Set.of(BGW, PSPL, "palloc"))).containsExactly(BGW, PSPL);
  }
}
