package io.pigsty.repo.rpm;

/** Thrown when yum/dnf repository metadata (repomd.xml, primary, filelists) cannot be read or is malformed. */
public class RpmMetadataException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the file or URL at fault and what is wrong
     */
    public RpmMetadataException(String message) {
        super(message);
    }

    /**
     * @param message names the file or URL at fault and what is wrong
     * @param cause   the underlying I/O or XML error
     */
    public RpmMetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
