package io.pigsty.builder.catalog;

import java.util.Set;

/**
 * Whether a PostgreSQL module (a {@code usr/lib/postgresql/<major>/lib/*.so}) is a logical decoding
 * output plugin, derived from the symbols it exports: PostgreSQL loads an output plugin as the
 * library of that name and calls its {@code _PG_output_plugin_init}, which a library must provide
 * "to indicate that the library is actually an output plugin" (documentation, "Logical Decoding
 * Output Plugins", Initialization Function; LoadOutputPlugin in
 * src/backend/replication/logical/logical.c). A module that only imports the symbol (a shim calling
 * another library's) does not count; the one that defines it does.
 */
public final class OutputPluginRule {
  private OutputPluginRule() {}

  /** The exported symbol that marks an output plugin. */
  public static final String INIT = "_PG_output_plugin_init";

  /**
   * The decision for one module.
   *
   * @param exports its defined dynamic symbols ({@link io.pigsty.repo.deb.ElfSymbols#exported})
   * @return whether a replication slot can name it as its output plugin
   */
  public static boolean isOutputPlugin(Set<String> exports) {
    return exports.contains(INIT);
  }
}
