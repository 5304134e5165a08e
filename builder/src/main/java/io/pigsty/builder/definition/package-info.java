/**
 * Bundle definitions (bundles/*.yml) and the extension catalog (bundles/extensions.yml), read into
 * validated records with file:line: key errors.
 */
package io.pigsty.builder.definition;
