package io.pigsty.repo.solve;

/**
 * One requested package.
 *
 * @param spec a relation as in a Depends field: {@code name}, {@code name (>= 1.2)} or alternatives
 *     {@code a | b}
 * @param origin where the request comes from, the first link of every chain (a module name such as
 *     {@code pgsql}, or {@code file:line})
 */
public record Request(String spec, String origin) {}
