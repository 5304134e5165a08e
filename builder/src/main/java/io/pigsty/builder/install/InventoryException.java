package io.pigsty.builder.install;

import java.nio.file.Path;

/**
 * {@code pigsty.yml} is malformed or names something the installer cannot do.
 *
 * <p>The message reads {@code <file>:<line>: <keyPath>: <reason>}, for example
 * {@code pigsty.yml:9: all.children.pg-meta.vars.pg_conf: 'huge.yml' is not one of tiny.yml,
 * oltp.yml, olap.yml, crit.yml}; the line is left out when unknown.
 */
public final class InventoryException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file    the inventory file (not null)
     * @param line    1-based line of the offending node, 0 when unknown
     * @param keyPath dotted key path such as {@code all.vars.pg_port}; may be empty
     * @param reason  what is wrong (not null)
     * @param cause   the parser exception, or null
     */
    public InventoryException(Path file, int line, String keyPath, String reason, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": "
                + (keyPath == null || keyPath.isEmpty() ? "" : keyPath + ": ") + reason, cause);
    }
}
