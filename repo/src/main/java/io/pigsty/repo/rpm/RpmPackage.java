package io.pigsty.repo.rpm;

import java.util.List;
import java.util.Objects;

/**
 * One package entry of a repository's primary.xml.
 *
 * @param name package name, never null
 * @param arch architecture ({@code x86_64}, {@code noarch}, {@code i686}, {@code src} ...), never
 *     null
 * @param evr epoch, version and release, never null
 * @param checksumType checksum algorithm of the package file as written in primary (e.g. {@code
 *     sha256}), may be null
 * @param checksum hex checksum of the package file (the pkgid), may be null
 * @param location {@code location href}, relative to the repository root, never null
 * @param locationBase {@code location xml:base}, or null
 * @param packageSize size of the .rpm file in bytes, -1 when absent
 * @param installedSize installed size in bytes, -1 when absent
 * @param sourceRpm source RPM file name, or null
 * @param requires Requires entries (never null)
 * @param provides Provides entries (never null)
 * @param conflicts Conflicts entries (never null)
 * @param obsoletes Obsoletes entries (never null)
 * @param recommends Recommends entries (never null)
 * @param suggests Suggests entries (never null)
 * @param supplements Supplements entries (never null)
 * @param enhances Enhances entries (never null)
 * @param files file paths listed in primary (a subset of the package's files; never null)
 */
public record RpmPackage(
    String name,
    String arch,
    Evr evr,
    String checksumType,
    String checksum,
    String location,
    String locationBase,
    long packageSize,
    long installedSize,
    String sourceRpm,
    List<RpmDep> requires,
    List<RpmDep> provides,
    List<RpmDep> conflicts,
    List<RpmDep> obsoletes,
    List<RpmDep> recommends,
    List<RpmDep> suggests,
    List<RpmDep> supplements,
    List<RpmDep> enhances,
    List<String> files) {

  /** Rejects missing name, arch, evr or location; copies the lists. */
  public RpmPackage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arch, "arch of " + name);
    Objects.requireNonNull(evr, "version of " + name);
    Objects.requireNonNull(location, "location of " + name);
    requires = List.copyOf(requires);
    provides = List.copyOf(provides);
    conflicts = List.copyOf(conflicts);
    obsoletes = List.copyOf(obsoletes);
    recommends = List.copyOf(recommends);
    suggests = List.copyOf(suggests);
    supplements = List.copyOf(supplements);
    enhances = List.copyOf(enhances);
    files = List.copyOf(files);
  }

  /**
   * @return {@code name-[epoch:]version-release.arch}, epoch shown only when non-zero
   */
  public String nevra() {
    String e = evr.epoch() == null || "0".equals(evr.epoch()) ? "" : evr.epoch() + ":";
    return name + "-" + e + evr.version() + "-" + evr.release() + "." + arch;
  }

  /**
   * @return {@code name.arch}, the key under which the newest EVR is chosen
   */
  public String nameArch() {
    return name + "." + arch;
  }

  /**
   * @return the file name part of the location href
   */
  public String fileName() {
    int slash = location.lastIndexOf('/');
    return slash < 0 ? location : location.substring(slash + 1);
  }

  @Override
  public String toString() {
    return nevra();
  }
}
