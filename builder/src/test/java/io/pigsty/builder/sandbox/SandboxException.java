package io.pigsty.builder.sandbox;

/** A sandbox node or its network could not be made, reached or driven; the message names it. */
public class SandboxException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public SandboxException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
