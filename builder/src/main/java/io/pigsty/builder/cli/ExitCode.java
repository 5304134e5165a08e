package io.pigsty.builder.cli;

import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.bundle.DefinitionException;
import io.pigsty.builder.fetch.FetchException;
import io.pigsty.builder.install.HealthException;
import io.pigsty.builder.install.InstallException;
import io.pigsty.builder.install.InventoryException;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.solve.ResolutionException;
import java.io.IOException;

/** Every exit code of the CLI, and the one place exceptions are mapped to them. */
public enum ExitCode {
  OK(0, "success"),
  INTERNAL(1, "unexpected internal error (a bug: please report it)"),
  USAGE(2, "bad command line"),
  DEFINITION(3, "bad bundle definition (file:line: key: reason)"),
  FETCH(4, "download failed (URL, HTTP status, size or SHA256 mismatch)"),
  SIGNATURE(5, "OpenPGP signature missing, bad or by an untrusted key"),
  METADATA(6, "malformed or inconsistent repository metadata or .deb"),
  RESOLUTION(7, "a requested package or a dependency cannot be satisfied (with its chain)"),
  BUNDLE(8, "bundle or repository check failed (verify), or no mirror for a suite"),
  IO(9, "file system error (path named)"),
  INVENTORY(40, "bad pigsty.yml (file:line: key: reason)"),
  INSTALL(41, "an install step failed (the command, file or unit is named)"),
  HEALTH(42, "health check failed (every failed unit, port, query or target is listed)");

  final int code;
  final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** @return the code for an exception thrown by a command */
  static ExitCode of(Throwable t) {
    if (t instanceof DefinitionException) return DEFINITION;
    if (t instanceof FetchException) return FETCH;
    if (t instanceof SignatureException) return SIGNATURE;
    if (t instanceof MetadataException) return METADATA;
    if (t instanceof ResolutionException) return RESOLUTION;
    if (t instanceof BundleException) return BUNDLE;
    if (t instanceof InventoryException) return INVENTORY;
    if (t instanceof InstallException) return INSTALL;
    if (t instanceof HealthException) return HEALTH;
    if (t instanceof IOException) return IO;
    if (t instanceof IllegalArgumentException) return USAGE;
    return INTERNAL;
  }

  /** @return {@code code:meaning} lines for picocli's exit code list */
  static String[] helpList() {
    ExitCode[] all = values();
    String[] out = new String[all.length];
    for (int i = 0; i < all.length; i++) {
      out[i] = all[i].code + ":" + all[i].meaning;
    }
    return out;
  }
}
