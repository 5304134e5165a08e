/**
 * Offline checks of a built bundle: every file against the signed manifest.json, signatures with
 * the shipped key, indexes against packages, no file beyond packages and metadata, bounded memory.
 */
package io.pigsty.builder.verify;
