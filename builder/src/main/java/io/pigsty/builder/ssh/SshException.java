package io.pigsty.builder.ssh;

import io.pigsty.repo.PigstyException;

/**
 * A node cannot be reached over SSH: no route, refused, authentication failed, or its host key is
 * not the one pinned. The message names the host ({@code root@10.10.10.11:22}) and the reason.
 */
public final class SshException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** Exit code: a node of the inventory cannot be reached over SSH. */
  public static final int EXIT_CODE = 35;

  /**
   * @param message names the host and the reason
   * @param cause the underlying error, or null
   */
  public SshException(String message, Throwable cause) {
    super(EXIT_CODE, message, cause);
  }
}
