package io.pigsty.builder.install;

import io.pigsty.repo.PigstyException;

/** The health check found at least one failed item; the message lists every one of them. */
public final class HealthException extends PigstyException {

  /** The process exit code of this failure. */
  public static final int EXIT_CODE = 42;

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message every failed check, one per line (not null)
   */
  public HealthException(String message) {
    super(EXIT_CODE, message);
  }
}
