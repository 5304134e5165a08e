package io.pigsty.repo.sign;

import io.pigsty.repo.PigstyException;

/**
 * Checked failure of the signing subsystem: a signature that does not verify, a key file that
 * cannot be read, malformed armor. The message always starts with the source at fault (a file path
 * or URL string given by the caller) followed by the reason.
 */
public class SignatureException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** Exit code of the CLI when an OpenPGP signature is missing, bad or by an untrusted key. */
  public static final int EXIT_CODE = 5;

  /**
   * @param source file or URL the failing input came from, never null
   * @param reason what is wrong, e.g. "bad signature by key 4CB5..."
   */
  public SignatureException(String source, String reason) {
    super(EXIT_CODE, source + ": " + reason);
  }

  /**
   * @param source file or URL the failing input came from, never null
   * @param reason what is wrong
   * @param cause the underlying library error, may be null
   */
  public SignatureException(String source, String reason, Throwable cause) {
    super(EXIT_CODE, source + ": " + reason, cause);
  }
}
