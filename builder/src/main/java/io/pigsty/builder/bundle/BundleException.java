package io.pigsty.builder.bundle;

import io.pigsty.repo.PigstyException;

/**
 * A bundle could not be built or verified for a reason that is not a download, signature, metadata
 * or resolution error of its own kind: a missing mirror for a suite, an output path that cannot be
 * written, or a bundle whose content does not match its manifest.
 */
public class BundleException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** Exit code of the CLI when a bundle or repository could not be built or failed its check. */
  public static final int EXIT_CODE = 8;

  /**
   * @param message names the suite, file or path at fault
   */
  public BundleException(String message) {
    super(EXIT_CODE, message);
  }

  /**
   * @param message names the suite, file or path at fault; @param cause the underlying error
   */
  public BundleException(String message, Throwable cause) {
    super(EXIT_CODE, message, cause);
  }
}
