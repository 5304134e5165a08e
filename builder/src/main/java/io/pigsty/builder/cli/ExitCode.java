package io.pigsty.builder.cli;

import io.pigsty.repo.PigstyException;
import java.io.IOException;
import java.util.Locale;

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
  UNKNOWN_TEMPLATE(25, "unknown template (configure -m, or pg_conf/node_tune of pigsty.yml)"),
  BUNDLE_INVALID(26, "configure: bundle missing, bad SHA256/signature, or writable by others"),
  BUNDLE_TARGET(27, "configure: bundle is for another OS, release or architecture"),
  PREFLIGHT(28, "configure: bundle packages conflict with installed ones (listed)"),
  INVENTORY(29, "bad pigsty.yml, from any command (file:line: key.path: reason)"),
  UNSAFE_ENTRY(30, "configure: a bundle entry would land outside /www/pigsty"),
  NO_PACKAGE_MANAGER(31, "configure: dpkg or apt-get not found"),
  NO_SPACE(32, "configure: not enough free disk under /www"),
  APT(33, "configure: writing the apt source or apt-get update failed"),
  // one help line: the code column plus the meaning stay within picocli's 80 columns
  BUNDLE_UNTRUSTED(34, "configure: bundle signed by a key not pinned (--key or bundle-keys.txt)"),
  SSH(35, "configure/install: a node unreachable over SSH, or its host key changed"),
  PG_MAJOR(36, "configure/install: pg_version (or -v) is a major the bundle lacks"),
  INSTALL(41, "install: a step failed (command, file or unit named)"),
  HEALTH(42, "install/status: health check failed (failed items listed)"),
  HA(43, "switchover: no member answers, no leader, bad candidate, or refused"),
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
   * carries, an {@link IOException} to {@link #IO}, anything else (a bug) to {@link #INTERNAL}. Bad
   * command lines never get here: picocli's parameter errors exit {@link #USAGE} on their own.
   *
   * @return the code for an exception thrown by a command
   */
  static ExitCode of(Throwable t) {
    if (t instanceof PigstyException p) return ofCode(p.exitCode());
    if (t instanceof IOException) return IO;
    return INTERNAL;
  }

  /**
   * @return the constant with that number, or {@link #INTERNAL} for a number not listed
   */
  static ExitCode ofCode(int code) {
    for (ExitCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return INTERNAL;
  }

  /**
   * @return {@code code:meaning} lines for picocli's exit code list
   */
  static String[] helpList() {
    ExitCode[] all = values();
    String[] out = new String[all.length];
    for (int i = 0; i < all.length; i++) {
      // right-aligned so one- and two-digit codes share a column
      out[i] = String.format(Locale.ROOT, "%2d", all[i].code) + ":" + all[i].meaning;
    }
    return out;
  }
}
