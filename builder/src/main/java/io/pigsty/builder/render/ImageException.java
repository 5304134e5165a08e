package io.pigsty.builder.render;

import io.pigsty.repo.PigstyException;

/**
 * An image rendering cannot be done: unknown spec, OS or provider, a spec that a renderer cannot
 * serve (a node size with no instance type), or a template failure. The message names the spec, OS,
 * provider or template at fault.
 */
public final class ImageException extends PigstyException {

  private static final long serialVersionUID = 1L;

  /** Exit code of the CLI when an image spec, OS or provider is unknown or cannot be served. */
  public static final int EXIT_CODE = 50;

  /**
   * @param message what is wrong, naming the item at fault
   */
  public ImageException(String message) {
    super(EXIT_CODE, message);
  }

  /**
   * @param message what is wrong; @param cause the underlying failure
   */
  public ImageException(String message, Throwable cause) {
    super(EXIT_CODE, message, cause);
  }
}
