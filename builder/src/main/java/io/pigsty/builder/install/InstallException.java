package io.pigsty.builder.install;

/**
 * A step of {@code pigsty install} failed: a command exited non-zero, a file could not be
 * written or a service did not start. The message names the command, file or unit at fault
 * and carries the tail of the command's output.
 */
public final class InstallException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the command, file or unit (not null)
     * @param cause   the underlying exception, or null
     */
    public InstallException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Creates the exception without a cause. */
    public InstallException(String message) {
        super(message);
    }
}
