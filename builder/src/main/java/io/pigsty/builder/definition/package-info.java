/**
 * Bundle definitions (bundles/*.yml), the extension catalog (bundles/extensions.yml) and the node
 * OS table (bundles/os.yml), read into validated records with file:line: key errors.
 */
package io.pigsty.builder.definition;
