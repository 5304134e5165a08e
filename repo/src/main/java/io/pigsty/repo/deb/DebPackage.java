package io.pigsty.repo.deb;

import io.pigsty.repo.Printable;
import java.util.List;

/**
 * A binary package as listed in a Packages index (Debian Policy 5.3, 5.6): identity, the
 * relationship fields the resolver needs, and where its .deb lives. Relationship fields are parsed
 * on first use; the index keeps the stanza so a writer can copy it verbatim.
 */
public final class DebPackage {
  private final String name;
  private final String versionText;
  private volatile DebVersion version;
  private final String architecture;
  private final MultiArch multiArch;
  private final boolean essential;
  private final String priority;
  private final String preDependsField;
  private final String dependsField;
  private final String recommendsField;
  private final List<Dependency> provides;
  private final String filename;
  private final long size;
  private final String sha256;
  private final String origin;
  private final Paragraph paragraph;
  private List<List<Dependency>> preDepends;
  private List<List<Dependency>> depends;
  private List<List<Dependency>> recommends;

  /**
   * Builds a package from a stanza of a Packages index or a .deb control file.
   *
   * @param p the stanza
   * @param origin the upstream it came from (a suite name such as {@code bookworm-security}, or a
   *     file name)
   * @throws MetadataException naming the package and origin when Package, Version or Architecture
   *     is missing or a field is malformed
   */
  public static DebPackage of(Paragraph p, String origin) throws MetadataException {
    DebPackage d = lazy(p, origin);
    try {
      d.version = DebVersion.parse(d.versionText);
    } catch (IllegalArgumentException e) {
      throw new MetadataException(
          origin
              + ": package "
              + Printable.escape(d.name)
              + ": "
              + Printable.escape(e.getMessage()));
    }
    return d;
  }

  /**
   * Like {@link #of} but parses the Version field on first use ({@link #version()}), which halves
   * the cost of loading a 64k-package index where most versions are never compared.
   */
  static DebPackage lazy(Paragraph p, String origin) throws MetadataException {
    String name = p.get("Package");
    String ver = p.get("Version");
    String arch = p.get("Architecture");
    if (name == null || ver == null || arch == null) {
      throw new MetadataException(
          origin
              + ": stanza without Package, Version or Architecture"
              + (name != null ? " (Package: " + Printable.escape(name) + ")" : ""));
    }
    String sizeText = p.get("Size");
    long size;
    try {
      size = sizeText == null ? -1 : Long.parseLong(sizeText.trim());
    } catch (NumberFormatException e) {
      throw new MetadataException(
          origin
              + ": package "
              + Printable.escape(name)
              + ": bad Size '"
              + Printable.escape(sizeText)
              + "'");
    }
    String providesField = p.get("Provides");
    List<Dependency> provides = List.of();
    if (providesField != null) {
      List<List<Dependency>> groups =
          Relations.parse(providesField, origin + ": " + name + " Provides");
      Dependency[] flat = new Dependency[groups.size()];
      for (int i = 0; i < flat.length; i++) {
        flat[i] = groups.get(i).get(0);
      }
      provides = List.of(flat);
    }
    return new DebPackage(
        name,
        ver.strip(),
        arch.trim(),
        MultiArch.parse(p.get("Multi-Arch")),
        "yes".equalsIgnoreCase(p.get("Essential")),
        p.get("Priority"),
        p.get("Pre-Depends"),
        p.get("Depends"),
        p.get("Recommends"),
        provides,
        p.get("Filename"),
        size,
        p.get("SHA256"),
        origin,
        p);
  }

  private DebPackage(
      String name,
      String versionText,
      String architecture,
      MultiArch multiArch,
      boolean essential,
      String priority,
      String preDependsField,
      String dependsField,
      String recommendsField,
      List<Dependency> provides,
      String filename,
      long size,
      String sha256,
      String origin,
      Paragraph paragraph) {
    this.name = name;
    this.versionText = versionText;
    this.architecture = architecture;
    this.multiArch = multiArch;
    this.essential = essential;
    this.priority = priority;
    this.preDependsField = preDependsField;
    this.dependsField = dependsField;
    this.recommendsField = recommendsField;
    this.provides = provides;
    this.filename = filename;
    this.size = size;
    this.sha256 = sha256;
    this.origin = origin;
    this.paragraph = paragraph;
  }

  /**
   * @return the Package field
   */
  public String name() {
    return name;
  }

  /**
   * @return the Version field
   * @throws IllegalStateException naming the package and its index when the field is not a valid
   *     version (only for packages read lazily from an index)
   */
  public DebVersion version() {
    DebVersion v = version;
    if (v == null) {
      try {
        v = DebVersion.parse(versionText);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(origin + ": package " + name + ": " + e.getMessage(), e);
      }
      version = v;
    }
    return v;
  }

  /**
   * @return the Architecture field, e.g. {@code amd64} or {@code all}
   */
  public String architecture() {
    return architecture;
  }

  /**
   * @return the Multi-Arch field
   */
  public MultiArch multiArch() {
    return multiArch;
  }

  /**
   * @return whether {@code Essential: yes}
   */
  public boolean essential() {
    return essential;
  }

  /**
   * @return the Priority field or {@code null}
   */
  public String priority() {
    return priority;
  }

  /**
   * @return the Provides field's atoms (unversioned or {@code =} versioned)
   */
  public List<Dependency> provides() {
    return provides;
  }

  /**
   * @return the Filename field (path below the archive root) or {@code null} for a control file
   */
  public String filename() {
    return filename;
  }

  /**
   * @return the Size field in bytes, or -1 when absent
   */
  public long size() {
    return size;
  }

  /**
   * @return the SHA256 field (lower-case hex) or {@code null}
   */
  public String sha256() {
    return sha256;
  }

  /**
   * @return the upstream (suite) or file this entry was read from
   */
  public String origin() {
    return origin;
  }

  /**
   * @return the stanza it was read from
   */
  public Paragraph paragraph() {
    return paragraph;
  }

  /**
   * @return {@code name=version/arch}, e.g. {@code libc6=2.36-9+deb12u10/amd64}
   */
  public String id() {
    return name + "=" + versionText + "/" + architecture;
  }

  /**
   * @return the Pre-Depends groups; @throws MetadataException if the field is malformed
   */
  public List<List<Dependency>> preDepends() throws MetadataException {
    if (preDepends == null) {
      preDepends = Relations.parse(preDependsField, name + " " + versionText + " Pre-Depends");
    }
    return preDepends;
  }

  /**
   * @return the Depends groups; @throws MetadataException if the field is malformed
   */
  public List<List<Dependency>> depends() throws MetadataException {
    if (depends == null) {
      depends = Relations.parse(dependsField, name + " " + versionText + " Depends");
    }
    return depends;
  }

  /**
   * @return the Recommends groups; @throws MetadataException if the field is malformed
   */
  public List<List<Dependency>> recommends() throws MetadataException {
    if (recommends == null) {
      recommends = Relations.parse(recommendsField, name + " " + versionText + " Recommends");
    }
    return recommends;
  }

  /**
   * @return the rank of the Priority field: 0 required, 1 important, 2 standard, 3 optional, 4
   *     extra or absent (Debian Policy 2.5)
   */
  public int priorityRank() {
    if (priority == null) {
      return 4;
    }
    switch (priority) {
      case "required":
        return 0;
      case "important":
        return 1;
      case "standard":
        return 2;
      case "optional":
        return 3;
      default:
        return 4;
    }
  }

  @Override
  public String toString() {
    return name + " " + versionText + " " + architecture;
  }
}
