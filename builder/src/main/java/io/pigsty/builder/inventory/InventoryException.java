package io.pigsty.builder.inventory;

import io.pigsty.repo.PigstyException;

/**
 * {@code pigsty.yml} is malformed or holds a value outside its allowed set. The same file gets the
 * same exception, and so the same exit code, from every command that reads it ({@code configure
 * -c}, {@code install}, {@code status}).
 *
 * <p>The message reads {@code <file>:<line>: <key.path>: <reason>}, for example {@code
 * pigsty.yml:9: all.children.pg-meta.vars.pg_conf: unknown tuning template 'huge.yml'}; the line is
 * left out when unknown.
 */
public final class InventoryException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** What is wrong; each has its own exit code. */
  public enum Kind {
    /** Malformed YAML, a missing or mistyped key, a value outside its set (exit 29). */
    INVALID(29),
    /** {@code pg_conf} or {@code node_tune} names no known tuning template (exit 25). */
    UNKNOWN_TEMPLATE(25);

    /** The process exit code. */
    public final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }
  }

  private final Kind kind;

  /**
   * @param kind what is wrong
   * @param file the inventory file, as given
   * @param line 1-based line of the offending node, 0 when unknown
   * @param keyPath dotted key path such as {@code all.vars.pg_port}; may be empty
   * @param reason what is wrong
   * @param cause the parser exception, or null
   */
  public InventoryException(
      Kind kind, String file, int line, String keyPath, String reason, Throwable cause) {
    super(
        kind.exitCode,
        file
            + (line > 0 ? ":" + line : "")
            + ": "
            + (keyPath == null || keyPath.isEmpty() ? "" : keyPath + ": ")
            + reason,
        cause);
    this.kind = kind;
  }

  /**
   * @param kind what is wrong
   * @param message the whole message, already reading {@code file:line: key.path: reason}
   * @param cause the parser exception, or null
   */
  public InventoryException(Kind kind, String message, Throwable cause) {
    super(kind.exitCode, message, cause);
    this.kind = kind;
  }

  /**
   * @return what is wrong
   */
  public Kind kind() {
    return kind;
  }
}
