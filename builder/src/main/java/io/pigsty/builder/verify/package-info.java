/**
 * Offline checks of a built bundle: every file against manifest.json, signatures with the shipped
 * key, indexes against packages.
 */
package io.pigsty.builder.verify;
