package io.pigsty.repo.deb;

import io.pigsty.repo.PigstyException;

/**
 * A Debian repository metadata file (Release, InRelease, Packages, a .deb's control file) is
 * malformed, inconsistent with its signed index, or fails a checksum. The message names the file,
 * URL or package at fault.
 */
public class MetadataException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** Exit code of the CLI when malformed or inconsistent repository metadata or .deb. */
  public static final int EXIT_CODE = 6;

  /**
   * @param message names the file, URL or package at fault and the reason
   */
  public MetadataException(String message) {
    super(EXIT_CODE, message);
  }

  /**
   * @param message names the file, URL or package at fault; @param cause the underlying error
   */
  public MetadataException(String message, Throwable cause) {
    super(EXIT_CODE, message, cause);
  }
}
