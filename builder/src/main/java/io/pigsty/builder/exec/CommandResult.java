package io.pigsty.builder.exec;

import java.util.Arrays;

/**
 * What a command did.
 *
 * @param command the command
 * @param exit its exit status
 * @param out standard output (UTF-8)
 * @param err standard error (UTF-8)
 */
public record CommandResult(Command command, int exit, String out, String err) {
  /**
   * @return whether the exit status is 0
   */
  public boolean ok() {
    return exit == 0;
  }

  /**
   * @return the last 12 lines of stderr (else stdout), for error messages
   */
  public String tail() {
    String s = (err.isBlank() ? out : err).strip();
    String[] lines = s.split("\n");
    return String.join(
        "\n  ", Arrays.copyOfRange(lines, Math.max(0, lines.length - 12), lines.length));
  }
}
