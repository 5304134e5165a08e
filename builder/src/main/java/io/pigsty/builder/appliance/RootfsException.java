package io.pigsty.builder.appliance;

import io.pigsty.repo.PigstyException;

/**
 * A root file system could not be built from a bundle: the bundle fails verification or has no base
 * set ({@code base_system: true}), the release is missing or unsafe, the host lacks root, {@code
 * mmdebstrap} or {@code unshare}, or {@code mmdebstrap} failed (its last lines quoted).
 */
public class RootfsException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** Exit code of the CLI when an image root file system cannot be built. */
  public static final int EXIT_CODE = 51;

  /**
   * @param message names the bundle, release, tool or path at fault
   */
  public RootfsException(String message) {
    super(EXIT_CODE, message);
  }

  /**
   * @param message names the bundle, release, tool or path at fault; @param cause the cause
   */
  public RootfsException(String message, Throwable cause) {
    super(EXIT_CODE, message, cause);
  }
}
