package io.pigsty.builder.exec;

/**
 * A command could not start, timed out, was interrupted, or (from {@link CommandRunner#check})
 * exited non-zero. The message names the command line and, for an exit, the tail of its output.
 */
public final class CommandException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what happened, naming the command
   * @param cause the underlying exception, or null
   */
  public CommandException(String message, Throwable cause) {
    super(message, cause);
  }
}
