package io.pigsty.builder.definition;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes an {@link ExtensionCatalog} as {@code bundles/extensions.yml}: a fixed header, then one
 * block per entry in catalog order (keys in a fixed order, lists and maps sorted where order has no
 * meaning), so equal catalogs give equal bytes and {@link ExtensionCatalog#load} reads back what
 * was written.
 */
final class CatalogYaml {
  private CatalogYaml() {}

  /** The header of the written file: what it is, who writes it, what each key means. */
  static final String HEADER =
      """
      # The extension catalog: one entry per PostgreSQL extension package, by alias. Bundle
      # definitions name extensions by alias (or take them all: `extensions: all`); `pigsty install`
      # reads the copy in the jar for the package of each pg_databases extension and the libraries it
      # needs in shared_preload_libraries. `pigsty catalog list|show NAME` prints it.
      #
      # Rewritten by `pigsty catalog update bundles/<os code>.yml` from that definition's signed
      # upstream indexes and the packages themselves (docs/cli.md#extension-catalog). It keeps the
      # hand-written keys of every entry and the archive records of other targets; comments other
      # than this header are not kept.
      #   deb, rpm:    package name templates; "$v" is the PostgreSQL major (rpm: PGDG naming, not
      #                checked against a live EL repository)
      #   <os code>:   override for one OS (d12, u22, el9 ...); ~ means "not available there"
      #   majors:      only these PostgreSQL majors have the extension
      #   extensions:  CREATE EXTENSION names, for targets without an archive record
      #   archive:     generated, per <os code>-<major>: the package, its version, the first line of
      #                its Description, the CREATE EXTENSION names its .control files give, the
      #                libraries (.so stems) that must be in shared_preload_libraries, and those that
      #                are logical decoding output plugins (they export _PG_output_plugin_init)
      """;

  /** A scalar YAML 1.2 reads back as the same string without quotes. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_.+/-]*");

  static String render(ExtensionCatalog catalog) {
    StringBuilder out = new StringBuilder(HEADER);
    for (ExtensionCatalog.Extension e : catalog.entries()) {
      out.append('\n').append(plain(e.alias())).append(":\n");
      for (Map.Entry<String, List<String>> f : e.byFamily().entrySet()) {
        out.append("  ").append(f.getKey()).append(": ").append(names(f.getValue())).append('\n');
      }
      for (Map.Entry<String, List<String>> o : new TreeMap<>(e.byOsCode()).entrySet()) {
        out.append("  ").append(o.getKey()).append(": ");
        out.append(o.getValue().isEmpty() ? "~" : names(o.getValue())).append('\n');
      }
      if (!e.majors().isEmpty()) {
        out.append("  majors: ")
            .append(
                e.majors().stream()
                    .map(String::valueOf)
                    .collect(Collectors.joining(", ", "[", "]")))
            .append('\n');
      }
      if (!e.extensions().isEmpty()) {
        out.append("  extensions: ").append(list(e.extensions())).append('\n');
      }
      if (!e.archive().isEmpty()) {
        out.append("  archive:\n");
        for (ExtensionCatalog.Archived a : e.archive().values()) {
          out.append("    ").append(a.target()).append(":\n");
          out.append("      package: ").append(plain(a.packageName())).append('\n');
          out.append("      version: ").append(quoted(a.version())).append('\n');
          out.append("      description: ").append(quoted(a.description())).append('\n');
          out.append("      extensions: ").append(list(a.extensions())).append('\n');
          out.append("      preload: ").append(list(a.preload())).append('\n');
          out.append("      output_plugins: ").append(list(a.outputPlugins())).append('\n');
        }
      }
    }
    return out.toString();
  }

  /** One template as a quoted string, several as a flow list of quoted strings. */
  private static String names(List<String> templates) {
    if (templates.size() == 1) {
      return quoted(templates.get(0));
    }
    return templates.stream().map(CatalogYaml::quoted).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String list(List<String> items) {
    return items.stream().map(CatalogYaml::plain).collect(Collectors.joining(", ", "[", "]"));
  }

  /** Plain when YAML 1.2's core schema reads it back as this string, else double-quoted. */
  static String plain(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    boolean special = lower.equals("null") || lower.equals("true") || lower.equals("false");
    return PLAIN.matcher(s).matches() && !special ? s : quoted(s);
  }

  /** A YAML double-quoted scalar: {@code \\}, {@code "} and control characters escaped. */
  static String quoted(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
