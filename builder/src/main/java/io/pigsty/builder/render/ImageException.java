package io.pigsty.builder.render;

/**
 * An image rendering cannot be done: unknown spec, OS or provider, a spec that a renderer
 * cannot serve (a node size with no instance type), or a template failure. The message names
 * the spec, OS, provider or template at fault.
 */
public final class ImageException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the item at fault */
    public ImageException(String message) {
        super(message);
    }

    /** @param message what is wrong; @param cause the underlying failure */
    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
