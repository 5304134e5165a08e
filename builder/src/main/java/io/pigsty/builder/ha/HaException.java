package io.pigsty.builder.ha;

import io.pigsty.repo.PigstyException;

/**
 * A Patroni cluster cannot be read or refused an operation: no member answers, no leader, an
 * unknown or unfit candidate, or Patroni's refusal (its HTTP status and text). The message names
 * the cluster and the member or URL.
 */
public final class HaException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** Exit code: a switchover or another Patroni operation failed. */
  public static final int EXIT_CODE = 43;

  /**
   * @param message names the cluster, member or URL and the reason
   */
  public HaException(String message) {
    super(EXIT_CODE, message);
  }

  /**
   * @param message names the cluster, member or URL and the reason
   * @param cause the underlying error
   */
  public HaException(String message, Throwable cause) {
    super(EXIT_CODE, message, cause);
  }
}
