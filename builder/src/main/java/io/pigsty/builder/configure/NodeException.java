package io.pigsty.builder.configure;

/**
 * A failed step of configuring a node: a check, the template, {@code pigsty.yml}, the bundle or
 * the local repository. The {@link Kind} says which, so the CLI can map it to its exit code;
 * the message names the file, key, package or address at fault.
 */
public final class NodeException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What failed; each kind has its own exit code in the CLI. */
  public enum Kind {
    /** The kernel is not Linux ({@code uname -s}). */
    NOT_LINUX,
    /** The machine is neither x86_64 nor aarch64 ({@code uname -m}). */
    UNSUPPORTED_ARCH,
    /** {@code /etc/os-release} is missing, or names an OS or release that is not supported. */
    UNSUPPORTED_OS,
    /** dpkg or apt-get is missing. */
    NO_PACKAGE_MANAGER,
    /** Neither root nor passwordless sudo. */
    NO_ROOT,
    /** Not enough disk space for the local repository. */
    NO_SPACE,
    /** No usable primary IP: {@code -i} not on this node, several candidates under {@code -n}. */
    IP,
    /** The template named with {@code -m} (or in {@code pg_conf}) does not exist. */
    UNKNOWN_TEMPLATE,
    /** The bundle is missing, unreadable, truncated, or fails a checksum or signature. */
    BUNDLE_INVALID,
    /** The bundle is for another OS, release or architecture than this node. */
    BUNDLE_TARGET,
    /** Installing the bundle's packages would conflict with what is installed. */
    PREFLIGHT,
    /** {@code pigsty.yml} is malformed or misses a required key. */
    INVENTORY,
    /** A tar entry would land outside the repository directory (absolute, {@code ..}, link). */
    UNSAFE_ENTRY,
    /** {@code apt-get update} on the local repository failed. */
    APT
  }

  private final Kind kind;

  /**
   * @param kind what failed
   * @param message names the file, key, package or address at fault
   */
  public NodeException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  /**
   * @param kind what failed
   * @param message names the file, key, package or address at fault
   * @param cause the underlying error
   */
  public NodeException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** @return what failed */
  public Kind kind() {
    return kind;
  }
}
