package io.pigsty.builder.appliance;

import io.pigsty.builder.bundle.BundleException;

/**
 * A root file system could not be built from a bundle: the bundle fails verification or has no
 * base set ({@code base_system: true}), the release is missing or unsafe, the host lacks root,
 * {@code mmdebstrap} or {@code unshare}, or {@code mmdebstrap} failed (its last lines quoted).
 * A bundle that cannot serve its purpose, so the CLI maps it like any {@link BundleException}.
 */
public class RootfsException extends BundleException {
  private static final long serialVersionUID = 1L;

  /** @param message names the bundle, release, tool or path at fault */
  public RootfsException(String message) {
    super(message);
  }

  /** @param message names the bundle, release, tool or path at fault; @param cause the cause */
  public RootfsException(String message, Throwable cause) {
    super(message, cause);
  }
}
