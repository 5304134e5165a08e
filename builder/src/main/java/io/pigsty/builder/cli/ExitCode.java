package io.pigsty.builder.cli;

import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.configure.NodeException;
import io.pigsty.builder.definition.DefinitionException;
import io.pigsty.builder.fetch.FetchException;
import io.pigsty.builder.install.HealthException;
import io.pigsty.builder.install.InstallException;
import io.pigsty.builder.install.InventoryException;
import io.pigsty.builder.render.ImageException;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.solve.ResolutionException;
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
  IMAGE(50, "image: unknown spec, OS or provider, or a spec a renderer cannot serve");

  final int code;
  final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** @return the code for an exception thrown by a command */
  static ExitCode of(Throwable t) {
    if (t instanceof NodeException n) return of(n.kind());
    if (t instanceof DefinitionException) return DEFINITION;
    if (t instanceof FetchException) return FETCH;
    if (t instanceof SignatureException) return SIGNATURE;
    if (t instanceof MetadataException) return METADATA;
    if (t instanceof io.pigsty.repo.rpm.RpmMetadataException) return METADATA;
    if (t instanceof ResolutionException) return RESOLUTION;
    if (t instanceof io.pigsty.repo.rpm.ResolutionException) return RESOLUTION;
    if (t instanceof BundleException) return BUNDLE;
    if (t instanceof InventoryException) return INSTALL_INVENTORY;
    if (t instanceof InstallException) return INSTALL;
    if (t instanceof HealthException) return HEALTH;
    if (t instanceof ImageException) return IMAGE;
    if (t instanceof IOException) return IO;
    if (t instanceof IllegalArgumentException) return USAGE;
    return INTERNAL;
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
