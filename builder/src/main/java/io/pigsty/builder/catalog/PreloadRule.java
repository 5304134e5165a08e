package io.pigsty.builder.catalog;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a PostgreSQL module (a {@code usr/lib/postgresql/<major>/lib/*.so}) must be in {@code
 * shared_preload_libraries}, derived from the symbols it imports: a module that imports
 *
 * <ul>
 *   <li>{@code process_shared_preload_libraries_in_progress} asks whether it is being preloaded, to
 *       refuse to load otherwise or to set up what only preloading allows (PostgreSQL's
 *       src/include/miscadmin.h; pg_stat_statements' _PG_init is the model);
 *   <li>{@code RegisterBackgroundWorker} registers a worker at server start, which PostgreSQL only
 *       does for libraries in {@code shared_preload_libraries} (documentation, "Background Worker
 *       Processes"; a worker started later uses {@code RegisterDynamicBackgroundWorker}, which does
 *       not count);
 *   <li>{@code RequestNamedLWLockTranche} asks for locks in the main shared memory, which can only
 *       be requested from {@code shmem_request_hook} during preloading (documentation, "Shared
 *       Memory and LWLocks"; PostgreSQL 15 raises FATAL otherwise)
 * </ul>
 *
 * needs preloading. {@code RequestAddinShmemSpace} alone does not count: orafce requests shared
 * memory when preloaded and works without it. Where a package's own documentation says otherwise,
 * {@link #OVERRIDES} wins, with the reason.
 */
public final class PreloadRule {
  private PreloadRule() {}

  /** The imported symbols that mark a module as needing {@code shared_preload_libraries}. */
  public static final Set<String> SIGNALS =
      Set.of(
          "process_shared_preload_libraries_in_progress",
          "RegisterBackgroundWorker",
          "RequestNamedLWLockTranche");

  /** A decision the symbol rule gets wrong, by library name, with the reason. */
  public record Override(boolean required, String reason) {}

  /**
   * The libraries the symbol rule mis-classifies, each with the reason from the package's own
   * documentation (its {@code /usr/share/doc} README in Debian 12).
   */
  public static final Map<String, Override> OVERRIDES =
      Map.of(
          "set_user",
          new Override(
              true,
              "README: 'Add set_user to shared_preload_libraries'; its hooks that block ALTER"
                  + " SYSTEM and COPY PROGRAM are only installed in every backend when preloaded,"
                  + " and it imports none of the signal symbols"),
          "plpgsql_check",
          new Override(
              false,
              "README: the profiler 'can work with/without access to shared memory'; preloading"
                  + " only keeps profiles in shared memory, and then needs plpgsql listed first"),
          "pg_snakeoil",
          new Override(
              false,
              "README: preloading only saves loading the ClamAV engine on a connection's first"
                  + " call (and holds the signatures of server start)"),
          "pglogical_ticker",
          new Override(
              false,
              "README: 'not strictly required'; without it pglogical_ticker.launch() starts the"
                  + " ticker as a dynamic background worker"),
          "pg_partman_bgw",
          new Override(
              false,
              "pg_partman works without its optional background worker (call run_maintenance()"
                  + " from a scheduler such as pg_cron); the library exists only for that worker"));

  /**
   * The decision for one module.
   *
   * @param library the file name stem ({@code pg_cron} for {@code pg_cron.so})
   * @param imports its undefined dynamic symbols ({@link io.pigsty.repo.deb.ElfSymbols#imported})
   * @return whether it must be in {@code shared_preload_libraries}
   */
  public static boolean required(String library, Set<String> imports) {
    Optional<Override> o = Optional.ofNullable(OVERRIDES.get(library));
    return o.map(Override::required).orElseGet(() -> !signals(imports).isEmpty());
  }

  /**
   * @return the signal symbols among {@code imports}, sorted (what the rule saw)
   */
  public static Set<String> signals(Set<String> imports) {
    Set<String> s = new TreeSet<>(imports);
    s.retainAll(SIGNALS);
    return s;
  }
}
