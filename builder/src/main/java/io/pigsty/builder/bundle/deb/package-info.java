/**
 * The Debian bundle builder: InRelease-checked upstream suites, the closure, a signed flat APT
 * repository, and local APT repository indexing.
 */
package io.pigsty.builder.bundle.deb;
