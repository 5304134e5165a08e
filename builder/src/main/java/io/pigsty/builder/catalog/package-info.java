/**
 * {@code pigsty catalog update}: the extension catalog generated from a definition's Debian archive
 * (every {@code postgresql-<major>-*} package, downloaded and checked against the signed index),
 * with the {@code CREATE EXTENSION} names of its {@code .control} files and the preload rule over
 * its modules' imported symbols; the catalog itself is read in {@code definition}.
 */
package io.pigsty.builder.catalog;
