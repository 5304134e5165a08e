package io.pigsty.builder.configure;

import io.pigsty.repo.PigstyException;

/**
 * A failed step of configuring a node: a check, the template, {@code pigsty.yml}, the bundle or the
 * local repository. The {@link Kind} says which, so it carries its own exit code (20-34); the
 * message names the file, key, package or address at fault.
 */
public final class NodeException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** What failed; each kind has its own exit code in the CLI. */
  public enum Kind {
    /** The kernel is not Linux ({@code uname -s}). */
    NOT_LINUX(20),
    /** The machine is neither x86_64 nor aarch64 ({@code uname -m}). */
    UNSUPPORTED_ARCH(21),
    /** {@code /etc/os-release} is missing, or names an OS or release that is not supported. */
    UNSUPPORTED_OS(22),
    /** dpkg or apt-get is missing. */
    NO_PACKAGE_MANAGER(31),
    /** Neither root nor passwordless sudo. */
    NO_ROOT(23),
    /** Not enough disk space for the local repository. */
    NO_SPACE(32),
    /** No usable primary IP: {@code -i} not on this node, several candidates under {@code -n}. */
    IP(24),
    /** The template named with {@code -m} (or in {@code pg_conf}) does not exist. */
    UNKNOWN_TEMPLATE(25),
    /**
     * The bundle is missing, unreadable, truncated, fails a checksum or signature, is not owned by
     * root (or the running user) or is group- or world-writable, or changed while it was copied.
     */
    BUNDLE_INVALID(26),
    /** The bundle is for another OS, release or architecture than this node. */
    BUNDLE_TARGET(27),
    /** Installing the bundle's packages would conflict with what is installed. */
    PREFLIGHT(28),
    /** {@code pigsty.yml} is malformed or misses a required key. */
    INVENTORY(29),
    /** A tar entry would land outside the repository directory (absolute, {@code ..}, link). */
    UNSAFE_ENTRY(30),
    /** {@code apt-get update} on the local repository failed. */
    APT(33),
    /**
     * The bundle is intact but signed by a key that is not pinned ({@code --key} or the release's
     * {@code bundle-keys.txt}), or no key is pinned at all.
     */
    BUNDLE_UNTRUSTED(34),
    /**
     * Another node of the inventory cannot be reached over SSH with the admin key, or its host key
     * is not the one pinned (the same code as {@link io.pigsty.builder.ssh.SshException}).
     */
    SSH(35);

    /** The process exit code of this failure (README, {@code pigsty --help}). */
    public final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }
  }

  private final Kind kind;

  /**
   * @param kind what failed
   * @param message names the file, key, package or address at fault
   */
  public NodeException(Kind kind, String message) {
    super(kind.exitCode, message);
    this.kind = kind;
  }

  /**
   * @param kind what failed
   * @param message names the file, key, package or address at fault
   * @param cause the underlying error
   */
  public NodeException(Kind kind, String message, Throwable cause) {
    super(kind.exitCode, message, cause);
    this.kind = kind;
  }

  /**
   * @return what failed
   */
  public Kind kind() {
    return kind;
  }
}
