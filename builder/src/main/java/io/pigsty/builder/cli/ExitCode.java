package io.pigsty.builder.cli;

import io.pigsty.builder.configure.NodeException;
import io.pigsty.builder.install.HealthException;
import io.pigsty.builder.install.InstallException;
import io.pigsty.builder.install.InventoryException;
import io.pigsty.repo.PigstyException;
import java.io.IOException;

/** Every exit code of the CLI, and the one place exceptions are mapped to them. */
public enum ExitCode {
  OK(0, "success"),
  INTERNAL(1, "unexpected internal error (a bug: please report it)"),
  USAGE(2, "bad command line"),
  DEFINITION(3, "bad bundle definition or image spec (file:line: key: reason)"),
  FETCH(4, "download failed (URL, HTTP status, size or SHA256 mismatch)"),
  SIGNATURE(5, "OpenPGP signature missing, bad or by an untrusted key"),
  METADATA(6, "malformed or inconsistent repository metadata or .deb"),
  RESOLUTION(7, "a requested package or a dependency cannot be satisfied (with its chain)"),
  BUNDLE(8, "bundle or repository check failed (verify), or no mirror for a suite"),
  IO(9, "file system error (path named)"),
  NO_JAVA(10, "configure/pigsty wrappers: no Java 17+ runtime or no pigsty.jar"),
  NOT_LINUX(20, "configure: the kernel is not Linux"),
  UNSUPPORTED_ARCH(21, "configure: the machine is not x86_64 or aarch64"),
  UNSUPPORTED_OS(22, "configure: /etc/os-release missing, or OS/release not supported"),
  NO_ROOT(23, "configure: not root and no passwordless sudo"),
  IP(24, "configure: -i not on this node, or no single primary IP under -n"),
  UNKNOWN_TEMPLATE(25, "configure: unknown template (-m, or pg_conf/node_tune of pigsty.yml)"),
  BUNDLE_INVALID(26, "configure: bundle missing, truncated, or bad SHA256 or signature"),
  BUNDLE_TARGET(27, "configure: bundle is for another OS, release or architecture"),
  PREFLIGHT(28, "configure: bundle packages conflict with installed ones (listed)"),
  INVENTORY(29, "configure: bad pigsty.yml (file:line: key: reason)"),
  UNSAFE_ENTRY(30, "configure: a bundle entry would land outside /www/pigsty"),
  NO_PACKAGE_MANAGER(31, "configure: dpkg or apt-get not found"),
  NO_SPACE(32, "configure: not enough free disk under /www"),
  APT(33, "configure: writing the apt source or apt-get update failed"),
  INSTALL_INVENTORY(40, "install/status: bad pigsty.yml (file:line: key: reason)"),
  INSTALL(41, "install: a step failed (command, file or unit named)"),
  HEALTH(42, "install/status: health check failed (failed items listed)"),
  IMAGE(50, "image: unknown spec, OS or provider, or a spec a renderer cannot serve"),
  APPLIANCE(51, "image rootfs: host tool missing, bundle unusable, or mmdebstrap failed");

  final int code;
  final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /**
   * The one place exceptions are mapped to exit codes: a {@link PigstyException} to the code it
   * carries, an {@link IOException} to {@link #IO}, anything else (a bug) to {@link #INTERNAL}.
   * Bad command lines never get here: picocli's parameter errors exit {@link #USAGE} on their own.
   *
   * @return the code for an exception thrown by a command
   */
  static ExitCode of(Throwable t) {
    if (t instanceof PigstyException p) return ofCode(p.exitCode());
    ExitCode legacy = legacy(t);
    if (legacy != null) return legacy;
    if (t instanceof IOException) return IO;
    return INTERNAL;
  }

  /** @return the constant with that number, or {@link #INTERNAL} for a number not listed */
  static ExitCode ofCode(int code) {
    for (ExitCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return INTERNAL;
  }

  /**
   * Bridge for the exceptions of {@code install} and {@code configure}, which do not extend
   * {@link PigstyException} yet (those packages are being rewritten): remove once they do.
   *
   * @return their code, or null for any other exception
   */
  private static ExitCode legacy(Throwable t) {
    if (t instanceof NodeException n) return of(n.kind());
    if (t instanceof InventoryException) return INSTALL_INVENTORY;
    if (t instanceof InstallException) return INSTALL;
    if (t instanceof HealthException) return HEALTH;
    return null;
  }

  /** @return the code of a configure failure */
  static ExitCode of(NodeException.Kind kind) {
    return switch (kind) {
      case NOT_LINUX -> NOT_LINUX;
      case UNSUPPORTED_ARCH -> UNSUPPORTED_ARCH;
      case UNSUPPORTED_OS -> UNSUPPORTED_OS;
      case NO_ROOT -> NO_ROOT;
      case IP -> IP;
      case UNKNOWN_TEMPLATE -> UNKNOWN_TEMPLATE;
      case BUNDLE_INVALID -> BUNDLE_INVALID;
      case BUNDLE_TARGET -> BUNDLE_TARGET;
      case PREFLIGHT -> PREFLIGHT;
      case INVENTORY -> INVENTORY;
      case UNSAFE_ENTRY -> UNSAFE_ENTRY;
      case NO_PACKAGE_MANAGER -> NO_PACKAGE_MANAGER;
      case NO_SPACE -> NO_SPACE;
      case APT -> APT;
    };
  }

  /** @return {@code code:meaning} lines for picocli's exit code list */
  static String[] helpList() {
    ExitCode[] all = values();
    String[] out = new String[all.length];
    for (int i = 0; i < all.length; i++) {
      // right-aligned so one- and two-digit codes share a column
      out[i] = String.format(java.util.Locale.ROOT, "%2d", all[i].code) + ":" + all[i].meaning;
    }
    return out;
  }
}
