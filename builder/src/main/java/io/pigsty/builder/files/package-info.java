/**
 * File utilities used across packages: reproducible tarballs, safe extraction checks, tree
 * deletion.
 */
package io.pigsty.builder.files;
