package io.pigsty.builder.definition;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The operating system a bundle is built for: distribution, release, codename and architecture.
 *
 * @param os distribution id as in {@code /etc/os-release} {@code ID}: {@code debian}, {@code
 *     ubuntu}, {@code el}, {@code rocky}, {@code alma}, {@code rhel} or {@code centos} (Stream)
 * @param release release as written, for example {@code "12"} or {@code "9"}; never a number
 * @param codename release codename such as {@code bookworm}; may be empty for the rpm family
 * @param arch package architecture in the family's own spelling: {@code amd64}/{@code arm64} (deb)
 *     or {@code x86_64}/{@code aarch64} (rpm)
 */
public record Target(String os, String release, String codename, String arch) {

  /** Package family for Debian-style systems (dpkg/apt). */
  public static final String DEB = "deb";

  /** Package family for Red Hat-style systems (rpm/dnf). */
  public static final String RPM = "rpm";

  private static final Map<String, String> FAMILY_BY_OS =
      Map.of(
          "debian", DEB, "ubuntu", DEB, "el", RPM, "rocky", RPM, "alma", RPM, "rhel", RPM, "centos",
          RPM);

  private static final Map<String, List<String>> ARCHES =
      Map.of(
          DEB, List.of("amd64", "arm64"),
          RPM, List.of("x86_64", "aarch64"));

  /**
   * Validates the target.
   *
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if {@code os} is unknown, {@code release} is blank, the
   *     codename is blank on a deb system, or {@code arch} is not one of {@link
   *     #architectures(String)} for the family
   */
  public Target {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(codename, "codename");
    Objects.requireNonNull(arch, "arch");
    String family =
        familyOf(os)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown os '" + os + "'; expected one of " + knownOs()));
    if (release.isBlank()) {
      throw new IllegalArgumentException("release is blank");
    }
    if (DEB.equals(family) && codename.isBlank()) {
      throw new IllegalArgumentException("codename is required for " + os);
    }
    if (!architectures(family).contains(arch)) {
      throw new IllegalArgumentException(
          "arch '"
              + arch
              + "' is not valid for "
              + family
              + "; expected one of "
              + String.join(", ", architectures(family)));
    }
  }

  /**
   * @return the package family of {@link #os()}: {@link #DEB} or {@link #RPM}
   */
  public String osFamily() {
    return FAMILY_BY_OS.get(os);
  }

  /**
   * Maps a distribution id to its package family.
   *
   * @param os distribution id, for example {@code debian} (null gives empty)
   * @return {@link #DEB} for debian/ubuntu, {@link #RPM} for el/rocky/alma/rhel/centos, empty
   *     otherwise
   */
  public static Optional<String> familyOf(String os) {
    return Optional.ofNullable(os == null ? null : FAMILY_BY_OS.get(os));
  }

  /**
   * Architectures accepted for a family, in the family's spelling (dpkg {@code
   * --print-architecture} for deb, {@code uname -m}/rpm for rpm).
   *
   * @param family {@link #DEB} or {@link #RPM}
   * @return the allowed architecture names; empty for an unknown family
   */
  public static List<String> architectures(String family) {
    return ARCHES.getOrDefault(family, List.of());
  }

  /**
   * @return the known distribution ids, sorted and comma-separated, for messages
   */
  static String knownOs() {
    return String.join(", ", FAMILY_BY_OS.keySet().stream().sorted().toList());
  }
}
