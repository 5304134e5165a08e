package io.pigsty.builder.definition;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * The node OS table ({@code bundles/os.yml}): per OS code, the facts that differ between the
 * operating systems {@code ./configure} and {@code pigsty install} run on: the os-release(5)
 * identity, the release's PostgreSQL major, which pgbouncer exporter its package is, and the
 * package names, systemd units and paths of every installer role. Code asks a row for a role; it
 * never branches on the OS. Immutable.
 */
public final class OsTable {

  /** Where {@link #bundled()} finds the table in the jar (copied from bundles/os.yml). */
  public static final String RESOURCE = "/catalog/os.yml";

  /** The placeholder replaced by the PostgreSQL major in package names, units and paths. */
  public static final String MAJOR = "$v";

  private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.$-]*");
  private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9@:._$-]*");
  private static final Pattern ABSOLUTE = Pattern.compile("/[A-Za-z0-9@:._$/+-]*");
  private static final Pattern CODE = Pattern.compile("[a-z]+[0-9]+");
  private static final List<String> ROW_KEYS =
      List.of(
          "title",
          "id",
          "version_id",
          "codename",
          "pg_major",
          "pgbouncer_exporter",
          "packages",
          "units",
          "paths");

  /** A role's key in the table: its enum name in lower case. */
  private static String key(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** The packages the installer installs, by role. */
  public enum Package {
    POSTGRES,
    POSTGRES_CLIENT,
    PGBOUNCER,
    PG_EXPORTER,
    PGBOUNCER_EXPORTER,
    NODE_EXPORTER,
    PATRONI,
    PATRONI_ETCD,
    HAPROXY,
    VIP_MANAGER,
    ETCD,
    NGINX,
    PROMETHEUS,
    ALERTMANAGER
  }

  /** The systemd units the installer manages, by role. */
  public enum Unit {
    /** Debian's own cluster {@code <v>/main}, which the installer drops or converts. */
    POSTGRES,
    PATRONI,
    VIP_MANAGER,
    /**
     * The vip-manager package's own plain unit: it reads {@code /etc/default/vip-manager}, fails
     * without settings and would leave the node {@code degraded}; the installer disables it.
     */
    VIP_MANAGER_PACKAGE,
    ETCD,
    PGBOUNCER,
    PG_EXPORTER,
    PGBOUNCER_EXPORTER,
    NODE_EXPORTER,
    HAPROXY,
    NGINX,
    PROMETHEUS,
    ALERTMANAGER
  }

  /** The files and directories of the OS's packages the installer reads or writes, by role. */
  public enum File {
    PG_CONF_DIR,
    PG_DATA,
    PG_BIN,
    PG_CREATECLUSTER_CONF,
    PATRONI_CONFIG,
    VIP_MANAGER_ENV,
    ETCD_ENV,
    ETCD_DATA,
    PG_EXPORTER_ENV,
    PGBOUNCER_EXPORTER_CONFIG,
    NODE_EXPORTER_ENV,
    PROMETHEUS_ENV,
    ALERTMANAGER_ENV
  }

  /** Which program a release's {@code prometheus-pgbouncer-exporter} package is. */
  public enum PgbouncerExporter {
    /** The Python exporter 1.x: an INI file of settings, libpq's PGPASSWORD. */
    PYTHON,
    /**
     * prometheus-community's Go pgbouncer_exporter: its connection string and flags as environment
     * variables of its EnvironmentFile.
     */
    GO
  }

  /**
   * One row: an OS release.
   *
   * @param code the OS code ({@code d12}), as bundle definitions are named
   * @param title for people, e.g. {@code Debian 12 (bookworm)}
   * @param id os-release(5) {@code ID}, e.g. {@code debian}
   * @param versionId os-release(5) {@code VERSION_ID}, e.g. {@code 12}
   * @param codename os-release(5) {@code VERSION_CODENAME}, the archive's suite, e.g. {@code
   *     bookworm}
   * @param pgMajor the PostgreSQL major of the release's own archive
   * @param pgbouncerExporter what its pgbouncer exporter package is
   * @param packages every {@link Package} role's name template
   * @param units every {@link Unit} role's template
   * @param files every {@link File} role's absolute path template
   */
  public record Os(
      String code,
      String title,
      String id,
      String versionId,
      String codename,
      int pgMajor,
      PgbouncerExporter pgbouncerExporter,
      Map<Package, String> packages,
      Map<Unit, String> units,
      Map<File, String> files) {

    /**
     * Copies the maps; each must name every role.
     *
     * @throws IllegalArgumentException when a role is missing
     */
    public Os {
      packages = complete(Package.class, packages);
      units = complete(Unit.class, units);
      files = complete(File.class, files);
    }

    private static <E extends Enum<E>> Map<E, String> complete(Class<E> type, Map<E, String> m) {
      for (E e : type.getEnumConstants()) {
        if (!m.containsKey(e)) {
          throw new IllegalArgumentException("no " + key(e) + " in " + m);
        }
      }
      return Collections.unmodifiableMap(new EnumMap<>(m));
    }

    /**
     * @param role the package's role
     * @param major the PostgreSQL major ({@code $v})
     * @return the Debian package name, e.g. {@code postgresql-17}
     */
    public String pkg(Package role, int major) {
      return packages.get(role).replace(MAJOR, Integer.toString(major));
    }

    /**
     * @param role the unit's role
     * @param major the PostgreSQL major ({@code $v})
     * @return the systemd unit, e.g. {@code patroni@17-main.service}
     */
    public String unit(Unit role, int major) {
      return units.get(role).replace(MAJOR, Integer.toString(major));
    }

    /**
     * @param role the file's role
     * @param major the PostgreSQL major ({@code $v})
     * @return the absolute path, e.g. {@code /etc/postgresql/17/main}
     */
    public Path file(File role, int major) {
      return Path.of(files.get(role).replace(MAJOR, Integer.toString(major)));
    }

    /**
     * @return {@code ID VERSION_ID} as os-release(5) writes them, e.g. {@code debian 13}
     */
    public String release() {
      return id + " " + versionId;
    }
  }

  private final Path file;
  private final Map<String, Os> byCode;

  private OsTable(Path file, Map<String, Os> byCode) {
    this.file = file;
    this.byCode = Collections.unmodifiableMap(byCode);
  }

  /**
   * The table shipped in the jar: {@code bundles/os.yml} as it was at build time.
   *
   * @return the table
   * @throws IllegalStateException if the jar lacks it or it is malformed (a build defect)
   */
  public static OsTable bundled() {
    try (InputStream in = OsTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not in the jar");
      }
      return load(Path.of("os.yml"), new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException | DefinitionException e) {
      throw new IllegalStateException(
          "the jar's " + RESOURCE + " is unreadable: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a table file.
   *
   * @param file the YAML file
   * @return the table, rows in file order
   * @throws DefinitionException on malformed YAML, an unknown or missing key, a wrong type, a bad
   *     package name, unit or path, or two rows of one os-release {@code ID VERSION_ID}; the
   *     exception carries the line and key path
   * @throws IOException if the file cannot be read
   */
  public static OsTable load(Path file) throws DefinitionException, IOException {
    return read(file, YamlFile.compose(file));
  }

  /**
   * Loads a table from a reader.
   *
   * @param name the name errors give for it
   * @param reader its YAML text
   * @throws DefinitionException as {@link #load(Path)}
   * @throws IOException if reading fails
   */
  public static OsTable load(Path name, Reader reader) throws DefinitionException, IOException {
    return read(name, YamlFile.compose(name, reader));
  }

  private static OsTable read(Path file, YamlFile yaml) throws DefinitionException {
    MappingNode root = yaml.map(yaml.root(), "");
    Map<String, Os> out = new LinkedHashMap<>();
    Map<String, String> releases = new LinkedHashMap<>();
    for (Map.Entry<String, NodeTuple> e : yaml.entries(root, "", null).entrySet()) {
      String code = e.getKey();
      Node codeNode = e.getValue().getKeyNode();
      if (!CODE.matcher(code).matches()) {
        throw yaml.error(codeNode, code, "'" + code + "' is not an os code such as d12");
      }
      Os os = row(yaml, code, e.getValue().getValueNode());
      String other = releases.putIfAbsent(os.release(), code);
      if (other != null) {
        throw yaml.error(
            codeNode,
            code,
            os.release() + " is already the release of " + other + ": one row each");
      }
      out.put(code, os);
    }
    if (out.isEmpty()) {
      throw yaml.error(root, "", "no row: the table needs at least one OS");
    }
    return new OsTable(file, out);
  }

  private static Os row(YamlFile yaml, String code, Node node) throws DefinitionException {
    MappingNode map = yaml.map(node, code);
    Map<String, NodeTuple> keys = yaml.entries(map, code, ROW_KEYS);
    yaml.require(map, code, keys, ROW_KEYS.toArray(String[]::new));
    String id = yaml.string(value(keys, "id"), YamlFile.child(code, "id"), false);
    String versionId =
        yaml.string(value(keys, "version_id"), YamlFile.child(code, "version_id"), true);
    if (!code.equals(ExtensionCatalog.osCode(id, versionId))) {
      throw yaml.error(
          value(keys, "version_id"),
          YamlFile.child(code, "version_id"),
          "os-release "
              + id
              + " "
              + versionId
              + " has the os code "
              + ExtensionCatalog.osCode(id, versionId)
              + ", not "
              + code);
    }
    String exporterPath = YamlFile.child(code, "pgbouncer_exporter");
    String exporter = yaml.string(value(keys, "pgbouncer_exporter"), exporterPath, false);
    PgbouncerExporter kind =
        Arrays.stream(PgbouncerExporter.values())
            .filter(k -> key(k).equals(exporter))
            .findFirst()
            .orElseThrow(
                () ->
                    yaml.error(
                        value(keys, "pgbouncer_exporter"),
                        exporterPath,
                        "'" + exporter + "' is not one of python, go"));
    int major = yaml.integer(value(keys, "pg_major"), YamlFile.child(code, "pg_major"));
    return new Os(
        code,
        yaml.string(value(keys, "title"), YamlFile.child(code, "title"), false),
        id,
        versionId,
        yaml.string(value(keys, "codename"), YamlFile.child(code, "codename"), false),
        major,
        kind,
        roles(yaml, keys, code, "packages", Package.class, PACKAGE, "a Debian package name"),
        roles(yaml, keys, code, "units", Unit.class, UNIT, "a systemd unit name"),
        roles(yaml, keys, code, "paths", File.class, ABSOLUTE, "an absolute path"));
  }

  private static Node value(Map<String, NodeTuple> keys, String key) {
    return keys.get(key).getValueNode();
  }

  private static <E extends Enum<E>> Map<E, String> roles(
      YamlFile yaml,
      Map<String, NodeTuple> keys,
      String code,
      String section,
      Class<E> type,
      Pattern shape,
      String what)
      throws DefinitionException {
    String path = YamlFile.child(code, section);
    MappingNode map = yaml.map(value(keys, section), path);
    List<String> names = Arrays.stream(type.getEnumConstants()).map(OsTable::key).toList();
    Map<String, NodeTuple> entries = yaml.entries(map, path, names);
    yaml.require(map, path, entries, names.toArray(String[]::new));
    Map<E, String> out = new EnumMap<>(type);
    for (E role : type.getEnumConstants()) {
      String rolePath = YamlFile.child(path, key(role));
      Node v = entries.get(key(role)).getValueNode();
      String text = yaml.string(v, rolePath, false);
      if (!shape.matcher(text).matches() || text.replace(MAJOR, "").contains("$")) {
        throw yaml.error(
            v,
            rolePath,
            "'" + text + "' is not " + what + " (only the placeholder $v is replaced)");
      }
      out.put(role, text);
    }
    return out;
  }

  /**
   * @return the file the table was read from
   */
  public Path file() {
    return file;
  }

  /**
   * @return the rows, in file order
   */
  public List<Os> rows() {
    return List.copyOf(byCode.values());
  }

  /**
   * @param code an OS code such as {@code d13}
   * @return its row, or empty when the table has none
   */
  public Optional<Os> find(String code) {
    return Optional.ofNullable(code == null ? null : byCode.get(code));
  }

  /**
   * The row of a node from os-release(5)'s {@code ID} and {@code VERSION_ID}: the row of its OS
   * code ({@link ExtensionCatalog#osCode}) when its {@code ID} matches too.
   *
   * @param id os-release {@code ID}, may be null
   * @param versionId os-release {@code VERSION_ID}, may be null
   * @return the row, or empty for a release the table does not list
   */
  public Optional<Os> forRelease(String id, String versionId) {
    return find(ExtensionCatalog.osCode(id, versionId)).filter(os -> os.id().equals(id));
  }

  /**
   * @return every row's {@code ID VERSION_ID}, in file order, e.g. {@code [debian 12, debian 13]}
   */
  public List<String> releases() {
    return byCode.values().stream().map(Os::release).toList();
  }
}
