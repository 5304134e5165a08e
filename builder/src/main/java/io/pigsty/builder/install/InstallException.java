package io.pigsty.builder.install;

import io.pigsty.repo.PigstyException;

/**
 * A step of {@code pigsty install} failed: a command exited non-zero, a file could not be written
 * or a service did not start. The message names the command, file or unit at fault and carries the
 * tail of the command's output.
 */
public final class InstallException extends PigstyException {

  /** The process exit code of this failure. */
  public static final int EXIT_CODE = 41;

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the command, file or unit (not null)
   * @param cause the underlying exception, or null
   */
  public InstallException(String message, Throwable cause) {
    super(EXIT_CODE, message, cause);
  }

  /** Creates the exception without a cause. */
  public InstallException(String message) {
    super(EXIT_CODE, message);
  }
}
