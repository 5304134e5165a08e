package io.pigsty.builder.definition;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Reads a bundle definition's node tree into a {@link BundleDefinition}, checking as it goes. */
final class DefinitionLoader {

  static final List<String> TOP_KEYS =
      List.of(
          "name",
          "version",
          "target",
          "pg_major",
          "recommends",
          "extensions_file",
          "upstreams",
          "packages",
          "extensions",
          "base_system",
          "multilib");
  static final List<String> TARGET_KEYS = List.of("os", "release", "codename", "arch");
  static final List<String> UPSTREAM_KEYS =
      List.of("name", "suite", "components", "keys", "url", "gpgcheck", "repo_gpgcheck");

  /** Modules of Pigsty that packages are grouped by. */
  static final List<String> MODULES = List.of("node", "infra", "pgsql", "etcd", "redis", "minio");

  static final String EXTENSIONS_MODULE = "extensions";
  static final String DEFAULT_CATALOG = "extensions.yml";

  /**
   * Debian Policy 5.6.1: lower case, digits, + - . ; at least two characters, alphanumeric first.
   */
  private static final Pattern DEB_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");

  /** RPM names: letters, digits and _ . + - (rpm accepts more; PGDG and EL stay within this). */
  private static final Pattern RPM_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]*");

  /** Debian version relation, Debian Policy 7.1: {@code (>= 1.2)}. */
  private static final Pattern RELATION =
      Pattern.compile("\\(\\s*(<<|<=|=|>=|>>)\\s*[^\\s()]+\\s*\\)");

  private final YamlFile yaml;

  /** Package name -> where it was first requested, for the duplicate message. */
  private final Map<String, String> seen = new HashMap<>();

  private final List<PackageRequest> packages = new ArrayList<>();

  /** Whether {@code extensions:} is expanded through the catalog (false for catalog update). */
  private final boolean expand;

  /** The catalog file the definition names (or the default), set by {@link #read}. */
  private Path catalogFile;

  private DefinitionLoader(YamlFile yaml, boolean expand) {
    this.yaml = yaml;
    this.expand = expand;
  }

  static BundleDefinition load(Path file) throws DefinitionException, IOException {
    return new DefinitionLoader(YamlFile.compose(file), true).read();
  }

  /**
   * Reads a definition without expanding {@code extensions:}; see {@link
   * BundleDefinition.ForCatalog}.
   */
  static BundleDefinition.ForCatalog loadForCatalog(Path file)
      throws DefinitionException, IOException {
    DefinitionLoader l = new DefinitionLoader(YamlFile.compose(file), false);
    BundleDefinition def = l.read();
    return new BundleDefinition.ForCatalog(def, l.catalogFile);
  }

  private BundleDefinition read() throws DefinitionException, IOException {
    Path file = yaml.file();
    MappingNode root = yaml.map(yaml.root(), "");
    Map<String, NodeTuple> top = yaml.entries(root, "", TOP_KEYS);
    yaml.require(root, "", top, "name", "version", "target", "pg_major", "upstreams", "packages");

    Node nameNode = value(top, "name");
    String name = yaml.string(nameNode, "name", false);
    if (!ExtensionCatalog.OS_CODE.matcher(name).matches()) {
      throw yaml.error(
          nameNode, "name", "'" + name + "' is not an os code such as d12, u22 or el9");
    }
    Node versionNode = value(top, "version");
    String version = yaml.string(versionNode, "version", true);
    if (!BundleDefinition.VERSION.matcher(version).matches()) {
      throw yaml.error(
          versionNode,
          "version",
          "'" + version + "' cannot be used in a file name; use letters, digits and . + ~ _ -");
    }
    Target target = target(top.get("target"));
    Node majorNode = value(top, "pg_major");
    int pgMajor = yaml.integer(majorNode, "pg_major");
    if (pgMajor < BundleDefinition.MIN_PG_MAJOR || pgMajor > BundleDefinition.MAX_PG_MAJOR) {
      throw yaml.error(
          majorNode,
          "pg_major",
          pgMajor
              + " is not a PostgreSQL major ("
              + BundleDefinition.MIN_PG_MAJOR
              + ".."
              + BundleDefinition.MAX_PG_MAJOR
              + ")");
    }
    boolean recommends =
        top.containsKey("recommends") ? yaml.bool(value(top, "recommends"), "recommends") : true;
    boolean baseSystem = baseSystem(top, target);
    boolean multilib = multilib(top, target);
    List<Upstream> upstreams = upstreams(value(top, "upstreams"), target.osFamily());
    packages(value(top, "packages"), target.osFamily(), pgMajor);
    catalogFile = catalogPath(top);
    List<String> aliases = expand ? extensions(top, name, target.osFamily(), pgMajor) : List.of();
    return new BundleDefinition(
        file,
        name,
        version,
        target,
        pgMajor,
        recommends,
        upstreams,
        packages,
        aliases,
        baseSystem,
        multilib);
  }

  /**
   * {@code multilib: true|false} (default false): i686 packages too; rpm targets on x86_64 only.
   */
  private boolean multilib(Map<String, NodeTuple> top, Target target) throws DefinitionException {
    return optionalSwitch(
        top,
        "multilib",
        BundleDefinition.multilibAllowed(target),
        "true is supported for rpm targets on x86_64 only (i686 packages); this target is "
            + target.os()
            + " "
            + target.arch());
  }

  /**
   * {@code base_system: true|false} (default false): add the OS base set to the closure (see {@link
   * BaseSystem}). Only deb targets have one so far (mmdebstrap's default variant).
   */
  private boolean baseSystem(Map<String, NodeTuple> top, Target target) throws DefinitionException {
    return optionalSwitch(
        top,
        "base_system",
        Target.DEB.equals(target.osFamily()),
        "true is supported for deb targets only (the Priority required and important set that "
            + "mmdebstrap installs); "
            + target.os()
            + " is "
            + target.osFamily());
  }

  /**
   * An optional boolean key, false when absent; true only where {@code allowed}, else {@code why}.
   */
  private boolean optionalSwitch(
      Map<String, NodeTuple> top, String key, boolean allowed, String why)
      throws DefinitionException {
    if (!top.containsKey(key)) {
      return false;
    }
    Node node = value(top, key);
    boolean on = yaml.bool(node, key);
    if (on && !allowed) {
      throw yaml.error(node, key, why);
    }
    return on;
  }

  private static Node value(Map<String, NodeTuple> entries, String key) {
    return entries.get(key).getValueNode();
  }

  private Target target(NodeTuple tuple) throws DefinitionException {
    MappingNode map = yaml.map(tuple.getValueNode(), "target");
    Map<String, NodeTuple> e = yaml.entries(map, "target", TARGET_KEYS);
    yaml.require(map, "target", e, "os", "release", "arch");
    Node osNode = value(e, "os");
    String os = yaml.string(osNode, "target.os", false);
    String family =
        Target.familyOf(os)
            .orElseThrow(
                () ->
                    yaml.error(
                        osNode,
                        "target.os",
                        "unknown os '" + os + "'; expected one of " + Target.knownOs()));
    String release = yaml.string(value(e, "release"), "target.release", true);
    if (Target.DEB.equals(family)) {
      yaml.require(map, "target", e, "codename");
    }
    String codename =
        e.containsKey("codename")
            ? yaml.string(value(e, "codename"), "target.codename", false)
            : "";
    Node archNode = value(e, "arch");
    String arch = yaml.string(archNode, "target.arch", false);
    if (!Target.architectures(family).contains(arch)) {
      throw yaml.error(
          archNode,
          "target.arch",
          "'"
              + arch
              + "' is not an architecture of the "
              + family
              + " family; expected one of "
              + String.join(", ", Target.architectures(family)));
    }
    return new Target(os, release, codename, arch);
  }

  private List<Upstream> upstreams(Node node, String family) throws DefinitionException {
    SequenceNode seq = yaml.seq(node, "upstreams");
    if (seq.getValue().isEmpty()) {
      throw yaml.error(node, "upstreams", "at least one upstream is required");
    }
    List<Upstream> out = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String path = YamlFile.index("upstreams", i);
      MappingNode map = yaml.map(item, path);
      Map<String, NodeTuple> e = yaml.entries(map, path, UPSTREAM_KEYS);
      yaml.require(map, path, e, "name", "suite", "keys");
      if (Target.DEB.equals(family)) {
        yaml.require(map, path, e, "components");
      }
      Node nameNode = value(e, "name");
      String name = yaml.string(nameNode, path + ".name", false);
      Integer firstLine = names.putIfAbsent(name, YamlFile.line(nameNode));
      if (firstLine != null) {
        throw yaml.error(
            nameNode,
            path + ".name",
            "upstream '" + name + "' is defined twice (first at line " + firstLine + ")");
      }
      String suite = yaml.string(value(e, "suite"), path + ".suite", false);
      List<String> components = new ArrayList<>();
      if (e.containsKey("components")) {
        Node c = value(e, "components");
        for (Map.Entry<Node, String> s : yaml.strings(c, path + ".components", false)) {
          components.add(s.getValue());
        }
        if (components.isEmpty()) {
          throw yaml.error(c, path + ".components", "at least one component is required");
        }
      }
      List<Path> keys = keys(value(e, "keys"), path + ".keys");
      Optional<URI> url =
          e.containsKey("url")
              ? Optional.of(url(value(e, "url"), path + ".url"))
              : Optional.empty();
      boolean gpgcheck = true;
      boolean repoGpgcheck = false;
      for (String k : List.of("gpgcheck", "repo_gpgcheck")) {
        if (e.containsKey(k) && Target.DEB.equals(family)) {
          throw yaml.error(
              value(e, k),
              path + "." + k,
              k
                  + " applies to rpm upstreams only; a Debian"
                  + " suite's InRelease is always verified");
        }
      }
      if (e.containsKey("gpgcheck")) {
        gpgcheck = yaml.bool(value(e, "gpgcheck"), path + ".gpgcheck");
      }
      if (e.containsKey("repo_gpgcheck")) {
        repoGpgcheck = yaml.bool(value(e, "repo_gpgcheck"), path + ".repo_gpgcheck");
      }
      if (Target.DEB.equals(family)) {
        out.add(new Upstream(name, suite, components, keys, url, YamlFile.line(item)));
        continue;
      }
      if (!gpgcheck && !repoGpgcheck) {
        throw yaml.error(
            e.containsKey("gpgcheck") ? value(e, "gpgcheck") : item,
            path + ".gpgcheck",
            "upstream '"
                + name
                + "' would verify nothing: turn on gpgcheck (package signatures)"
                + " or repo_gpgcheck (repomd.xml.asc)");
      }
      out.add(
          new Upstream(
              name, suite, components, keys, url, YamlFile.line(item), gpgcheck, repoGpgcheck));
    }
    return out;
  }

  private List<Path> keys(Node node, String path) throws DefinitionException {
    List<Map.Entry<Node, String>> items = yaml.strings(node, path, false);
    if (items.isEmpty()) {
      throw yaml.error(node, path, "at least one key file is required");
    }
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i).getKey();
      String text = items.get(i).getValue();
      out.add(existingFile(item, YamlFile.index(path, i), text));
    }
    return out;
  }

  /** Resolves a path written in the definition against its directory; it must be a file. */
  private Path existingFile(Node node, String path, String text) throws DefinitionException {
    Path shown;
    Path resolved;
    try {
      shown = yaml.file().resolveSibling(text).normalize();
      resolved = yaml.file().toAbsolutePath().normalize().resolveSibling(text).normalize();
    } catch (InvalidPathException e) {
      throw yaml.error(node, path, "'" + text + "' is not a valid path: " + e.getReason());
    }
    if (!Files.isRegularFile(resolved)) {
      throw yaml.error(node, path, "no such file " + shown);
    }
    return resolved;
  }

  private URI url(Node node, String path) throws DefinitionException {
    String text = yaml.string(node, path, false);
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme();
      if (scheme == null || !Set.of("http", "https").contains(scheme)) {
        throw yaml.error(node, path, "'" + text + "' is not an http or https URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw yaml.error(node, path, "'" + text + "' is not a URL: " + e.getReason());
    }
  }

  private void packages(Node node, String family, int pgMajor) throws DefinitionException {
    MappingNode map = yaml.map(node, "packages");
    Map<String, NodeTuple> modules = yaml.entries(map, "packages", MODULES);
    if (modules.isEmpty()) {
      throw yaml.error(
          node,
          "packages",
          "empty package list; expected modules such as " + String.join(", ", MODULES));
    }
    for (Map.Entry<String, NodeTuple> m : modules.entrySet()) {
      String module = m.getKey();
      String path = YamlFile.child("packages", module);
      Node list = m.getValue().getValueNode();
      if (YamlFile.isNull(list) || (list instanceof SequenceNode s && s.getValue().isEmpty())) {
        Node at = YamlFile.isNull(list) ? m.getValue().getKeyNode() : list;
        throw yaml.error(at, path, "empty package list; remove the module or list its packages");
      }
      List<Map.Entry<Node, String>> items = yaml.strings(list, path, false);
      for (int i = 0; i < items.size(); i++) {
        Node item = items.get(i).getKey();
        String itemPath = YamlFile.index(path, i);
        String spec = spec(item, itemPath, items.get(i).getValue(), family, pgMajor);
        add(item, itemPath, new PackageRequest(module, spec, yaml.where(item, itemPath)));
      }
    }
  }

  /** Substitutes {@code $v} and checks the spec is {@code name} or {@code name (op version)}. */
  private String spec(Node node, String path, String text, String family, int pgMajor)
      throws DefinitionException {
    String spec = text.replace(ExtensionCatalog.MAJOR_PLACEHOLDER, Integer.toString(pgMajor));
    if (spec.contains("$")) {
      throw yaml.error(
          node, path, "'" + text + "' has an unknown placeholder; only $v (pg_major) is replaced");
    }
    String name = BundleDefinition.packageNameOf(spec);
    Pattern namePattern = Target.DEB.equals(family) ? DEB_NAME : RPM_NAME;
    if (!namePattern.matcher(name).matches()) {
      throw yaml.error(
          node,
          path,
          "'"
              + name
              + "' is not a valid "
              + family
              + " package name"
              + (Target.DEB.equals(family)
                  ? " (Debian Policy 5.6.1: lower case letters, digits, + - .)"
                  : ""));
    }
    String rest = spec.substring(name.length()).strip();
    if (!rest.isEmpty() && Target.RPM.equals(family)) {
      throw yaml.error(
          node,
          path,
          "'"
              + text
              + "': a version relation is not supported for rpm targets;"
              + " name the package only (the newest EVR is taken, as dnf does)");
    }
    if (!rest.isEmpty() && !RELATION.matcher(rest).matches()) {
      throw yaml.error(
          node,
          path,
          "'"
              + text
              + "': expected 'name' or 'name (op version)' with op one of"
              + " << <= = >= >> (Debian Policy 7.1)");
    }
    return rest.isEmpty() ? name : name + " " + rest;
  }

  private void add(Node node, String path, PackageRequest request) throws DefinitionException {
    String name = request.packageName();
    String first = seen.putIfAbsent(name, request.source());
    if (first != null) {
      throw yaml.error(
          node, path, "package '" + name + "' is requested twice: here and at " + first);
    }
    packages.add(request);
  }

  private List<String> extensions(
      Map<String, NodeTuple> top, String osCode, String family, int pgMajor)
      throws DefinitionException, IOException {
    if (!top.containsKey("extensions")) {
      if (top.containsKey("extensions_file")) {
        catalog(top); // still validate the named catalog
      }
      return List.of();
    }
    Node list = value(top, "extensions");
    if (list instanceof ScalarNode sc && Tag.STR.equals(sc.getTag())) {
      if (!sc.getValue().equals(ALL)) {
        throw yaml.error(
            list,
            "extensions",
            "expected a list of aliases or '" + ALL + "', found '" + sc.getValue() + "'");
      }
      return all(top, list, osCode, family, pgMajor);
    }
    List<Map.Entry<Node, String>> items = yaml.strings(list, "extensions", false);
    if (items.isEmpty()) {
      return List.of();
    }
    ExtensionCatalog catalog = catalog(top);
    List<String> aliases = new ArrayList<>();
    Map<String, Integer> lines = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      Node node = items.get(i).getKey();
      String alias = items.get(i).getValue();
      String path = YamlFile.index("extensions", i);
      Integer firstLine = lines.putIfAbsent(alias, YamlFile.line(node));
      if (firstLine != null) {
        throw yaml.error(
            node,
            path,
            "extension '" + alias + "' is listed twice (first at line " + firstLine + ")");
      }
      ExtensionCatalog.Extension ext =
          catalog
              .find(alias)
              .orElseThrow(
                  () ->
                      yaml.error(
                          node,
                          path,
                          "unknown extension alias '"
                              + alias
                              + "'"
                              + YamlFile.closest(alias, catalog.aliases())
                                  .map(c -> " (did you mean '" + c + "'?)")
                                  .orElse("")
                              + "; not in "
                              + catalog.file()));
      Optional<String> why = catalog.whyUnavailable(ext, osCode, family, pgMajor);
      if (why.isPresent()) {
        throw yaml.error(
            node,
            path,
            "extension '"
                + alias
                + "' is "
                + why.get()
                + " ("
                + catalog.file()
                + ":"
                + ext.line()
                + ")");
      }
      for (String pkg : catalog.packages(ext, osCode, family, pgMajor)) {
        String spec = spec(node, path, pkg, family, pgMajor);
        add(
            node,
            path,
            new PackageRequest(
                EXTENSIONS_MODULE, spec, yaml.where(node, path) + " (" + alias + ")"));
      }
      aliases.add(alias);
    }
    return aliases;
  }

  /** The word that makes {@code extensions:} take every catalog entry of the target. */
  static final String ALL = "all";

  /**
   * {@code extensions: all}: every entry with an archive record for this OS code and major, in
   * catalog order. A package a module already requests (postgresql-plpython3-15 in pgsql) is left
   * to the module; the alias is still listed.
   */
  private List<String> all(
      Map<String, NodeTuple> top, Node node, String osCode, String family, int pgMajor)
      throws DefinitionException, IOException {
    ExtensionCatalog catalog = catalog(top);
    if (!catalog.covers(osCode, pgMajor)) {
      throw yaml.error(
          node,
          "extensions",
          "'"
              + ALL
              + "' takes the entries "
              + catalog.file()
              + " has for "
              + ExtensionCatalog.Archived.key(osCode, pgMajor)
              + ", and it has none"
              + (catalog.targets().isEmpty()
                  ? ""
                  : " (it has " + String.join(", ", catalog.targets()) + ")")
              + "; run 'pigsty catalog update "
              + yaml.file()
              + "' first");
    }
    List<String> aliases = new ArrayList<>();
    String path = "extensions";
    for (ExtensionCatalog.Extension ext : catalog.available(osCode, pgMajor)) {
      for (String pkg : catalog.packages(ext, osCode, family, pgMajor)) {
        String spec = spec(node, path, pkg, family, pgMajor);
        if (seen.containsKey(BundleDefinition.packageNameOf(spec))) {
          continue;
        }
        add(
            node,
            path,
            new PackageRequest(
                EXTENSIONS_MODULE, spec, yaml.where(node, path) + " (all: " + ext.alias() + ")"));
      }
      aliases.add(ext.alias());
    }
    return aliases;
  }

  /**
   * The catalog file: {@code extensions_file:} resolved against the definition, else the default.
   */
  private Path catalogPath(Map<String, NodeTuple> top) throws DefinitionException {
    if (top.containsKey("extensions_file")) {
      String text = yaml.string(value(top, "extensions_file"), "extensions_file", false);
      try {
        return yaml.file().resolveSibling(text).normalize();
      } catch (InvalidPathException e) {
        throw yaml.error(
            value(top, "extensions_file"),
            "extensions_file",
            "'" + text + "' is not a valid path: " + e.getReason());
      }
    }
    return yaml.file().resolveSibling(DEFAULT_CATALOG).normalize();
  }

  private ExtensionCatalog catalog(Map<String, NodeTuple> top)
      throws DefinitionException, IOException {
    Path path;
    if (top.containsKey("extensions_file")) {
      Node node = value(top, "extensions_file");
      String text = yaml.string(node, "extensions_file", false);
      existingFile(node, "extensions_file", text);
      path = yaml.file().resolveSibling(text).normalize();
    } else {
      path = yaml.file().resolveSibling(DEFAULT_CATALOG).normalize();
      if (!Files.isRegularFile(path)) {
        throw yaml.error(
            value(top, "extensions"),
            "extensions",
            "no such file "
                + path
                + " (the extension catalog; name another with extensions_file:)");
      }
    }
    return ExtensionCatalog.load(path);
  }
}
