/**
 * What both package families share in building an offline bundle: the BundleBuilder contract and
 * its factory, manifest.json, staging into place, the content cache and mirrors.
 */
package io.pigsty.builder.bundle;
