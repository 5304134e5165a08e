package io.pigsty.builder.definition;

import io.pigsty.repo.PigstyException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A bundle definition file (or the extension catalog it uses), or an image environment spec ({@code
 * spec/*.yml}, read by {@code io.pigsty.builder.render.SpecLoader}), is malformed or inconsistent.
 *
 * <p>The message reads {@code <file>:<line>: <keyPath>: <reason>}, for example {@code
 * bundles/d12.yml:14: packages.pgsql[3]: 'postgresql-15' is requested twice}; the line and the key
 * path are left out of the message when unknown.
 */
public final class DefinitionException extends PigstyException {

  private static final long serialVersionUID = 1L;

  /** Exit code of the CLI when a bundle definition or image spec is malformed or inconsistent. */
  public static final int EXIT_CODE = 3;

  private final transient Path file;
  private final int line;
  private final String keyPath;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param file the YAML file at fault, as the user named it (not null)
   * @param line 1-based line of the offending node, or 0 when unknown
   * @param keyPath dotted key path with list indexes such as {@code upstreams[2].keys[0]}; empty
   *     when the whole file is at fault (null is taken as empty)
   * @param reason what is wrong, in words (not null)
   * @param cause the underlying parser exception, or null
   */
  public DefinitionException(Path file, int line, String keyPath, String reason, Throwable cause) {
    super(EXIT_CODE, format(file, line, keyPath, reason), cause);
    this.file = Objects.requireNonNull(file, "file");
    this.line = Math.max(0, line);
    this.keyPath = keyPath == null ? "" : keyPath;
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Creates the exception without a cause; see {@link #DefinitionException(Path, int, String,
   * String, Throwable)}.
   */
  public DefinitionException(Path file, int line, String keyPath, String reason) {
    this(file, line, keyPath, reason, null);
  }

  private static String format(Path file, int line, String keyPath, String reason) {
    StringBuilder sb = new StringBuilder(String.valueOf(file));
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (keyPath != null && !keyPath.isEmpty()) {
      sb.append(keyPath).append(": ");
    }
    return sb.append(reason).toString();
  }

  /**
   * @return the YAML file at fault, as the user named it (never null)
   */
  public Path file() {
    return file;
  }

  /**
   * @return the 1-based line of the offending node, 0 when unknown
   */
  public int line() {
    return line;
  }

  /**
   * @return the key path such as {@code packages.pgsql[3]}; empty when the whole file is at fault
   */
  public String keyPath() {
    return keyPath;
  }

  /**
   * @return the reason alone, without file, line and key path (never null)
   */
  public String reason() {
    return reason;
  }
}
