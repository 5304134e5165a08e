package io.pigsty.builder.definition;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A bundle definition ({@code bundles/<os code>.yml}): which OS the offline bundle is for, the
 * upstream repositories it draws from and the packages it must hold, grouped by module.
 *
 * <p>Build one with {@link #load(Path)}, which reports every problem with file, line and key path.
 * The constructor checks the invariants again for programmatic use.
 *
 * @param file the definition file, as the user named it (used in messages)
 * @param name OS code used in the bundle file name: {@code d12}, {@code el9}, {@code u22}
 * @param version bundle version, as written (never parsed as a number: {@code 1.10} stays {@code
 *     "1.10"})
 * @param target the OS the bundle is for
 * @param pgMajor PostgreSQL major the bundle carries, replaces {@code $v} in package names
 * @param recommends whether the resolver follows {@code Recommends} as apt does by default
 * @param upstreams repositories to draw from, in file order; at least one
 * @param packages requested packages, module by module in file order, then the packages of the
 *     extension aliases; at least one; no package name twice
 * @param extensions the extension aliases as written, in file order
 * @param baseSystem whether the closure also holds the OS base set (key {@code base_system},
 *     default false; deb targets only), so that the bundle alone can bootstrap a root file system:
 *     see {@link BaseSystem}
 * @param multilib rpm targets on x86_64: also consider i686 packages (key {@code multilib}, default
 *     false, as dnf's {@code multilib_policy=best} installs none unless asked)
 */
public record BundleDefinition(
    Path file,
    String name,
    String version,
    Target target,
    int pgMajor,
    boolean recommends,
    List<Upstream> upstreams,
    List<PackageRequest> packages,
    List<String> extensions,
    boolean baseSystem,
    boolean multilib) {

  /** Lowest PostgreSQL major accepted. */
  public static final int MIN_PG_MAJOR = 10;

  /** Highest PostgreSQL major accepted. */
  public static final int MAX_PG_MAJOR = 99;

  /** Characters a version may use so that it fits in a file name. */
  static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+~_-]*");

  /**
   * @param version a candidate {@code version:}, may be null
   * @return whether it is a valid bundle version: a letter or digit, then letters, digits and
   *     {@code . + ~ _ -} (the rule {@code version:} of {@code bundles/*.yml} is checked against)
   */
  public static boolean isVersion(String version) {
    return version != null && VERSION.matcher(version).matches();
  }

  /**
   * Validates the invariants and copies the lists.
   *
   * @throws NullPointerException if a component or list element is null
   * @throws IllegalArgumentException if the name is not an OS code, the version does not fit a file
   *     name, {@code pgMajor} is outside {@value #MIN_PG_MAJOR}..{@value #MAX_PG_MAJOR}, there is
   *     no upstream or no package, a package name repeats, or {@code baseSystem} is set for a
   *     target that is not deb
   */
  public BundleDefinition {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(target, "target");
    upstreams = List.copyOf(upstreams);
    packages = List.copyOf(packages);
    extensions = List.copyOf(extensions);
    if (!ExtensionCatalog.OS_CODE.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name '" + name + "' is not an os code such as d12 or el9");
    }
    if (!VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("version '" + version + "' cannot be used in a file name");
    }
    if (pgMajor < MIN_PG_MAJOR || pgMajor > MAX_PG_MAJOR) {
      throw new IllegalArgumentException("pg_major " + pgMajor + " is out of range");
    }
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("no upstream");
    }
    if (packages.isEmpty()) {
      throw new IllegalArgumentException("no package");
    }
    if (packages.stream().map(PackageRequest::packageName).distinct().count() != packages.size()) {
      throw new IllegalArgumentException("a package name is requested twice");
    }
    if (baseSystem && !Target.DEB.equals(target.osFamily())) {
      throw new IllegalArgumentException("base_system is supported for deb targets only");
    }
    if (multilib && !multilibAllowed(target)) {
      throw new IllegalArgumentException("multilib is supported for rpm targets on x86_64 only");
    }
  }

  /**
   * A definition without the OS base set ({@code base_system: false}); see the canonical
   * constructor for the checks.
   */
  public BundleDefinition(
      Path file,
      String name,
      String version,
      Target target,
      int pgMajor,
      boolean recommends,
      List<Upstream> upstreams,
      List<PackageRequest> packages,
      List<String> extensions) {
    this(
        file,
        name,
        version,
        target,
        pgMajor,
        recommends,
        upstreams,
        packages,
        extensions,
        false,
        false);
  }

  /**
   * @return whether {@code multilib: true} applies: rpm targets on x86_64 (i686 packages)
   */
  static boolean multilibAllowed(Target target) {
    return Target.RPM.equals(target.osFamily()) && target.arch().equals("x86_64");
  }

  /**
   * Loads and validates a definition, and expands its extension aliases through the catalog ({@code
   * extensions.yml} next to it, or the file named by its {@code extensions_file:} key).
   *
   * @param file the definition file; relative paths stay relative in messages
   * @return the definition, with key files resolved against the file's directory
   * @throws DefinitionException with file, line and key path for: malformed YAML, unknown or
   *     missing keys, wrong value types, an architecture not valid for the family, a missing key
   *     file, an empty package list, a package requested twice (naming both places), an unknown
   *     extension alias or one not available for the target, {@code base_system} not true/false, or
   *     true for an rpm target
   * @throws IOException if the definition or the catalog cannot be read
   */
  public static BundleDefinition load(Path file) throws DefinitionException, IOException {
    return DefinitionLoader.load(file);
  }

  /**
   * A definition read for {@code pigsty catalog update}: everything but its {@code extensions:}
   * (which the catalog being updated may not yet be able to expand), and the catalog file it names.
   *
   * @param definition the definition, with an empty extension list and no extension packages
   * @param catalog {@code extensions_file:} resolved against the definition's directory, else
   *     {@code extensions.yml} beside it; it need not exist
   */
  public record ForCatalog(BundleDefinition definition, Path catalog) {}

  /**
   * Loads a definition as {@link #load} does but leaves {@code extensions:} alone (the catalog is
   * neither read nor required to exist).
   *
   * @throws DefinitionException as for {@link #load}, but never about extensions
   * @throws IOException if the definition cannot be read
   */
  public static ForCatalog loadForCatalog(Path file) throws DefinitionException, IOException {
    return DefinitionLoader.loadForCatalog(file);
  }

  /**
   * @return the absolute, normalized directory holding the definition file
   */
  public Path baseDir() {
    return file.toAbsolutePath().normalize().getParent();
  }

  /**
   * @return {@code deb} for debian/ubuntu targets, {@code rpm} for el/rocky/alma/rhel
   */
  public String osFamily() {
    return target.osFamily();
  }

  /**
   * The bundle's file name, following upstream Pigsty's naming.
   *
   * @return {@code pigsty-pkg-<version>.<name>.<arch>.tgz}, e.g. {@code
   *     pigsty-pkg-4.0.0.d12.amd64.tgz}
   */
  public String bundleFileName() {
    return bundleFileName(version, name, target.arch());
  }

  /**
   * @return {@code pigsty-pkg-<version>.<osCode>.<arch>.tgz}, the one bundle naming rule
   */
  public static String bundleFileName(String version, String osCode, String arch) {
    return "pigsty-pkg-" + version + "." + osCode + "." + arch + ".tgz";
  }

  /** The package name of a spec: the text before the first blank or parenthesis. */
  static String packageNameOf(String spec) {
    String s = spec.strip();
    int end = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '(') {
        end = i;
        break;
      }
    }
    return s.substring(0, end);
  }
}
