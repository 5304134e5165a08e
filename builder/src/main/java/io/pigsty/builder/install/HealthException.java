package io.pigsty.builder.install;

/** The health check found at least one failed item; the message lists every one of them. */
public final class HealthException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message every failed check, one per line (not null)
     */
    public HealthException(String message) {
        super(message);
    }
}
