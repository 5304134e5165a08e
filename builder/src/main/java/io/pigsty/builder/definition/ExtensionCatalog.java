package io.pigsty.builder.definition;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The extension catalog ({@code bundles/extensions.yml}): one entry per PostgreSQL extension
 * package, by alias. Hand-written keys give package name templates per family, per-OS-code
 * overrides and the PostgreSQL majors; {@code archive} records, written by {@code pigsty catalog
 * update} (io.pigsty.builder.catalog), give what one target's Debian archive holds: the package,
 * its version and one-line description, the {@code CREATE EXTENSION} names it provides, the
 * libraries it needs in {@code shared_preload_libraries} and its logical decoding output plugins.
 *
 * <pre>{@code
 * pg_cron:
 *   deb: "postgresql-$v-cron"
 *   rpm: "pg_cron_$v"
 *   archive:
 *     d12-15: {package: postgresql-15-cron, version: "1.4.2-2+b1",
 *              description: "Run periodic jobs in PostgreSQL", extensions: [pg_cron],
 *              preload: [pg_cron], output_plugins: []}
 * pgvector: {deb: "postgresql-$v-pgvector", rpm: "pgvector_$v", d12: ~}   # ~: not on d12
 * }</pre>
 *
 * A template is one package name or a list; {@code $v} is replaced by the PostgreSQL major. A
 * target ({@code <os code>-<major>}) is <em>covered</em> when some entry has an archive record for
 * it; on a covered target an entry without a record is not available (its package was not in that
 * archive). It is the only extension catalog: the builder reads it for bundle definitions, and
 * {@code install} (from the copy in the jar, {@link #bundled()}) to find the package, the preload
 * libraries and the output plugins of each extension {@code pg_databases} creates.
 */
public final class ExtensionCatalog {

  /** The placeholder replaced by the PostgreSQL major in package names. */
  public static final String MAJOR_PLACEHOLDER = "$v";

  /** An OS code as used in bundle names: {@code d12}, {@code u22}, {@code el9}. */
  static final Pattern OS_CODE = Pattern.compile("[a-z]+[0-9]+");

  /** An archive record's key: OS code, dash, PostgreSQL major ({@code d12-15}). */
  static final Pattern TARGET = Pattern.compile("([a-z]+[0-9]+)-([0-9]{1,2})");

  /**
   * An extension name as PostgreSQL accepts it (check_valid_extension_name in
   * src/backend/commands/extension.c: not empty, no {@code --}, no leading or trailing {@code -},
   * no directory separator), at most 63 bytes (NAMEDATALEN - 1), limited here to ASCII letters,
   * digits and {@code _ . -}.
   */
  static final Pattern EXTENSION_NAME =
      Pattern.compile("(?!.*--)[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9_.])?");

  /** A library's file name stem, as {@code shared_preload_libraries} takes it. */
  static final Pattern LIBRARY_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,62}");

  /** A Debian package name (Debian Policy 5.6.1). */
  static final Pattern DEB_PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+");

  private static final Pattern NAME_TEMPLATE = Pattern.compile("[A-Za-z0-9$][A-Za-z0-9+._$-]*");

  private final Path file;
  private final Map<String, Extension> byAlias;
  private final Set<String> covered;

  private ExtensionCatalog(Path file, Map<String, Extension> byAlias) {
    this.file = file;
    this.byAlias = Collections.unmodifiableMap(byAlias);
    Set<String> c = new TreeSet<>();
    byAlias.values().forEach(e -> c.addAll(e.archive().keySet()));
    this.covered = Collections.unmodifiableSet(c);
  }

  /**
   * A catalog of these entries, in this order.
   *
   * @param file where it is (or will be) written, for messages
   * @throws IllegalArgumentException when an alias repeats
   */
  public static ExtensionCatalog of(Path file, List<Extension> entries) {
    Map<String, Extension> m = new LinkedHashMap<>();
    for (Extension e : entries) {
      if (m.putIfAbsent(e.alias(), e) != null) {
        throw new IllegalArgumentException("alias '" + e.alias() + "' is listed twice");
      }
    }
    return new ExtensionCatalog(file, m);
  }

  /**
   * What one target's Debian archive holds for an entry, as {@code pigsty catalog update} found it.
   *
   * @param osCode the bundle OS code, for example {@code d12}
   * @param major the PostgreSQL major, for example 15
   * @param packageName the binary package, for example {@code postgresql-15-cron}
   * @param version its Version, as written in the signed index
   * @param description the first line of its Description (the synopsis)
   * @param extensions the {@code CREATE EXTENSION} names it provides, sorted: the stems of its
   *     {@code usr/share/postgresql/<major>/extension/*.control} files (and of its companion
   *     packages'; see docs/cli.md)
   * @param preload the libraries (file name stems of {@code usr/lib/postgresql/<major>/lib/*.so})
   *     that must be in {@code shared_preload_libraries}, sorted; empty when none
   * @param outputPlugins the libraries (file name stems, as above) that are logical decoding output
   *     plugins, named by that stem in {@code pg_create_logical_replication_slot} (those exporting
   *     {@code _PG_output_plugin_init}; PostgreSQL documentation, "Logical Decoding Output
   *     Plugins"), sorted; empty when none
   */
  public record Archived(
      String osCode,
      int major,
      String packageName,
      String version,
      String description,
      List<String> extensions,
      List<String> preload,
      List<String> outputPlugins) {
    /**
     * Checks and copies.
     *
     * @throws IllegalArgumentException on a bad OS code, major, package, extension or library name
     *     (of {@code preload} or {@code outputPlugins}), or an empty version or description
     */
    public Archived {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(description, "description");
      if (!OS_CODE.matcher(osCode).matches() || major < 1 || major > 99) {
        throw new IllegalArgumentException("bad target " + osCode + "-" + major);
      }
      if (!DEB_PACKAGE.matcher(packageName).matches()) {
        throw new IllegalArgumentException("'" + packageName + "' is not a package name");
      }
      if (version.isBlank() || description.isBlank()) {
        throw new IllegalArgumentException(packageName + ": empty version or description");
      }
      extensions = sorted(extensions, EXTENSION_NAME, "extension name");
      preload = sorted(preload, LIBRARY_NAME, "library name");
      outputPlugins = sorted(outputPlugins, LIBRARY_NAME, "library name");
    }

    private static List<String> sorted(List<String> names, Pattern p, String what) {
      for (String n : names) {
        if (!p.matcher(n).matches()) {
          throw new IllegalArgumentException("'" + n + "' is not an " + what);
        }
      }
      return List.copyOf(new TreeSet<>(names));
    }

    /**
     * @return the record's key in {@code archive}: {@code <os code>-<major>}
     */
    public String target() {
      return key(osCode, major);
    }

    /**
     * @return {@code <os code>-<major>}, e.g. {@code d12-15}
     */
    public static String key(String osCode, int major) {
      return osCode + "-" + major;
    }
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
   * @param extensions hand-written extension names the packages provide (for rpm targets and
   *     targets without an archive record)
   * @param archive archive records by target ({@code d12-15}), sorted
   * @param line 1-based line of the alias in the catalog file, 0 when unknown
   */
  public record Extension(
      String alias,
      Map<String, List<String>> byFamily,
      Map<String, List<String>> byOsCode,
      Set<Integer> majors,
      List<String> extensions,
      Map<String, Archived> archive,
      int line) {

    /**
     * Copies the maps and sets; throws NullPointerException on null components, and
     * IllegalArgumentException when an archive key is not its record's target.
     */
    public Extension {
      Objects.requireNonNull(alias, "alias");
      byFamily = copy(byFamily);
      byOsCode = copy(byOsCode);
      majors = Collections.unmodifiableSet(new TreeSet<>(majors));
      extensions = List.copyOf(extensions);
      archive.forEach(
          (k, v) -> {
            if (!k.equals(v.target())) {
              throw new IllegalArgumentException(
                  alias + ": archive key " + k + " holds a record of " + v.target());
            }
          });
      archive = Collections.unmodifiableMap(new TreeMap<>(archive));
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> m) {
      Map<String, List<String>> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, List.copyOf(v)));
      return Collections.unmodifiableMap(out);
    }

    /**
     * @return the archive record of a target, if the catalog was updated from it and found this
     *     entry's package there
     */
    public Optional<Archived> archived(String osCode, int major) {
      return Optional.ofNullable(archive.get(Archived.key(osCode, major)));
    }

    /**
     * This entry with the archive record of {@code a.target()} replaced by {@code a}, or removed
     * when {@code a} is null (for {@code target}).
     */
    public Extension withArchived(String target, Archived a) {
      Map<String, Archived> m = new TreeMap<>(archive);
      if (a == null) {
        m.remove(target);
      } else {
        m.put(a.target(), a);
      }
      return new Extension(alias, byFamily, byOsCode, majors, extensions, m, line);
    }

    /**
     * The package names the templates give for a target (the per-OS-code override wins over the
     * family's), {@code $v} replaced; ignores archive records and majors.
     *
     * @return the names, or empty when the family has none or the override is {@code ~}
     */
    public List<String> templatePackages(String osCode, String family, int major) {
      List<String> templates = byOsCode.getOrDefault(osCode, byFamily.get(family));
      if (templates == null) {
        return List.of();
      }
      String v = Integer.toString(major);
      return templates.stream().map(t -> t.replace(MAJOR_PLACEHOLDER, v)).toList();
    }

    /**
     * @return every extension name this entry is known to provide: the hand-written ones and those
     *     of every archive record, sorted
     */
    public Set<String> allExtensionNames() {
      Set<String> all = new TreeSet<>(extensions);
      archive.values().forEach(a -> all.addAll(a.extensions()));
      return all;
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
   * The entry that provides an extension: the one of that alias, else the first (in file order)
   * whose hand-written {@code extensions} or any archive record lists it.
   *
   * @param name an extension name as {@code CREATE EXTENSION} takes it, or an alias
   * @return the entry, or empty for an extension of the server's own packages (contrib)
   */
  public Optional<Extension> providing(String name) {
    return providing(name, null, 0);
  }

  /**
   * Like {@link #providing(String)}, preferring the entry whose archive record for the target lists
   * the name.
   *
   * @param osCode the target's OS code, or null for none
   * @param major the target's PostgreSQL major
   */
  public Optional<Extension> providing(String name, String osCode, int major) {
    Extension e = byAlias.get(name);
    if (e != null) {
      return Optional.of(e);
    }
    if (osCode != null) {
      for (Extension x : byAlias.values()) {
        if (x.archived(osCode, major).map(a -> a.extensions().contains(name)).orElse(false)) {
          return Optional.of(x);
        }
      }
    }
    for (Extension x : byAlias.values()) {
      if (x.extensions().contains(name)) {
        return Optional.of(x);
      }
    }
    return byAlias.values().stream().filter(x -> x.allExtensionNames().contains(name)).findFirst();
  }

  /**
   * @return whether some entry has an archive record for the target: the catalog was updated from
   *     that target's archive
   */
  public boolean covers(String osCode, int major) {
    return osCode != null && covered.contains(Archived.key(osCode, major));
  }

  /**
   * @return the targets ({@code d12-15}) some entry has an archive record for, sorted
   */
  public Set<String> targets() {
    return covered;
  }

  /**
   * Why an entry cannot be installed on a target, if it cannot. In order: an archive record for the
   * target makes it available; a {@code majors} list without the major, a {@code ~} override for
   * the OS code, a covered target without a record, or a family without a template make it not.
   *
   * @param osCode bundle OS code such as {@code d12}, or null when unknown
   * @param family {@link Target#DEB} or {@link Target#RPM}
   * @param major PostgreSQL major, for example 15
   * @return a reason such as {@code not available for PostgreSQL 12 (majors: 13, 14)}, or empty
   *     when {@link #packages} will succeed
   */
  public Optional<String> whyUnavailable(Extension e, String osCode, String family, int major) {
    if (osCode != null && e.archived(osCode, major).isPresent()) {
      return Optional.empty();
    }
    if (!e.majors().isEmpty() && !e.majors().contains(major)) {
      return Optional.of(
          "not available for PostgreSQL "
              + major
              + " (majors: "
              + e.majors().stream().map(String::valueOf).collect(Collectors.joining(", "))
              + ")");
    }
    List<String> override = osCode == null ? null : e.byOsCode().get(osCode);
    if (override != null && override.isEmpty()) {
      return Optional.of("not available for " + osCode);
    }
    if (covers(osCode, major) && Target.DEB.equals(family)) {
      return Optional.of(
          "not in the "
              + osCode
              + " archive for PostgreSQL "
              + major
              + " ("
              + String.join(", ", e.templatePackages(osCode, family, major))
              + " not found when "
              + file
              + " was updated from it)");
    }
    return override != null || e.byFamily().containsKey(family)
        ? Optional.empty()
        : Optional.of("not available for the " + family + " family");
  }

  /**
   * The package names providing an entry on a target: the archive record's package, else the
   * templates ({@code $v} replaced; the per-OS-code override wins over the family entry).
   *
   * @return one or more package names, in catalog order
   * @throws IllegalArgumentException if {@link #whyUnavailable} gives a reason
   */
  public List<String> packages(Extension e, String osCode, String family, int major) {
    Optional<String> why = whyUnavailable(e, osCode, family, major);
    if (why.isPresent()) {
      throw new IllegalArgumentException("extension '" + e.alias() + "' is " + why.get());
    }
    Optional<Archived> a = osCode == null ? Optional.empty() : e.archived(osCode, major);
    return a.map(x -> List.of(x.packageName()))
        .orElseGet(() -> e.templatePackages(osCode, family, major));
  }

  /**
   * Every entry available on a target, in file order: what {@code extensions: all} in a bundle
   * definition takes.
   *
   * @return the entries with an archive record for the target; empty when the catalog does not
   *     {@link #covers cover} it
   */
  public List<Extension> available(String osCode, int major) {
    return byAlias.values().stream().filter(e -> e.archived(osCode, major).isPresent()).toList();
  }

  /**
   * The libraries that must be in {@code shared_preload_libraries} for these extensions on a
   * target, from the archive records (derived from each package's modules by {@code pigsty catalog
   * update}; docs/cli.md says how).
   *
   * @param osCode the node's OS code, for example {@code d12}
   * @param major the PostgreSQL major
   * @param names {@code CREATE EXTENSION} names or aliases (as {@code pg_databases} lists them);
   *     names the catalog does not know (contrib such as {@code pg_stat_statements}) add nothing
   * @return library names (file name stems, as the setting takes them), in catalog order, no
   *     duplicates; empty when none is needed or the catalog has no record for the target
   */
  public List<String> preloadLibraries(String osCode, int major, Collection<String> names) {
    return fromRecords(osCode, major, names, Archived::preload);
  }

  /**
   * The logical decoding output plugins these extensions install on a target, from the archive
   * records (the modules exporting {@code _PG_output_plugin_init}, found by {@code pigsty catalog
   * update}; docs/cli.md says how): what a server that only accepts listed output plugins (the
   * {@code output_plugin_libraries} setting) must list besides its own.
   *
   * @param osCode the node's OS code, for example {@code d12}
   * @param major the PostgreSQL major
   * @param names {@code CREATE EXTENSION} names or aliases (as {@code pg_databases} lists them, or
   *     an alias such as {@code wal2json} whose package has no {@code CREATE EXTENSION} name);
   *     names the catalog does not know add nothing
   * @return plugin names (file name stems, as a replication slot names them), in catalog order, no
   *     duplicates; empty when none or the catalog has no record for the target
   */
  public List<String> outputPlugins(String osCode, int major, Collection<String> names) {
    return fromRecords(osCode, major, names, Archived::outputPlugins);
  }

  /** The union of one list of the target's records of the entries providing {@code names}. */
  private List<String> fromRecords(
      String osCode, int major, Collection<String> names, Function<Archived, List<String>> field) {
    Set<String> wanted = new HashSet<>();
    for (String n : names) {
      providing(n, osCode, major).ifPresent(e -> wanted.add(e.alias()));
    }
    Set<String> out = new LinkedHashSet<>();
    for (Extension e : byAlias.values()) {
      if (wanted.contains(e.alias())) {
        e.archived(osCode, major).ifPresent(a -> out.addAll(field.apply(a)));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The catalog as {@code extensions.yml} text: a fixed header comment, then each entry in order,
   * its keys in a fixed order; {@link #load} reads it back to an equal catalog (but for lines), and
   * equal catalogs give equal text.
   *
   * @return the YAML text (UTF-8 when written)
   */
  public String toYaml() {
    return CatalogYaml.render(this);
  }

  /**
   * @return the alias or extension name within two edits of {@code name}, if one is closest (for
   *     "did you mean" in messages)
   */
  public Optional<String> closest(String name) {
    Set<String> all = new TreeSet<>(byAlias.keySet());
    byAlias.values().forEach(e -> all.addAll(e.allExtensionNames()));
    return YamlFile.closest(name, all);
  }

  /**
   * @return the entries, in file order
   */
  public List<Extension> entries() {
    return List.copyOf(byAlias.values());
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
    Map<String, Archived> archive = new TreeMap<>();
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
          if (!EXTENSION_NAME.matcher(x.getValue()).matches()) {
            throw yaml.error(x.getKey(), path, "'" + x.getValue() + "' is not an extension name");
          }
          extensions.add(x.getValue());
        }
      } else if (key.equals("archive")) {
        for (Map.Entry<String, NodeTuple> t :
            yaml.entries(yaml.map(value, path), path, null).entrySet()) {
          archive.put(
              t.getKey(),
              archived(yaml, t.getKey(), t.getValue(), YamlFile.child(path, t.getKey())));
        }
      } else if (OS_CODE.matcher(key).matches()) {
        byOsCode.put(key, names(yaml, value, path, true));
      } else {
        String suggestion =
            YamlFile.closest(key, List.of(Target.DEB, Target.RPM, "majors", "archive"))
                .map(c -> " (did you mean '" + c + "'?)")
                .orElse("");
        throw yaml.error(
            e.getValue().getKeyNode(),
            path,
            "unknown key '"
                + key
                + "'"
                + suggestion
                + "; expected one of deb, rpm, majors, extensions, archive or an os code such as"
                + " d12, el9");
      }
    }
    if (byFamily.isEmpty() && byOsCode.values().stream().allMatch(List::isEmpty)) {
      throw yaml.error(aliasNode, alias, "no package given; expected deb, rpm or an os code");
    }
    return new Extension(
        alias, byFamily, byOsCode, majors, extensions, archive, YamlFile.line(aliasNode));
  }

  /** The keys of an archive record. */
  static final List<String> ARCHIVE_KEYS =
      List.of("package", "version", "description", "extensions", "preload", "output_plugins");

  /**
   * The keys an archive record must have: all but {@code output_plugins}, which records written
   * before it existed lack (they read as "none"; {@code catalog update} writes it on every record).
   */
  static final List<String> ARCHIVE_REQUIRED = ARCHIVE_KEYS.subList(0, 5);

  /** One archive record: {@code d12-15: {package: ..., version: ..., ...}}. */
  private static Archived archived(YamlFile yaml, String target, NodeTuple t, String path)
      throws DefinitionException {
    Matcher m = TARGET.matcher(target);
    if (!m.matches()) {
      throw yaml.error(
          t.getKeyNode(), path, "'" + target + "' is not a target such as d12-15 (os code-major)");
    }
    MappingNode map = yaml.map(t.getValueNode(), path);
    Map<String, NodeTuple> e = yaml.entries(map, path, ARCHIVE_KEYS);
    yaml.require(map, path, e, ARCHIVE_REQUIRED.toArray(String[]::new));
    List<String> extensions =
        checked(yaml, e, path, "extensions", EXTENSION_NAME, "an extension name");
    List<String> preload = checked(yaml, e, path, "preload", LIBRARY_NAME, "a library name");
    List<String> outputPlugins =
        e.containsKey("output_plugins")
            ? checked(yaml, e, path, "output_plugins", LIBRARY_NAME, "a library name")
            : List.of();
    Node pkgNode = e.get("package").getValueNode();
    String pkg = yaml.string(pkgNode, YamlFile.child(path, "package"), false);
    if (!DEB_PACKAGE.matcher(pkg).matches()) {
      throw yaml.error(
          pkgNode, YamlFile.child(path, "package"), "'" + pkg + "' is not a package name");
    }
    String version =
        yaml.string(e.get("version").getValueNode(), YamlFile.child(path, "version"), true);
    String description =
        yaml.string(e.get("description").getValueNode(), YamlFile.child(path, "description"), true);
    return new Archived(
        m.group(1),
        Integer.parseInt(m.group(2)),
        pkg,
        version,
        description,
        extensions,
        preload,
        outputPlugins);
  }

  /** A list of names, each matching {@code p}. */
  private static List<String> checked(
      YamlFile yaml, Map<String, NodeTuple> e, String path, String key, Pattern p, String what)
      throws DefinitionException {
    String at = YamlFile.child(path, key);
    List<String> out = new ArrayList<>();
    for (Map.Entry<Node, String> x : yaml.strings(e.get(key).getValueNode(), at, false)) {
      if (!p.matcher(x.getValue()).matches()) {
        throw yaml.error(x.getKey(), at, "'" + x.getValue() + "' is not " + what);
      }
      out.add(x.getValue());
    }
    return out;
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
