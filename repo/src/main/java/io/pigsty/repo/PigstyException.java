package io.pigsty.repo;

/**
 * A failure that is the input's or the environment's fault, not a bug: the base of every checked
 * exception of the project, carrying the process exit code the {@code pigsty} CLI ends with.
 *
 * <p>Each subsystem has one subclass that states its code as a {@code public static final int
 * EXIT_CODE} and passes it here; the CLI maps any {@code PigstyException} to that code, an {@link
 * java.io.IOException} to 9 and anything else to 1 (internal error). The codes and their meanings
 * are listed by {@code pigsty --help} and in the README; 0, 1 and 2 (success, internal error, bad
 * command line) are the CLI's own and never carried by an exception.
 */
public abstract class PigstyException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Lowest exit code an exception may carry. */
  public static final int MIN_EXIT_CODE = 3;

  /** Highest exit code an exception may carry (126 and above mean other things to a shell). */
  public static final int MAX_EXIT_CODE = 125;

  private final int exitCode;

  /**
   * @param exitCode the process exit code for this failure, {@value #MIN_EXIT_CODE}..{@value
   *     #MAX_EXIT_CODE}
   * @param message names the file, URL, package or key at fault and the reason
   * @throws IllegalArgumentException when {@code exitCode} is out of range
   */
  protected PigstyException(int exitCode, String message) {
    super(message);
    this.exitCode = checked(exitCode);
  }

  /**
   * @param exitCode the process exit code for this failure, {@value #MIN_EXIT_CODE}..{@value
   *     #MAX_EXIT_CODE}
   * @param message names the file, URL, package or key at fault and the reason
   * @param cause the underlying error, or null
   * @throws IllegalArgumentException when {@code exitCode} is out of range
   */
  protected PigstyException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = checked(exitCode);
  }

  /**
   * @return the process exit code for this failure, {@value #MIN_EXIT_CODE}..{@value
   *     #MAX_EXIT_CODE}
   */
  public final int exitCode() {
    return exitCode;
  }

  private static int checked(int code) {
    if (code < MIN_EXIT_CODE || code > MAX_EXIT_CODE) {
      throw new IllegalArgumentException(
          "exit code " + code + " is outside " + MIN_EXIT_CODE + ".." + MAX_EXIT_CODE);
    }
    return code;
  }
}
