package io.pigsty.builder.catalog;

import io.pigsty.repo.deb.DebFile;
import io.pigsty.repo.deb.Dependency;
import io.pigsty.repo.deb.ElfSymbols;
import io.pigsty.repo.deb.MetadataException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one PostgreSQL extension package holds, read from its .deb: control fields, the stems of its
 * {@code .control} files, the extension names its {@code postinst} makes through
 * update-alternatives, the symbols each of its modules imports, and which of its modules are
 * logical decoding output plugins.
 *
 * @param name the Package field
 * @param version the Version field
 * @param source the source package (Source field without its version, else the package name)
 * @param description the first line of the Description field (its synopsis, Debian Policy 5.6.13)
 * @param depends every package name in the Depends field, any alternative
 * @param controlStems the stems of {@code usr/share/postgresql/<major>/extension/*.control} (files
 *     and links), secondary control files ({@code name--version.control}) left out, sorted
 * @param alternatives the stems of {@code .control} links the {@code postinst} installs with {@code
 *     update-alternatives --install|--slave} (Debian's PostGIS makes {@code postgis.control} point
 *     at {@code postgis-3.control} this way), sorted
 * @param modules each regular {@code usr/lib/postgresql/<major>/lib/*.so} by file name stem, to the
 *     symbols it imports, sorted
 * @param outputPlugins the stems of the modules {@link OutputPluginRule} marks (from the symbols
 *     they export), sorted; a subset of {@code modules}' keys
 */
public record PackageScan(
    String name,
    String version,
    String source,
    String description,
    Set<String> depends,
    Set<String> controlStems,
    Set<String> alternatives,
    Map<String, Set<String>> modules,
    Set<String> outputPlugins) {

  /** The largest module read into memory: 256 MiB (bookworm's largest, rdkit's, is 5 MB). */
  public static final long MAX_MODULE_BYTES = 256L * 1024 * 1024;

  private static final Pattern ALTERNATIVE_LINK =
      Pattern.compile("--(?:install|slave)\\s+\\S*/([A-Za-z0-9_.-]+)\\.control(?=\\s)");

  /**
   * Copies the collections.
   *
   * @throws IllegalArgumentException when an output plugin is not one of the modules
   */
  public PackageScan {
    depends = Collections.unmodifiableSet(new TreeSet<>(depends));
    controlStems = Collections.unmodifiableSet(new TreeSet<>(controlStems));
    alternatives = Collections.unmodifiableSet(new TreeSet<>(alternatives));
    Map<String, Set<String>> m = new TreeMap<>();
    modules.forEach((k, v) -> m.put(k, Collections.unmodifiableSet(new TreeSet<>(v))));
    modules = Collections.unmodifiableMap(m);
    outputPlugins = Collections.unmodifiableSet(new TreeSet<>(outputPlugins));
    Set<String> strays = new TreeSet<>(outputPlugins);
    strays.removeAll(modules.keySet());
    if (!strays.isEmpty()) {
      throw new IllegalArgumentException(
          name + ": output plugins " + strays + " are not among its modules " + modules.keySet());
    }
  }

  /**
   * @return which data paths {@link DebFile#readContents} must read for {@link #of}: the modules
   *     directly in {@code usr/lib/postgresql/<major>/lib/}
   */
  public static Predicate<String> modulePaths(int major) {
    String dir = "usr/lib/postgresql/" + major + "/lib/";
    return p -> p.startsWith(dir) && p.endsWith(".so") && p.indexOf('/', dir.length()) < 0;
  }

  /**
   * Reads what the catalog needs from a package's contents.
   *
   * @param c the contents, read with {@link #modulePaths(int)}
   * @param major the PostgreSQL major whose directories are looked at
   * @param where the .deb, for messages
   * @throws MetadataException naming the .deb and module when a module is not an ELF file, or the
   *     Depends field is malformed
   */
  public static PackageScan of(DebFile.Contents c, int major, String where)
      throws MetadataException {
    var p = c.control().paragraph();
    String source = p.get("Source");
    source = source == null ? c.control().name() : source.strip().split("[\\s(]", 2)[0];
    String description = p.get("Description");
    description = description == null ? "" : description.split("\n", 2)[0].strip();
    Set<String> depends = new TreeSet<>();
    for (List<Dependency> group : c.control().depends()) {
      group.forEach(d -> depends.add(d.name()));
    }
    String extDir = "usr/share/postgresql/" + major + "/extension/";
    Set<String> stems = new TreeSet<>();
    for (String path : c.paths()) {
      if (path.startsWith(extDir)
          && path.endsWith(".control")
          && path.indexOf('/', extDir.length()) < 0) {
        String stem = path.substring(extDir.length(), path.length() - ".control".length());
        if (!stem.isEmpty() && !stem.contains("--")) {
          stems.add(stem);
        }
      }
    }
    Set<String> alternatives = new TreeSet<>();
    byte[] postinst = c.controlFiles().get("postinst");
    if (postinst != null) {
      Matcher m = ALTERNATIVE_LINK.matcher(new String(postinst, StandardCharsets.UTF_8));
      while (m.find()) {
        alternatives.add(m.group(1));
      }
    }
    Predicate<String> isModule = modulePaths(major);
    Map<String, Set<String>> modules = new TreeMap<>();
    Set<String> outputPlugins = new TreeSet<>();
    for (Map.Entry<String, byte[]> f : c.files().entrySet()) {
      if (isModule.test(f.getKey())) {
        String file = f.getKey().substring(f.getKey().lastIndexOf('/') + 1);
        String stem = file.substring(0, file.length() - ".so".length());
        ElfSymbols.Dynamic symbols = ElfSymbols.read(f.getValue(), where + ": " + f.getKey());
        modules.put(stem, symbols.imported());
        if (OutputPluginRule.isOutputPlugin(symbols.exported())) {
          outputPlugins.add(stem);
        }
      }
    }
    return new PackageScan(
        c.control().name(),
        c.control().version().toString(),
        source,
        description,
        depends,
        stems,
        alternatives,
        modules,
        outputPlugins);
  }

  /**
   * The {@code CREATE EXTENSION} names: the control stems, where a stem is an alternatives link's
   * name plus {@code -<suffix>} ({@code postgis-3}) the link's name ({@code postgis}) instead.
   * PostgreSQL takes an extension's name from its control file's name (documentation, "Packaging
   * Related Objects into an Extension").
   *
   * @param stems control stems (of this package and its companions)
   * @param alternatives alternatives link names (of this package and its companions)
   * @return the names, sorted
   */
  public static Set<String> extensionNames(Set<String> stems, Set<String> alternatives) {
    Set<String> out = new TreeSet<>();
    for (String s : stems) {
      String link =
          alternatives.stream().filter(a -> s.startsWith(a + "-")).findFirst().orElse(null);
      out.add(link == null ? s : link);
    }
    for (String a : alternatives) {
      if (stems.contains(a)) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * @return the modules {@link PreloadRule} says must be preloaded, sorted
   */
  public Set<String> preload() {
    Set<String> out = new TreeSet<>();
    modules.forEach(
        (lib, imports) -> {
          if (PreloadRule.required(lib, imports)) {
            out.add(lib);
          }
        });
    return out;
  }
}
