package io.pigsty.repo.deb;

/** The Multi-Arch field of a binary package (Debian Policy 5.6.31, Multi-Arch spec). */
public enum MultiArch {
  /** Field absent or {@code no}. */
  NO,
  /** {@code same}: co-installable with itself for other architectures. */
  SAME,
  /** {@code foreign}: satisfies dependencies of packages of any architecture. */
  FOREIGN,
  /** {@code allowed}: satisfies {@code name:any} dependencies. */
  ALLOWED;

  /**
   * @param value field value or {@code null}; unknown values read as {@link #NO} like dpkg
   */
  public static MultiArch parse(String value) {
    if (value == null) {
      return NO;
    }
    switch (value.trim()) {
      case "same":
        return SAME;
      case "foreign":
        return FOREIGN;
      case "allowed":
        return ALLOWED;
      default:
        return NO;
    }
  }
}
