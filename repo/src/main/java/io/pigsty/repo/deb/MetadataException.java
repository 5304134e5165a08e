package io.pigsty.repo.deb;

/**
 * A Debian repository metadata file (Release, InRelease, Packages, a .deb's control file) is
 * malformed, inconsistent with its signed index, or fails a checksum. The message names the
 * file, URL or package at fault.
 */
public class MetadataException extends Exception {
  private static final long serialVersionUID = 1L;

  /** @param message names the file, URL or package at fault and the reason */
  public MetadataException(String message) {
    super(message);
  }

  /** @param message names the file, URL or package at fault; @param cause the underlying error */
  public MetadataException(String message, Throwable cause) {
    super(message, cause);
  }
}
