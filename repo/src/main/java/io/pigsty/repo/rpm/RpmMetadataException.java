package io.pigsty.repo.rpm;

import io.pigsty.repo.PigstyException;

/**
 * Thrown when yum/dnf repository metadata (repomd.xml, primary, filelists) cannot be read or is
 * malformed.
 */
public class RpmMetadataException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** Exit code of the CLI when malformed or inconsistent yum/dnf metadata or .rpm. */
  public static final int EXIT_CODE = 6;

  /**
   * @param message names the file or URL at fault and what is wrong
   */
  public RpmMetadataException(String message) {
    super(EXIT_CODE, message);
  }

  /**
   * @param message names the file or URL at fault and what is wrong
   * @param cause the underlying I/O or XML error
   */
  public RpmMetadataException(String message, Throwable cause) {
    super(EXIT_CODE, message, cause);
  }
}
