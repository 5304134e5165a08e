package io.pigsty.builder.definition;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The extension catalog ({@code bundles/extensions.yml}): maps a PostgreSQL extension alias to the
 * package(s) that provide it per package family, with optional per-OS-code overrides and an
 * optional list of supported PostgreSQL majors.
 *
 * <pre>{@code
 * postgis:  {deb: "postgresql-$v-postgis-3", rpm: "postgis34_$v"}
 * pgvector: {deb: "postgresql-$v-pgvector", rpm: "pgvector_$v", d12: ~}   # ~: not in bookworm
 * pg_cron:  {deb: "postgresql-$v-cron", rpm: "pg_cron_$v", majors: [13, 14, 15, 16, 17]}
 * postgis:  {deb: "postgresql-$v-postgis-3", rpm: "postgis34_$v", extensions: [postgis_raster]}
 * }</pre>
 *
 * A value is one package name or a list of them; {@code $v} is replaced by the PostgreSQL major.
 * {@code extensions} lists the other extension names (as {@code CREATE EXTENSION} takes them) the
 * same packages provide. It is the only extension catalog: the builder reads it for bundle
 * definitions, and {@code install} (from the copy in the jar, {@link #bundled()}) to find the
 * package of each extension {@code pg_databases} creates.
 */
public final class ExtensionCatalog {

  /** The placeholder replaced by the PostgreSQL major in package names. */
  public static final String MAJOR_PLACEHOLDER = "$v";

  /** An OS code as used in bundle names: {@code d12}, {@code u22}, {@code el9}. */
  static final Pattern OS_CODE = Pattern.compile("[a-z]+[0-9]+");

  private static final Pattern NAME_TEMPLATE = Pattern.compile("[A-Za-z0-9$][A-Za-z0-9+._$-]*");

  private final Path file;
  private final Map<String, Extension> byAlias;

  private ExtensionCatalog(Path file, Map<String, Extension> byAlias) {
    this.file = file;
    this.byAlias = Collections.unmodifiableMap(byAlias);
  }

  /**
   * One catalog entry.
   *
   * @param alias the extension alias, for example {@code pg_cron}
   * @param byFamily package name templates per family ({@code deb}, {@code rpm}); a family missing
   *     here has no package
   * @param byOsCode per-OS-code overrides (key {@code d12} ...); an empty list means the extension
   *     is not available on that OS
   * @param majors PostgreSQL majors the extension exists for; empty means any
   * @param extensions other extension names the same packages provide (besides the alias)
   * @param line 1-based line of the alias in the catalog file, 0 when unknown
   */
  public record Extension(
      String alias,
      Map<String, List<String>> byFamily,
      Map<String, List<String>> byOsCode,
      Set<Integer> majors,
      List<String> extensions,
      int line) {

    /** Copies the maps and sets; throws NullPointerException on null components. */
    public Extension {
      Objects.requireNonNull(alias, "alias");
      byFamily = copy(byFamily);
      byOsCode = copy(byOsCode);
      majors = Collections.unmodifiableSet(new TreeSet<>(majors));
      extensions = List.copyOf(extensions);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> m) {
      Map<String, List<String>> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, List.copyOf(v)));
      return Collections.unmodifiableMap(out);
    }

    /**
     * Why the extension cannot be installed on a target, if it cannot.
     *
     * @param osCode bundle OS code such as {@code d12} (overrides are looked up by it)
     * @param family {@link Target#DEB} or {@link Target#RPM}
     * @param major PostgreSQL major, for example 15
     * @return a reason such as {@code not available for PostgreSQL 12 (majors: 13, 14)}, or empty
     *     when {@link #packages(String, String, int)} will succeed
     */
    public Optional<String> whyUnavailable(String osCode, String family, int major) {
      if (!majors.isEmpty() && !majors.contains(major)) {
        return Optional.of(
            "not available for PostgreSQL "
                + major
                + " (majors: "
                + majors.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + ")");
      }
      List<String> override = byOsCode.get(osCode);
      if (override != null) {
        return override.isEmpty() ? Optional.of("not available for " + osCode) : Optional.empty();
      }
      return byFamily.containsKey(family)
          ? Optional.empty()
          : Optional.of("not available for the " + family + " family");
    }

    /**
     * The package names providing the extension on a target, {@code $v} replaced by {@code major};
     * the per-OS-code override wins over the family entry.
     *
     * @return one or more package names, in catalog order
     * @throws IllegalArgumentException if {@link #whyUnavailable} gives a reason
     */
    public List<String> packages(String osCode, String family, int major) {
      Optional<String> why = whyUnavailable(osCode, family, major);
      if (why.isPresent()) {
        throw new IllegalArgumentException("extension '" + alias + "' is " + why.get());
      }
      List<String> templates = byOsCode.getOrDefault(osCode, byFamily.get(family));
      String v = Integer.toString(major);
      return templates.stream().map(t -> t.replace(MAJOR_PLACEHOLDER, v)).toList();
    }
  }

  /** Where {@link #bundled()} finds the catalog in the jar (copied from bundles/extensions.yml). */
  public static final String RESOURCE = "/catalog/extensions.yml";

  /**
   * The catalog's OS code of a Debian-family node, from os-release(5)'s {@code ID} and {@code
   * VERSION_ID}: {@code d12} for Debian 12, {@code u22} for Ubuntu 22.04.
   *
   * @return the code, or null for another OS or a version that is not a number
   */
  public static String osCode(String id, String versionId) {
    String major = versionId == null ? "" : versionId.split("\\.")[0];
    if (!major.matches("[0-9]+")) {
      return null;
    }
    return "debian".equals(id) ? "d" + major : "ubuntu".equals(id) ? "u" + major : null;
  }

  /**
   * The catalog shipped in the jar: {@code bundles/extensions.yml} as it was at build time.
   *
   * @return the catalog
   * @throws IllegalStateException if the jar lacks it or it is malformed (a build defect)
   */
  public static ExtensionCatalog bundled() {
    try (InputStream in = ExtensionCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not in the jar");
      }
      return load(Path.of("extensions.yml"), new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException | DefinitionException e) {
      throw new IllegalStateException(
          "the jar's " + RESOURCE + " is unreadable: " + e.getMessage(), e);
    }
  }

  /**
   * The entry that provides an extension: the one of that alias, else the one listing it under
   * {@code extensions}.
   *
   * @param name an extension name as {@code CREATE EXTENSION} takes it
   * @return the entry, or empty for an extension of the server's own packages (contrib)
   */
  public Optional<Extension> providing(String name) {
    Extension e = byAlias.get(name);
    if (e != null) {
      return Optional.of(e);
    }
    return byAlias.values().stream().filter(x -> x.extensions().contains(name)).findFirst();
  }

  /**
   * Loads a catalog file.
   *
   * @param file the YAML file, as the user names it (for messages)
   * @return the catalog, aliases in file order
   * @throws DefinitionException on malformed YAML, unknown keys, wrong types, bad package name
   *     templates or an entry with no package at all; the exception carries the line and key path
   * @throws IOException if the file cannot be read
   */
  public static ExtensionCatalog load(Path file) throws DefinitionException, IOException {
    return read(file, YamlFile.compose(file));
  }

  private static ExtensionCatalog load(Path name, Reader reader)
      throws DefinitionException, IOException {
    return read(name, YamlFile.compose(name, reader));
  }

  private static ExtensionCatalog read(Path file, YamlFile yaml) throws DefinitionException {
    MappingNode root = yaml.map(yaml.root(), "");
    Map<String, Extension> out = new LinkedHashMap<>();
    for (Map.Entry<String, NodeTuple> e : yaml.entries(root, "", null).entrySet()) {
      String alias = e.getKey();
      Node aliasNode = e.getValue().getKeyNode();
      if (!alias.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
        throw yaml.error(aliasNode, alias, "not a valid extension alias");
      }
      out.put(alias, entry(yaml, alias, aliasNode, e.getValue().getValueNode()));
    }
    return new ExtensionCatalog(file, out);
  }

  private static Extension entry(YamlFile yaml, String alias, Node aliasNode, Node node)
      throws DefinitionException {
    MappingNode map = yaml.map(node, alias);
    Map<String, List<String>> byFamily = new LinkedHashMap<>();
    Map<String, List<String>> byOsCode = new LinkedHashMap<>();
    Set<Integer> majors = new TreeSet<>();
    List<String> extensions = new ArrayList<>();
    for (Map.Entry<String, NodeTuple> e : yaml.entries(map, alias, null).entrySet()) {
      String key = e.getKey();
      String path = YamlFile.child(alias, key);
      Node value = e.getValue().getValueNode();
      if (key.equals(Target.DEB) || key.equals(Target.RPM)) {
        byFamily.put(key, names(yaml, value, path, false));
      } else if (key.equals("majors")) {
        SequenceNode seq = yaml.seq(value, path);
        for (int i = 0; i < seq.getValue().size(); i++) {
          Node item = seq.getValue().get(i);
          int major = yaml.integer(item, YamlFile.index(path, i));
          if (!majors.add(major)) {
            throw yaml.error(item, YamlFile.index(path, i), "major " + major + " listed twice");
          }
        }
        if (majors.isEmpty()) {
          throw yaml.error(value, path, "empty list; leave 'majors' out to allow every major");
        }
      } else if (key.equals("extensions")) {
        for (Map.Entry<Node, String> x : yaml.strings(value, path, false)) {
          if (!x.getValue().matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw yaml.error(x.getKey(), path, "'" + x.getValue() + "' is not an extension name");
          }
          extensions.add(x.getValue());
        }
      } else if (OS_CODE.matcher(key).matches()) {
        byOsCode.put(key, names(yaml, value, path, true));
      } else {
        String suggestion =
            YamlFile.closest(key, List.of(Target.DEB, Target.RPM, "majors"))
                .map(c -> " (did you mean '" + c + "'?)")
                .orElse("");
        throw yaml.error(
            e.getValue().getKeyNode(),
            path,
            "unknown key '"
                + key
                + "'"
                + suggestion
                + "; expected one of deb, rpm, majors, extensions or an os code such as d12, el9");
      }
    }
    if (byFamily.isEmpty() && byOsCode.values().stream().allMatch(List::isEmpty)) {
      throw yaml.error(aliasNode, alias, "no package given; expected deb, rpm or an os code");
    }
    return new Extension(alias, byFamily, byOsCode, majors, extensions, YamlFile.line(aliasNode));
  }

  /** One name or a list of names; null allowed (as "not available") only for overrides. */
  private static List<String> names(YamlFile yaml, Node value, String path, boolean nullOk)
      throws DefinitionException {
    if (nullOk && YamlFile.isNull(value)) {
      return List.of();
    }
    List<Map.Entry<Node, String>> items =
        value instanceof SequenceNode
            ? yaml.strings(value, path, false)
            : List.of(Map.entry(value, yaml.string(value, path, false)));
    if (items.isEmpty()) {
      throw yaml.error(
          value, path, "empty package list" + (nullOk ? "; use ~ for 'not available'" : ""));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String name = items.get(i).getValue();
      String itemPath = value instanceof SequenceNode ? YamlFile.index(path, i) : path;
      if (!NAME_TEMPLATE.matcher(name).matches()
          || name.replace(MAJOR_PLACEHOLDER, "").contains("$")) {
        throw yaml.error(
            items.get(i).getKey(),
            itemPath,
            "'" + name + "' is not a package name (only the placeholder $v is replaced)");
      }
      out.add(name);
    }
    return out;
  }

  /**
   * @return the catalog file, as given to {@link #load(Path)}
   */
  public Path file() {
    return file;
  }

  /**
   * @return the aliases, sorted
   */
  public Set<String> aliases() {
    return Collections.unmodifiableSet(new TreeSet<>(byAlias.keySet()));
  }

  /**
   * Looks an alias up (case-sensitive).
   *
   * @param alias the extension alias, for example {@code postgis}
   * @return the entry, or empty when the catalog does not know the alias
   */
  public Optional<Extension> find(String alias) {
    return Optional.ofNullable(byAlias.get(alias));
  }
}
